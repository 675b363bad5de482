import type { Command } from 'commander';
import { type Aisle, openAisle } from '../../aisle.js';
import { AisleError } from '../../core/errors.js';
import { seedDemo } from '../../ingest/demo/seed-demo.js';
import cluster from 'node:cluster';
import { startServer } from '../../server/app.js';
import { runPrimary, workerIndex } from '../../server/cluster.js';
import { type GlobalOptions, configFor } from '../context.js';
import { formatDatasetSummary } from '../format.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

interface ServeOptions extends GlobalOptions {
  port?: number;
  host?: string;
  log?: boolean;
  workers?: number;
}

/** `aisle serve`: the HTTP API on the configured store. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP API (default http://127.0.0.1:8080)')
    .option('--port <port>', 'port (env PORT)', parsePort)
    .option('--host <host>', 'address to listen on (env HOST; default 127.0.0.1)')
    .option('--no-log', 'no request log')
    .option(
      '--workers <n>',
      'worker processes, one per core to use (config server.workers; default 1)',
      parseWorkers,
    )
    .action(async (options: ServeOptions, command: Command) => {
      const all = { ...command.optsWithGlobals<ServeOptions>(), ...options };
      const aisle = await openAisle(configFor(all));
      await serve(aisle, all.log !== false, all.workers);
    });

  program
    .command('demo')
    .description('create the demo shop in the database if it is empty, then start the HTTP API')
    .option('--port <port>', 'port (env PORT)', parsePort)
    .option('--host <host>', 'address to listen on (env HOST; default 127.0.0.1)')
    .option('--seed <n>', 'seed of the generated shop', (text) => Number(text))
    .option('--no-serve', 'only create the demo data')
    .option('--no-log', 'no request log')
    .action(async (options: ServeOptions & { seed?: number; serve?: boolean }, command: Command) => {
      const all = { ...command.optsWithGlobals<ServeOptions>(), ...options };
      const aisle = await openAisle(configFor(all));
      const stats = await aisle.store.stats();
      if (stats.items === 0) {
        process.stdout.write(`Creating the demo shop in ${aisle.store.location} …\n`);
        const summary = await seedDemo(
          aisle.importContext(),
          options.seed !== undefined ? { seed: options.seed } : {},
        );
        process.stdout.write(`${formatDatasetSummary(summary)}\n`);
      } else {
        process.stdout.write(
          `${aisle.store.location} already holds ${stats.items} items and ${stats.events} events; using them.\n`,
        );
      }
      if (options.serve === false) {
        await aisle.close();
        return;
      }
      await serve(aisle, all.log !== false);
    });
}

async function serve(aisle: Aisle, log: boolean, workers?: number): Promise<void> {
  if (workers !== undefined) aisle.config.server.workers = workers;
  const { host, port, apiKeys } = aisle.config.server;
  const open = apiKeys.length === 0;
  if (open && !LOOPBACK.has(host)) {
    await aisle.close();
    throw new AisleError(
      'CONFIG_INVALID',
      `Refusing to listen on ${host} with no API keys: an open API must stay on loopback (127.0.0.1). Add [[server.apiKeys]] to the config file (docs/api.md#authentication), or listen on 127.0.0.1 behind a proxy that authenticates.`,
      { host },
    );
  }
  if (aisle.config.server.workers > 1 && cluster.isPrimary) {
    // The store is open and migrated; each worker opens its own connection.
    await aisle.close();
    process.stdout.write(`Aisle starts ${aisle.config.server.workers} worker processes on ${host}:${port}\n`);
    runPrimary({
      workers: aisle.config.server.workers,
      log: (message) => process.stderr.write(`${message}\n`),
    });
    return;
  }
  const index = workerIndex();
  if (index !== undefined && index > 0) {
    // Worker 0 trains; the others serve the versions it (or `aisle train`) stores.
    aisle.config.serving.trainIfMissing = false;
    aisle.config.serving.retrainEveryMinutes = 0;
  }
  // One process prepares the search index; the other workers open theirs at their first search.
  const app = await startServer(aisle, { logger: log, prepareSearch: index === undefined || index === 0 });
  const shutdown = async (signal: string): Promise<void> => {
    process.stderr.write(`${signal}: closing …\n`);
    await app.close();
    await aisle.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  const address = await app.listen({ host, port });
  process.stdout.write(
    `Aisle is serving on ${address} (store: ${aisle.store.kind} ${aisle.store.location}${index === undefined ? '' : `; worker ${index}`})\n`,
  );
  process.stdout.write(
    `  overview: ${address}/ · health: ${address}/health · API document: ${address}/openapi.json\n`,
  );
  process.stdout.write(
    open
      ? '  OPEN API: no API keys are configured, so it listens on loopback only and every caller is an operator\n'
      : `  ${apiKeys.length} API key(s) configured; requests need Authorization: Bearer <key>\n`,
  );
}

function parseWorkers(text: string): number {
  const workers = Number(text);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256)
    throw new AisleError('INVALID_ARGUMENT', `--workers must be 1–256, got "${text}"`);
  return workers;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new AisleError('INVALID_ARGUMENT', `--port must be 0–65535, got "${text}"`);
  return port;
}
