import { runIngestBenchmark } from './ingest.js';

/**
 * Runs every benchmark and prints one JSON line per benchmark (machine-readable; docs/benchmarks.md
 * records them with this command). `npm run bench -- --quick` runs smaller sizes.
 */
const quick = process.argv.includes('--quick');
process.stdout.write(
  `${JSON.stringify(await runIngestBenchmark(quick ? 500_000 : 5_000_000, quick ? 1 : 3))}\n`,
);
