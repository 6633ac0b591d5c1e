#!/bin/sh
# The install steps of the container image, run as root in a clean Debian root (the
# Containerfile's only RUN). CI runs this very script when it builds the image
# (deploy/container/build.sh), so what the image holds is what was tested.
set -eu
APP=/srv/wasstraat
export DEBIAN_FRONTEND=noninteractive
[ -n "${PIP_CERT:-}" ] || unset PIP_CERT  # an empty build argument means none

apt-get update -qq
# Python, LibreOffice's Writer without the desktop (PDF/A of the plans), the fonts the
# documents use, and the CA certificates for SMTP over TLS and single sign-on.
apt-get install -y -qq --no-install-recommends \
    python3 python3-venv libreoffice-writer-nogui fonts-dejavu-core fonts-liberation2 \
    fonts-crosextra-carlito ca-certificates >/dev/null

python3 -m venv "$APP/.venv"
"$APP/.venv/bin/pip" install --quiet --no-cache-dir --upgrade pip
# Editable, as `make run` does: the app finds its templates, static files and migrations
# beside the package.
"$APP/.venv/bin/pip" install --quiet --no-cache-dir -e "$APP"
for po in "$APP"/wasstraat/translations/*/LC_MESSAGES/messages.po; do
    "$APP/.venv/bin/pybabel" compile -i "$po" -o "${po%.po}.mo" >/dev/null
done
# Compiled now: at run time the root file system is read-only.
"$APP/.venv/bin/python" -m compileall -q "$APP/wasstraat" "$APP/migrations" "$APP/app.py" \
    "$APP/deploy" >/dev/null

# Mount points of the tmpfs the processes write to (the root file system is read-only).
mkdir -p /run/wasstraat
# The user the processes run as; it owns nothing in the image.
useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin wasstraat
rm -rf "$APP/instance" "$APP/tests" "$APP/bench" "$APP/.git"
apt-get clean
rm -rf /var/lib/apt/lists/* /root/.cache
