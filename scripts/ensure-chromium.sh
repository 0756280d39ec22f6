#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; the readiness check's test starts a real redis-server.
# Install them when missing and we are root (CI, a fresh machine); otherwise say what to do.
# Nothing is downloaded outside Debian's packages.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ] && command -v redis-server >/dev/null; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Chromium ou redis-server absent : installation des paquets Debian chromium et redis-server…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-dejavu-core redis-server >/dev/null
  exit 0
fi
echo "Chromium (tests navigateur) et redis-server (test de /sante/pret/) sont nécessaires : sudo apt-get install chromium redis-server" >&2
exit 1
