#!/usr/bin/env bash
# Installs (if missing) and starts a local PostgreSQL server for the test suite's second pass, and creates a
# role that may create the test database. Prints the DATABASE_URL to use.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/system-packages.sh postgresql >&2

version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >&2
fi
# Already running is fine; its messages go to stderr so that stdout carries only the URL.
pg_ctlcluster "$version" main start >&2 || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 && break
  sleep 1
done

su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='congress'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE congress LOGIN CREATEDB PASSWORD 'congress'\"" >&2
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='congress'\"" | grep -q 1 ||
  su postgres -c "createdb -O congress congress" >&2
echo "postgres://congress:congress@127.0.0.1:5432/congress"
