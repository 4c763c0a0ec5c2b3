#!/usr/bin/env bash
# Debian's Chromium renders the static chart images (kaleido) and drives the report tests.
# Installed from Debian's packages when missing and we may (root with apt-get); otherwise we say
# what to install. Nothing is downloaded from elsewhere.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium uit de Debian-pakketten installeren (chromium, chromium-driver)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium chromium-driver >/dev/null
else
  echo "Let op: Chromium ontbreekt. Installeer de Debian-pakketten 'chromium' en" \
       "'chromium-driver' (of zet BROWSER_PATH) voor de statische figuren en de rapporttest." >&2
fi
