#!/usr/bin/env bash
# Installs the system tools some tests need when they are missing: redis-server
# (scale-out tests), Chromium with its driver (the real-browser test) and Node.js
# with npm (the interoperability test against an OpenID Certified provider) and
# PostgreSQL (the token storage tests; Debian keeps initdb and pg_ctl in
# /usr/lib/postgresql/<version>/bin, off PATH, and tests/postgres_server.py looks there).
# Runs as part of `make test`; on a machine without apt-get or root it only
# reports what is missing (those tests then skip locally, and fail under CI=true).
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ! { command -v pg_ctl && command -v initdb; } >/dev/null 2>&1 \
    && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  missing+=(postgresql)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (Debian packages) for the test suite" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "note: ${missing[*]} not installed and cannot be installed here; the tests that need them will skip" >&2
fi
