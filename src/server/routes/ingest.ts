import type { FastifyInstance } from 'fastify';
import type { Aisle } from '../../aisle.js';
import { AisleError } from '../../core/errors.js';
import { fieldValue, hasField } from '../../ingest/columns.js';
import { importObjects } from '../../ingest/import-objects.js';
import type { ImportSummary } from '../../ingest/import-records.js';
import type { RecordKind } from '../../store/store.js';

/** The response to an ingestion request: counts and every rejected record's position and reasons. */
export interface IngestResponse {
  accepted: number;
  duplicates: number;
  quarantined: number;
  batchId: number;
  errors: { index: number; field: string | null; reason: string; message: string; quarantined: true }[];
}

const routes: { path: string; kind: RecordKind; wrapper: string }[] = [
  { path: '/items', kind: 'item', wrapper: 'items' },
  { path: '/users', kind: 'user', wrapper: 'users' },
  { path: '/events', kind: 'event', wrapper: 'events' },
];

/**
 * POST /items, /users, /events: one record, an array, or `{ "<kind>s": [...] }`. Records go through
 * the same validation and quarantine as file imports; the response lists each rejected record.
 * Status 200 when anything was accepted (or everything was a duplicate), 400 when every record failed.
 */
export function registerIngestRoutes(
  app: FastifyInstance,
  aisle: Aisle,
  listeners: IngestListeners = {},
): void {
  for (const route of routes) {
    app.post(route.path, { config: { scope: 'ingest' } }, async (request, reply) => {
      const records = recordsOf(request.body, route.wrapper);
      if (records.length > aisle.config.server.maxBatchRecords) {
        throw new AisleError(
          'PAYLOAD_TOO_LARGE',
          `A batch may hold at most ${aisle.config.server.maxBatchRecords} records (server.maxBatchRecords); this one has ${records.length}`,
          { records: records.length },
        );
      }
      const now = Date.now();
      const stamped = route.kind === 'event' ? records.map((record) => withServerTime(record, now)) : records;
      const summary = await importObjects(
        aisle.importContext({ keepProblems: Number.POSITIVE_INFINITY }),
        route.kind,
        `api:POST ${route.path}`,
        stamped,
      );
      if (summary.accepted > 0) await notify(listeners, route.kind, records);
      const body = toResponse(summary);
      const allFailed = summary.read > 0 && summary.quarantined === summary.read;
      return reply.status(allFailed ? 400 : 200).send(body);
    });
  }
}

/** Who hears about accepted records (the serving runtime: catalogue and history caches). */
export interface IngestListeners {
  onItems?: (itemIds: string[]) => Promise<void> | void;
  onEvents?: (userIds: Set<string>) => void;
}

/** Tells the listeners which ids a batch touched (every id sent: a superset of those accepted). */
async function notify(listeners: IngestListeners, kind: RecordKind, records: unknown[]): Promise<void> {
  const ids = new Set<string>();
  for (const record of records) {
    if (typeof record !== 'object' || record === null) continue;
    const id = fieldValue(kind, record as Record<string, unknown>, kind === 'event' ? 'userId' : 'id');
    if (typeof id === 'string' || typeof id === 'number') ids.add(String(id));
  }
  if (kind === 'item') await listeners.onItems?.([...ids]);
  if (kind === 'event') listeners.onEvents?.(ids);
}

function recordsOf(body: unknown, wrapper: string): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body === 'object' && body !== null) {
    const wrapped = (body as Record<string, unknown>)[wrapper];
    if (Array.isArray(wrapped)) return wrapped;
    return [body];
  }
  throw new AisleError(
    'VALIDATION_FAILED',
    `Send a JSON object, an array of objects, or {"${wrapper}": [...]}`,
  );
}

/** An event posted without a time happened now. */
function withServerTime(record: unknown, now: number): unknown {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return record;
  return hasField('event', record as Record<string, unknown>, 'timestamp')
    ? record
    : { ...record, timestamp: now };
}

function toResponse(summary: ImportSummary): IngestResponse {
  return {
    accepted: summary.accepted,
    duplicates: summary.duplicates,
    quarantined: summary.quarantined,
    batchId: summary.batchId,
    errors: summary.problems.flatMap((entry) =>
      entry.problems.map((problem) => ({
        index: (entry.line ?? 1) - 1,
        field: problem.field,
        reason: problem.reason,
        message: problem.message,
        quarantined: true as const,
      })),
    ),
  };
}
