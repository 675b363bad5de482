#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries (initdb, pg_ctl, postgres) are installed; installs
# Debian's `postgresql` package when they are not. Prints the directory that holds them.
# Usage: scripts/postgres/ensure.sh
set -euo pipefail

find_bin_dir() {
  local dir
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  # Debian keeps the server binaries off PATH, one directory per major version; take the newest.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$dir/pg_ctl" && -x "$dir/initdb" ]]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

if find_bin_dir; then exit 0; fi

# Test files start servers in parallel: one installs, the others wait for it and then find the binaries.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/aisle-postgres-install.lock"
  flock -w 900 9 || true
  if find_bin_dir; then exit 0; fi
fi

echo "PostgreSQL is not installed: installing Debian's postgresql package …" >&2
if [[ "$(id -u)" -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "error: PostgreSQL is missing and this user can neither run apt-get (not root) nor sudo without a password." >&2
  echo "Install it (apt-get install postgresql) or set AISLE_TEST_DATABASE_URL to a server you run." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
# The Debian package would create and start a cluster on 5432; we only want the binaries.
"${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends postgresql >&2
if ! find_bin_dir; then
  echo "error: installed postgresql but found no pg_ctl/initdb under PATH or /usr/lib/postgresql/*/bin" >&2
  exit 1
fi
