#!/usr/bin/env bash
# A throw-away PostgreSQL server of its own (initdb in a fresh temporary folder, loopback only), for the load
# benchmark and the restart test: they stop and restart it without touching the shared server on 5432.
#   .ci/postgres-throwaway.sh start PORT   prints the server's folder, then the DATABASE_URL (database congress)
#   .ci/postgres-throwaway.sh restart DIR  a fast restart (connections are cut), waits until it accepts again
#   .ci/postgres-throwaway.sh stop DIR     stops it and removes the folder
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` user.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/system-packages.sh postgresql >&2

version=$(ls /usr/lib/postgresql | sort -n | tail -1)
bin=/usr/lib/postgresql/$version/bin
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
  port=${2:?usage: $0 start PORT}
  dir=$(mktemp -d -t congress-pg.XXXXXX)
  # Whatever fails below, the server started is stopped and the folder goes.
  trap '[ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >&2; rm -rf "$dir"' ERR
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
  # The socket stays inside the private folder; TCP on loopback only.
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir" start >&2
  as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -qc "CREATE ROLE congress LOGIN CREATEDB PASSWORD 'congress'" >&2
  as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -qc "CREATE DATABASE congress OWNER congress" >&2
  echo "$dir"
  echo "postgres://congress:congress@127.0.0.1:$port/congress"
  ;;
restart)
  dir=${2:?usage: $0 restart DIR}
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast restart >&2
  ;;
stop)
  dir=${2:?usage: $0 stop DIR}
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -w -t 60 -m fast stop >&2 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start PORT | restart DIR | stop DIR" >&2
  exit 2
  ;;
esac
