#!/usr/bin/env bash
# LibreOffice Writer (without its GUI) for the test that opens the Word version of the report as
# a reader would (`--convert-to pdf`): Debian's `libreoffice-writer-nogui`, installed when missing
# and we may (root with apt-get); otherwise we say what to install. Nothing is downloaded from
# elsewhere.
set -euo pipefail
if command -v libreoffice >/dev/null 2>&1 || command -v soffice >/dev/null 2>&1; then
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "LibreOffice Writer uit de Debian-pakketten installeren (libreoffice-writer-nogui)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null
else
  echo "Let op: LibreOffice ontbreekt. Installeer het Debian-pakket 'libreoffice-writer-nogui'" \
       "voor de test die de Word-versie van het rapport opent." >&2
fi
