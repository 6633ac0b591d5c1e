#!/usr/bin/env bash
# Run the image as the Kubernetes manifests do (user 10001, read-only root, tmpfs on /tmp and
# /run/wasstraat) and check that it migrates, serves its probes and makes a PDF/A. As root.
#
# The image's own root file system is mounted read-only and entered with chroot as user
# 10001: container runtimes cannot start containers on these machines (they may not set
# resource limits), so namespaces, cgroups and the dropped capabilities are not exercised
# here; the manifests' securityContext is checked by tests/test_deployment.py.
set -euo pipefail
IMAGE=${1:-localhost/wasstraat:test}
export STORAGE_DRIVER=${STORAGE_DRIVER:-vfs}

container=$(buildah from --quiet "$IMAGE")
image_root=$(buildah mount "$container")
root=$(mktemp -d /var/tmp/wasstraat-check.XXXXXX)
cleanup() {
  # Every process still running inside the checked root (gunicorn and its workers).
  for process in /proc/[0-9]*; do
    [ "$(readlink "$process/root" 2>/dev/null)" != "$root" ] || kill "${process#/proc/}" 2>/dev/null || true
  done
  sleep 1
  for mounted in /dev /proc /run/wasstraat /tmp ""; do
    umount -l "$root$mounted" 2>/dev/null || true
  done
  rmdir "$root" 2>/dev/null || true
  buildah rm "$container" >/dev/null 2>&1 || true
}
trap cleanup EXIT
mount --bind "$image_root" "$root"
mount -o remount,bind,ro "$root"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
mount -t tmpfs -o mode=1777 tmpfs "$root/run/wasstraat"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"

SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
AUDIT_KEYS="k1:$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_deployed() {
  chroot --userspec=10001:10001 "$root" /usr/bin/env -i \
    PATH=/srv/wasstraat/.venv/bin:/usr/bin:/bin HOME=/tmp PYTHONDONTWRITEBYTECODE=1 \
    WASSTRAAT_ENV=production SECRET_KEY="$SECRET_KEY" WASSTRAAT_AUDIT_KEYS="$AUDIT_KEYS" \
    WASSTRAAT_AUDIT_CHECKPOINTS=/run/wasstraat/audit_checkpoints.jsonl \
    DATABASE_URL=sqlite:////tmp/wasstraat.sqlite WASSTRAAT_BIND="127.0.0.1:$port" \
    WASSTRAAT_LOG_FORMAT=json PROMETHEUS_MULTIPROC_DIR=/run/wasstraat/metrics \
    /bin/sh -c 'cd /srv/wasstraat && exec "$@"' sh "$@"
}

# Nothing outside the tmpfs mounts can be written.
if as_deployed touch /srv/wasstraat/written 2>/dev/null; then
  echo "the image's files are writable" >&2; exit 1
fi
# LibreOffice makes a PDF/A of a Word document.
as_deployed python -c '
import io, docx
from wasstraat.exports import pdf
document = docx.Document(); document.add_paragraph("Verbeterplan")
out = io.BytesIO(); document.save(out)
made = pdf.to_pdf(out.getvalue())
assert made.startswith(b"%PDF") and b"pdfaid" in made, "no PDF/A"
print("PDF/A made:", len(made), "bytes")'
# The migrations (as the Job runs them), then gunicorn as the entrypoint starts it.
as_deployed flask --app app db upgrade >/dev/null 2>&1
as_deployed gunicorn -c deploy/gunicorn.conf.py app:app >/dev/null 2>&1 &
for path in /_healthz/ /_healthz/livez/ /_healthz/readyz/; do
  for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$port$path" >/dev/null 2>&1 && break
    sleep 1
  done
  printf '%s ' "$path"; curl -fsS "http://127.0.0.1:$port$path"; echo
done
echo "image $IMAGE: checked"
