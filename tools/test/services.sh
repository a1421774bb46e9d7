#!/usr/bin/env bash
# The programs the test suite starts itself: PostgreSQL's server binaries (initdb, pg_ctl) for the
# throwaway cluster, redis-server for the queue tests, Chromium for the console tests. Checks for
# them first; installs what is missing with apt-get when it can (as root, or with passwordless
# sudo); otherwise stops at once, naming the packages and the command. `npm test`
# (tools/test/run-all.mjs) and `.ci/run` both run this script.
#
# Looks where the tests look: $PG_BIN or /usr/lib/postgresql/*/bin, $REDIS_SERVER or
# /usr/bin|/usr/local/bin/redis-server, $CHROMIUM_PATH or /usr/bin/chromium.
# TEST_SERVICES_INSTALL=never reports what is missing without installing anything.
set -euo pipefail

missing=()
if [ -n "${PG_BIN:-}" ]; then
  [ -x "$PG_BIN/initdb" ] || missing+=(postgresql)
else
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
fi
if [ -n "${REDIS_SERVER:-}" ]; then
  [ -x "$REDIS_SERVER" ] || missing+=(redis-server)
else
  [ -x /usr/bin/redis-server ] || [ -x /usr/local/bin/redis-server ] || missing+=(redis-server)
fi
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)

[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
can_install=no
if [ "${TEST_SERVICES_INSTALL:-auto}" != never ] && command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    can_install=yes
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
    can_install=yes
  fi
fi

if [ "$can_install" = yes ]; then
  echo "test services: installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  ${sudo[@]+"${sudo[@]}"} apt-get update -q
  ${sudo[@]+"${sudo[@]}"} apt-get install -y -q --no-install-recommends "${missing[@]}"
  exit 0
fi

cat >&2 <<MESSAGE
The test suite needs programs this machine lacks: ${missing[*]}.
Install them (Debian/Ubuntu):
  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}
or point the tests at existing ones with PG_BIN (a folder holding initdb), REDIS_SERVER, CHROMIUM_PATH.
MESSAGE
exit 3
