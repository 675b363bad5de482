#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server: a fresh data directory under a temporary directory, listening
# on a free loopback port (never 5432), trust authentication for the user `aisle`, database `aisle`.
# Installs PostgreSQL first when absent (scripts/postgres/ensure.sh).
#
# Prints shell assignments on stdout, for `eval "$(scripts/postgres/start.sh)"`:
#   AISLE_TEST_DATABASE_URL=postgres://aisle@127.0.0.1:<port>/aisle
#   AISLE_PG_DIR=<temporary directory>         (give it to stop.sh)
# Usage: scripts/postgres/start.sh [port]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$("$here/ensure.sh")"

port="${1:-}"
if [[ -z "$port" ]]; then
  # Ask the kernel for a free port (node is always here: this is a Node project).
  port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/aisle-pg-XXXXXX")"
chmod 755 "$dir"
mkdir -p "$dir/data" "$dir/socket"

# initdb and postgres refuse to run as root: run them as the `postgres` user (created if missing).
run_as=()
if [[ "$(id -u)" -eq 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  chown -R postgres "$dir"
  if command -v runuser >/dev/null 2>&1; then run_as=(runuser -u postgres --); else run_as=(su postgres -s /bin/bash -c); fi
fi
as_owner() {
  if [[ ${#run_as[@]} -eq 0 ]]; then "$@"; elif [[ "${run_as[0]}" == runuser ]]; then "${run_as[@]}" "$@"; else "${run_as[@]}" "$(printf '%q ' "$@")"; fi
}

as_owner "$bin/initdb" -D "$dir/data" -U aisle -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
  as_owner "$bin/initdb" -D "$dir/data" -U aisle -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  rm -rf "$dir"
  exit 1
}
# Tuned for tests and benchmarks on a throw-away server: durability off (fsync), small footprint.
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/socket'
max_connections = 200
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
  cat "$dir/server.log" >&2 || true
  rm -rf "$dir"
  exit 1
fi
as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U aisle aisle 2>/dev/null ||
  "$bin/psql" -h 127.0.0.1 -p "$port" -U aisle -d postgres -qc 'CREATE DATABASE aisle' >/dev/null
echo "export AISLE_TEST_DATABASE_URL=postgres://aisle@127.0.0.1:$port/aisle"
echo "export AISLE_PG_DIR=$dir"
