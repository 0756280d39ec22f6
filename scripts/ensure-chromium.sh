#!/usr/bin/env bash
# Browser tests drive Debian's Chromium. Install it when missing and we are root (CI, a fresh
# machine); otherwise say what to do. Nothing is downloaded outside Debian's packages.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Chromium absent : installation du paquet Debian chromium…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  exit 0
fi
echo "Chromium est nécessaire aux tests navigateur : installez le paquet Debian « chromium » (sudo apt-get install chromium)." >&2
exit 1
