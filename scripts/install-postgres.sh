#!/usr/bin/env bash
# PostgreSQL for the deployment test (a throwaway cluster the test suite starts and removes):
# Debian's `postgresql` package, installed when missing and we may (root with apt-get);
# otherwise we say what to install. Nothing is downloaded from elsewhere.
set -euo pipefail
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)}
if [[ -n "$PG_BIN" && -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]]; then
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL uit de Debian-pakketten installeren (postgresql)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
else
  echo "Let op: PostgreSQL ontbreekt. Installeer het Debian-pakket 'postgresql' voor de" \
       "deploymenttest (initdb en pg_ctl onder /usr/lib/postgresql/<versie>/bin)." >&2
fi
