#!/usr/bin/env bash
# Stops a server started by start.sh and removes its temporary directory.
# Usage: scripts/postgres/stop.sh <AISLE_PG_DIR>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${1:-${AISLE_PG_DIR:-}}"
if [[ -z "$dir" || ! -d "$dir/data" ]]; then
  echo "usage: scripts/postgres/stop.sh <directory printed by start.sh as AISLE_PG_DIR>" >&2
  exit 2
fi
bin="$("$here/ensure.sh")"
if [[ -f "$dir/data/postmaster.pid" ]]; then
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null || true
  else
    "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null || true
  fi
fi
rm -rf "$dir"
