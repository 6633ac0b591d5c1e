#!/usr/bin/env bash
# Build Wasstraat's image where no registry can be reached (CI, these machines): a Debian
# root made by debootstrap from Debian's packages becomes the base, buildah builds the
# Containerfile on it, and check.sh runs the image as Kubernetes would. As root.
#   deploy/container/build.sh            build and check localhost/wasstraat:test
#   IMAGE=… deploy/container/build.sh    another name
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGE=${IMAGE:-localhost/wasstraat:test}
BASE=localhost/wasstraat-base:bookworm
export STORAGE_DRIVER=${STORAGE_DRIVER:-vfs}  # works nested, where overlay may not

need=()
for tool in debootstrap buildah podman; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${need[@]}" >/dev/null
fi

if ! podman image exists "$BASE"; then
  root=$(mktemp -d /var/tmp/wasstraat-base.XXXXXX)
  debootstrap --variant=minbase bookworm "$root" >/dev/null
  tar -C "$root" -c . | podman import --quiet - "$BASE" >/dev/null
  rm -rf "$root"
fi

# Where this machine reaches PyPI through a proxy with its own certificate authority, the
# build trusts it too, for the build only: the bundle is mounted, never copied in.
trust=()
host_ca=${PIP_CERT:-${SSL_CERT_FILE:-}}
if [ -n "$host_ca" ] && [ -f "$host_ca" ]; then
  trust=(--volume "$host_ca:/run/build-ca.crt:ro" --build-arg PIP_CERT=/run/build-ca.crt)
fi
buildah build --quiet --isolation chroot --network host --layers=false "${trust[@]}" \
  --build-arg BASE="$BASE" -f deploy/container/Containerfile -t "$IMAGE" . >/dev/null
echo "built $IMAGE ($(podman image inspect --format '{{.Size}}' "$IMAGE" | numfmt --to=iec))"
deploy/container/check.sh "$IMAGE"
