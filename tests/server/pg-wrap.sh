#!/bin/sh
# pg-wrap.sh PROGRAM ARGS...: run a server test against a throw-away PostgreSQL.
#
# Creates a cluster in a temporary directory (initdb, trust auth, unix socket only in
# that directory, no TCP), exports TONGBAN_TEST_DB, runs the program, and always stops
# and removes the cluster. As root (CI), the cluster runs as the 'postgres' user that
# Debian's postgresql package creates, since PostgreSQL refuses to run as root.
set -eu

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "pg-wrap: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi

dir=$(mktemp -d /tmp/tongban-pg.XXXXXX)
as_user() { "$@"; }
user=$(id -un)
if [ "$(id -u)" = 0 ]; then
  user=postgres
  chown postgres: "$dir"
  as_user() { runuser -u postgres -- "$@"; }
fi

cleanup() {
  as_user "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

as_user "$bindir/initdb" -D "$dir/data" -U "$user" --auth=trust --encoding=UTF8 --no-locale \
  --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
# fsync off: a test cluster lives for seconds and is thrown away.
as_user "$bindir/pg_ctl" -D "$dir/data" -w -t 30 -l "$dir/server.log" \
  -o "-c listen_addresses= -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

export TONGBAN_TEST_DB="postgresql:///postgres?host=$dir&user=$user"
status=0
"$@" || status=$?
exit $status
