import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The full multi-node acceptance run: test/multi-node.e2e.test.ts with 60 s of mixed load (three
 * `aisle serve` processes and a trainer on a throw-away PostgreSQL; a new model version published
 * during the load; one node killed with SIGKILL). Prints the test's JSON line; exits non-zero if any
 * request failed or any acknowledged event was lost or doubled.
 *
 * Usage: npm run build && node --import tsx bench/postgres/multi-node.ts [--seconds 60]
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const at = process.argv.indexOf('--seconds');
const seconds = at > 0 ? process.argv[at + 1]! : '60';
const result = spawnSync('npx', ['vitest', 'run', join('test', 'multi-node.e2e.test.ts')], {
  cwd: root,
  env: { ...process.env, AISLE_MULTINODE_SECONDS: seconds },
  stdio: 'inherit',
});
process.exitCode = result.status ?? 1;
