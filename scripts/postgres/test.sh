#!/usr/bin/env bash
# `npm run test:postgres`: starts a throw-away PostgreSQL server, runs the store contract suite and the
# PostgreSQL tests against it, then stops it (also when the tests fail).
# Extra arguments go to vitest (e.g. a file filter).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.."
eval "$("$here/start.sh")"
trap '"$here/stop.sh" "$AISLE_PG_DIR"' EXIT
echo "PostgreSQL: $AISLE_TEST_DATABASE_URL" >&2
npx vitest run src/store/postgres test/multi-node.e2e.test.ts "$@"
