import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * Several worker processes behind one port on one machine (node:cluster), so a node uses all its
 * cores: a Node.js process answers on one thread. Each worker is a whole API server with its own
 * model copy; they share the store (SQLite in WAL mode takes concurrent readers and serialises
 * writers; PostgreSQL as usual). What must agree across workers does so through the store — a
 * user's next request sees events written through any worker (src/serve/user-history.ts) and every
 * worker loads new model versions — or through this module: /metrics is aggregated over all workers
 * by the primary. Only worker 0 trains (first model, schedule); the others pick its versions up.
 */

/** Environment variable that tells a worker its index (0 = the one that trains). */
export const WORKER_INDEX_ENV = 'AISLE_WORKER_INDEX';

const METRICS_REQUEST = 'aisle:metrics-request';
const METRICS_RESPONSE = 'aisle:metrics-response';

interface MetricsRequest {
  type: typeof METRICS_REQUEST;
  id: number;
}
interface MetricsResponse {
  type: typeof METRICS_RESPONSE;
  id: number;
  text?: string;
  error?: string;
}

/** This process's worker index, or undefined when it is not a cluster worker. */
export function workerIndex(): number | undefined {
  if (!cluster.isWorker) return undefined;
  return Number(process.env[WORKER_INDEX_ENV] ?? 0);
}

export interface PrimaryOptions {
  workers: number;
  log: (message: string) => void;
}

/**
 * Runs the primary: forks the workers (each re-runs the same command with its index), replaces a
 * worker that dies unexpectedly, answers workers' requests for cluster-wide metrics, and on SIGTERM
 * or SIGINT stops every worker gracefully before exiting.
 */
export function runPrimary(options: PrimaryOptions): void {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  const indexOf = new Map<Worker, number>();
  const fork = (index: number): void => {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
    indexOf.set(worker, index);
    worker.on('message', (message: MetricsRequest) => {
      if (message?.type !== METRICS_REQUEST) return;
      aggregator
        .clusterMetrics()
        .then((text) =>
          worker.send({ type: METRICS_RESPONSE, id: message.id, text } satisfies MetricsResponse),
        )
        .catch((error: unknown) =>
          worker.send({
            type: METRICS_RESPONSE,
            id: message.id,
            error: String(error),
          } satisfies MetricsResponse),
        );
    });
  };
  for (let index = 0; index < options.workers; index++) fork(index);
  cluster.on('exit', (worker, code, signal) => {
    const index = indexOf.get(worker) ?? 0;
    indexOf.delete(worker);
    if (stopping) {
      if (indexOf.size === 0) process.exit(0);
      return;
    }
    options.log(`worker ${index} exited (${signal ?? code}); starting a new one`);
    fork(index);
  });
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    options.log(`${signal}: stopping ${indexOf.size} worker(s) …`);
    for (const worker of indexOf.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 15_000).unref();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

let nextRequest = 0;

/**
 * In a worker: serves this worker's registry to the primary's aggregation, and returns a function
 * giving the metrics of all workers (Prometheus text), as /metrics answers them.
 */
export function clusterMetrics(registry: Registry): () => Promise<string> {
  // Constructing one in the worker is what makes prom-client answer the primary's requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  return () =>
    new Promise((resolve, reject) => {
      const id = nextRequest++;
      const timer = setTimeout(() => {
        process.off('message', onMessage);
        reject(new Error('the cluster primary did not answer the metrics request'));
      }, 6000);
      const onMessage = (message: MetricsResponse): void => {
        if (message?.type !== METRICS_RESPONSE || message.id !== id) return;
        clearTimeout(timer);
        process.off('message', onMessage);
        if (message.error !== undefined) reject(new Error(message.error));
        else resolve(message.text ?? '');
      };
      process.on('message', onMessage);
      process.send?.({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
    });
}
