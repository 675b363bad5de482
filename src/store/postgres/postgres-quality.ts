import type pg from 'pg';
import { AisleError } from '../../core/errors.js';
import { type EventRow, rowToEvent } from '../rows.js';
import { MAX_LISTED_EVENTS } from '../sqlite/sqlite-quality.js';
import type {
  QualityFlag,
  QualityFlagCounts,
  QualityFlagFilter,
  QualityFlagInput,
  QualityReview,
  QualityRun,
  ScanTrainingEventsOptions,
  WeightedEvent,
} from '../store.js';
import { type Queryable, inTransaction } from './connection.js';
import { insertRows, whereClause } from './sql.js';

interface QualityFlagRow {
  id: number;
  subject: string;
  subject_id: string;
  detector: string;
  score: number;
  action: string;
  weight: number;
  covers: string;
  reason: string;
  message: string;
  evidence: string;
  status: string;
  first_run: number;
  last_run: number;
  created_at: number;
  updated_at: number;
  reviewed_at: number | null;
  note: string | null;
  listed_events: number;
}

/** Statuses under which a finding's action applies. */
const APPLIED = "('open', 'confirmed')";

const FLAG_COLUMNS = `f.*, (SELECT COUNT(*) FROM quality_flag_events x WHERE x.flag_id = f.id) AS listed_events`;

function rowToFlag(row: QualityFlagRow): QualityFlag {
  return {
    id: row.id,
    subject: row.subject as QualityFlag['subject'],
    subjectId: row.subject_id,
    detector: row.detector,
    score: row.score,
    action: row.action as QualityFlag['action'],
    weight: row.weight,
    covers: row.covers as QualityFlag['covers'],
    reason: row.reason,
    message: row.message,
    evidence: JSON.parse(row.evidence) as Record<string, unknown>,
    status: row.status as QualityFlag['status'],
    listedEvents: Number(row.listed_events),
    firstRunId: row.first_run,
    lastRunId: row.last_run,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    reviewedAt: row.reviewed_at,
    note: row.note,
  };
}

/**
 * The quality gate's tables in the PostgreSQL store: the same statements as
 * `sqlite/sqlite-quality.ts`, asynchronous, with `$n` parameters. `PostgresStore` delegates here.
 */
export class PostgresQualityTables {
  constructor(private readonly pool: pg.Pool) {}

  async beginRun(kind: QualityRun['kind'], batchId: number | null): Promise<number> {
    const result = await this.pool.query<{ id: number }>(
      'INSERT INTO quality_runs (kind, batch_id, started_at) VALUES ($1, $2, $3) RETURNING id',
      [kind, batchId, Date.now()],
    );
    return result.rows[0]!.id;
  }

  async finishRun(runId: number, summary: Record<string, unknown>): Promise<void> {
    const result = await this.pool.query(
      'UPDATE quality_runs SET finished_at = $1, summary = $2 WHERE id = $3',
      [Date.now(), JSON.stringify(summary), runId],
    );
    if (result.rowCount === 0)
      throw new AisleError('NOT_FOUND', `No quality run with id ${runId}`, { runId });
  }

  async listRuns(limit: number): Promise<QualityRun[]> {
    const result = await this.pool.query<{
      id: number;
      kind: string;
      batch_id: number | null;
      started_at: number;
      finished_at: number | null;
      summary: string | null;
    }>('SELECT * FROM quality_runs ORDER BY id DESC LIMIT $1', [limit]);
    return result.rows.map((row) => ({
      id: row.id,
      kind: row.kind as QualityRun['kind'],
      batchId: row.batch_id,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      summary: row.summary === null ? null : (JSON.parse(row.summary) as Record<string, unknown>),
    }));
  }

  async saveFlags(runId: number, flags: readonly QualityFlagInput[]): Promise<QualityFlagCounts> {
    for (const flag of flags) {
      if (!(flag.score >= 0 && flag.score <= 1) || !(flag.weight >= 0 && flag.weight <= 1)) {
        throw new AisleError(
          'INVALID_ARGUMENT',
          `A quality finding needs a score and a weight in [0, 1] (${flag.detector} on ${flag.subject} ${flag.subjectId}: score ${flag.score}, weight ${flag.weight})`,
        );
      }
    }
    const now = Date.now();
    return inTransaction(this.pool, async (client) => {
      const counts: QualityFlagCounts = { inserted: 0, updated: 0, keptReadmitted: 0 };
      for (const flag of flags) {
        const params = [
          flag.subject,
          flag.subjectId,
          flag.detector,
          flag.score,
          flag.action,
          flag.weight,
          flag.covers,
          flag.reason,
          flag.message,
          JSON.stringify(flag.evidence),
          runId,
          now,
        ];
        // One statement inserts or updates (concurrent gate runs cannot both insert); the status
        // before the update tells which happened and whether an operator had re-admitted it.
        const result = await client.query<{ id: number; previous: string | null }>(
          `WITH previous AS (
             SELECT status FROM quality_flags WHERE subject = $1 AND subject_id = $2 AND detector = $3
           )
           INSERT INTO quality_flags (subject, subject_id, detector, score, action, weight, covers, reason, message,
             evidence, status, first_run, last_run, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $11, $12, $12)
           ON CONFLICT (subject, subject_id, detector) DO UPDATE SET score = excluded.score,
             action = excluded.action, weight = excluded.weight, covers = excluded.covers,
             reason = excluded.reason, message = excluded.message, evidence = excluded.evidence,
             last_run = excluded.last_run, updated_at = excluded.updated_at,
             status = CASE WHEN quality_flags.status = 'cleared' THEN 'open' ELSE quality_flags.status END
           RETURNING id, (SELECT status FROM previous) AS previous`,
          params,
        );
        const { id, previous } = result.rows[0]!;
        if (previous === null) counts.inserted++;
        else {
          await client.query('DELETE FROM quality_flag_events WHERE flag_id = $1', [id]);
          if (previous === 'readmitted') counts.keptReadmitted++;
          else counts.updated++;
        }
        const listed =
          flag.events.length > MAX_LISTED_EVENTS ? flag.events.slice(0, MAX_LISTED_EVENTS) : flag.events;
        await insertRows(
          client,
          'quality_flag_events',
          [
            ['flag_id', 'bigint'],
            ['seq', 'bigint'],
            ['score', 'float8'],
          ],
          listed.map((event) => ({ flag_id: id, seq: event.seq, score: event.score })),
          'ON CONFLICT (flag_id, seq) DO UPDATE SET score = excluded.score',
        );
      }
      return counts;
    });
  }

  async clearStale(runId: number, detectors: readonly string[]): Promise<number> {
    if (detectors.length === 0) return 0;
    const result = await this.pool.query(
      `UPDATE quality_flags SET status = 'cleared', updated_at = $1
       WHERE status = 'open' AND last_run < $2 AND detector = ANY($3::text[])`,
      [Date.now(), runId, detectors],
    );
    return result.rowCount ?? 0;
  }

  async listFlags(filter: QualityFlagFilter): Promise<QualityFlag[]> {
    const { where, params } = whereClause([
      ['f.status = ?', filter.status],
      ['f.detector = ?', filter.detector],
      ['f.subject = ?', filter.subject],
      ['f.subject_id = ?', filter.subjectId],
      ['f.score >= ?', filter.minScore],
      ['f.id > ?', filter.afterId],
    ]);
    const order = filter.order === 'id' ? 'f.id' : 'f.score DESC, f.id';
    const result = await this.pool.query<QualityFlagRow>(
      `SELECT ${FLAG_COLUMNS} FROM quality_flags f ${where} ORDER BY ${order} LIMIT $${params.length + 1}`,
      [...params, filter.limit ?? 1000],
    );
    return result.rows.map(rowToFlag);
  }

  async getFlag(id: number, db: Queryable = this.pool): Promise<QualityFlag | undefined> {
    const result = await db.query<QualityFlagRow>(
      `SELECT ${FLAG_COLUMNS} FROM quality_flags f WHERE f.id = $1`,
      [id],
    );
    return result.rows[0] ? rowToFlag(result.rows[0]) : undefined;
  }

  async flagEvents(id: number, limit: number): Promise<{ seq: number; score: number }[]> {
    const result = await this.pool.query<{ seq: number; score: number }>(
      'SELECT seq, score FROM quality_flag_events WHERE flag_id = $1 ORDER BY score DESC, seq LIMIT $2',
      [id, limit],
    );
    return result.rows;
  }

  async review(id: number, review: QualityReview): Promise<QualityFlag> {
    const result = await this.pool.query(
      'UPDATE quality_flags SET status = $1, note = COALESCE($2, note), reviewed_at = $3 WHERE id = $4',
      [review.status, review.note ?? null, Date.now(), id],
    );
    if (result.rowCount === 0) throw new AisleError('NOT_FOUND', `No quality finding with id ${id}`, { id });
    return (await this.getFlag(id))!;
  }

  async countFlags(): Promise<
    { detector: string; subject: string; status: string; action: string; count: number }[]
  > {
    const result = await this.pool.query<{
      detector: string;
      subject: string;
      status: string;
      action: string;
      count: number;
    }>(
      `SELECT detector, subject, status, action, COUNT(*) AS count FROM quality_flags
       GROUP BY detector, subject, status, action ORDER BY detector, subject, status, action`,
    );
    return result.rows;
  }

  async *scanTrainingEvents(options: ScanTrainingEventsOptions): AsyncGenerator<WeightedEvent[]> {
    const batchSize = options.batchSize ?? 50_000;
    // Two indexed lookups per event: findings covering the user, and findings listing the event.
    const sql = `SELECT e.*, LEAST(
        COALESCE((SELECT MIN(f.weight) FROM quality_flags f
                  WHERE f.subject = 'user' AND f.covers = 'all' AND f.subject_id = e.user_id AND f.status IN ${APPLIED}), 1),
        COALESCE((SELECT MIN(f.weight) FROM quality_flag_events x JOIN quality_flags f ON f.id = x.flag_id
                  WHERE x.seq = e.seq AND f.status IN ${APPLIED}), 1)
      ) AS quality_weight
      FROM events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`;
    let after = options.afterSeq ?? 0;
    for (;;) {
      const { rows } = await this.pool.query<EventRow & { quality_weight: number }>(sql, [after, batchSize]);
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.seq;
      const events: WeightedEvent[] = [];
      for (const row of rows) {
        if (row.quality_weight <= 0 && !options.includeExcluded) continue;
        events.push({ ...rowToEvent(row), weight: row.quality_weight });
      }
      if (events.length > 0) yield events;
    }
  }

  async loadPolicy(): Promise<Record<string, unknown> | undefined> {
    const result = await this.pool.query<{ body: string }>('SELECT body FROM quality_policy WHERE id = 1');
    const body = result.rows[0]?.body;
    return body === undefined ? undefined : (JSON.parse(body) as Record<string, unknown>);
  }

  async savePolicy(policy: Record<string, unknown>): Promise<void> {
    await this.pool.query(
      `INSERT INTO quality_policy (id, body, updated_at) VALUES (1, $1, $2)
       ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
      [JSON.stringify(policy), Date.now()],
    );
  }

  /** Erases the findings about a user and the listings of their events (inside the caller's transaction). */
  async deleteUser(client: pg.PoolClient, userId: string): Promise<void> {
    await client.query(`DELETE FROM quality_flags WHERE subject = 'user' AND subject_id = $1`, [userId]);
    await client.query(
      'DELETE FROM quality_flag_events WHERE seq IN (SELECT seq FROM events WHERE user_id = $1)',
      [userId],
    );
  }
}
