import type Database from 'better-sqlite3';
import { AisleError } from '../../core/errors.js';
import { type EventRow, rowToEvent } from '../rows.js';
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

type Db = Database.Database;

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

/** Most events listed with one finding: enough to review it; `covers: 'all'` reaches the rest. */
export const MAX_LISTED_EVENTS = 100_000;

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
 * The quality gate's tables in the SQLite store (runs, findings, their events, the policy). Kept
 * apart from `sqlite-store.ts` so each file holds one concern; `SqliteStore` delegates here.
 */
export class SqliteQualityTables {
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      flagByKey: db.prepare(
        'SELECT id, status FROM quality_flags WHERE subject = ? AND subject_id = ? AND detector = ?',
      ),
      insertFlag: db.prepare(
        `INSERT INTO quality_flags (subject, subject_id, detector, score, action, weight, covers, reason, message,
           evidence, status, first_run, last_run, created_at, updated_at)
         VALUES (@subject, @subject_id, @detector, @score, @action, @weight, @covers, @reason, @message,
           @evidence, 'open', @run, @run, @now, @now)`,
      ),
      updateFlag: db.prepare(
        `UPDATE quality_flags SET score = @score, action = @action, weight = @weight, covers = @covers,
           reason = @reason, message = @message, evidence = @evidence, last_run = @run, updated_at = @now,
           status = CASE WHEN status = 'cleared' THEN 'open' ELSE status END
         WHERE id = @id`,
      ),
      deleteFlagEvents: db.prepare('DELETE FROM quality_flag_events WHERE flag_id = ?'),
      insertFlagEvent: db.prepare(
        'INSERT INTO quality_flag_events (flag_id, seq, score) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET score = excluded.score',
      ),
    };
  }

  beginRun(kind: QualityRun['kind'], batchId: number | null): number {
    const info = this.db
      .prepare('INSERT INTO quality_runs (kind, batch_id, started_at) VALUES (?, ?, ?)')
      .run(kind, batchId, Date.now());
    return Number(info.lastInsertRowid);
  }

  finishRun(runId: number, summary: Record<string, unknown>): void {
    const info = this.db
      .prepare('UPDATE quality_runs SET finished_at = ?, summary = ? WHERE id = ?')
      .run(Date.now(), JSON.stringify(summary), runId);
    if (info.changes === 0) throw new AisleError('NOT_FOUND', `No quality run with id ${runId}`, { runId });
  }

  listRuns(limit: number): QualityRun[] {
    const rows = this.db.prepare('SELECT * FROM quality_runs ORDER BY id DESC LIMIT ?').all(limit) as {
      id: number;
      kind: string;
      batch_id: number | null;
      started_at: number;
      finished_at: number | null;
      summary: string | null;
    }[];
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind as QualityRun['kind'],
      batchId: row.batch_id,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      summary: row.summary === null ? null : (JSON.parse(row.summary) as Record<string, unknown>),
    }));
  }

  saveFlags(runId: number, flags: readonly QualityFlagInput[]): QualityFlagCounts {
    const { flagByKey, insertFlag, updateFlag, deleteFlagEvents, insertFlagEvent } = this.statements;
    const now = Date.now();
    return this.db.transaction(() => {
      const counts: QualityFlagCounts = { inserted: 0, updated: 0, keptReadmitted: 0 };
      for (const flag of flags) {
        if (!(flag.score >= 0 && flag.score <= 1) || !(flag.weight >= 0 && flag.weight <= 1)) {
          throw new AisleError(
            'INVALID_ARGUMENT',
            `A quality finding needs a score and a weight in [0, 1] (${flag.detector} on ${flag.subject} ${flag.subjectId}: score ${flag.score}, weight ${flag.weight})`,
          );
        }
        const params = {
          subject: flag.subject,
          subject_id: flag.subjectId,
          detector: flag.detector,
          score: flag.score,
          action: flag.action,
          weight: flag.weight,
          covers: flag.covers,
          reason: flag.reason,
          message: flag.message,
          evidence: JSON.stringify(flag.evidence),
          run: runId,
          now,
        };
        const existing = flagByKey.get(flag.subject, flag.subjectId, flag.detector) as
          { id: number; status: string } | undefined;
        let id: number;
        if (existing === undefined) {
          id = Number(insertFlag.run(params).lastInsertRowid);
          counts.inserted++;
        } else {
          id = existing.id;
          updateFlag.run({ ...params, id });
          deleteFlagEvents.run(id);
          if (existing.status === 'readmitted') counts.keptReadmitted++;
          else counts.updated++;
        }
        const listed =
          flag.events.length > MAX_LISTED_EVENTS ? flag.events.slice(0, MAX_LISTED_EVENTS) : flag.events;
        for (const event of listed) insertFlagEvent.run(id, event.seq, event.score);
      }
      return counts;
    })();
  }

  clearStale(runId: number, detectors: readonly string[]): number {
    if (detectors.length === 0) return 0;
    return this.db
      .prepare(
        `UPDATE quality_flags SET status = 'cleared', updated_at = ?
         WHERE status = 'open' AND last_run < ? AND detector IN (${detectors.map(() => '?').join(',')})`,
      )
      .run(Date.now(), runId, ...detectors).changes;
  }

  listFlags(filter: QualityFlagFilter): QualityFlag[] {
    const conditions: [string, string | number | undefined][] = [
      ['f.status = ?', filter.status],
      ['f.detector = ?', filter.detector],
      ['f.subject = ?', filter.subject],
      ['f.subject_id = ?', filter.subjectId],
      ['f.score >= ?', filter.minScore],
      ['f.id > ?', filter.afterId],
    ];
    const used = conditions.filter((entry): entry is [string, string | number] => entry[1] !== undefined);
    const where = used.length > 0 ? `WHERE ${used.map(([clause]) => clause).join(' AND ')}` : '';
    const order = filter.order === 'id' ? 'f.id' : 'f.score DESC, f.id';
    const rows = this.db
      .prepare(`SELECT ${FLAG_COLUMNS} FROM quality_flags f ${where} ORDER BY ${order} LIMIT ?`)
      .all(...used.map(([, value]) => value), filter.limit ?? 1000) as QualityFlagRow[];
    return rows.map(rowToFlag);
  }

  getFlag(id: number): QualityFlag | undefined {
    const row = this.db.prepare(`SELECT ${FLAG_COLUMNS} FROM quality_flags f WHERE f.id = ?`).get(id) as
      QualityFlagRow | undefined;
    return row ? rowToFlag(row) : undefined;
  }

  flagEvents(id: number, limit: number): { seq: number; score: number }[] {
    return this.db
      .prepare(
        'SELECT seq, score FROM quality_flag_events WHERE flag_id = ? ORDER BY score DESC, seq LIMIT ?',
      )
      .all(id, limit) as { seq: number; score: number }[];
  }

  review(id: number, review: QualityReview): QualityFlag {
    const info = this.db
      .prepare('UPDATE quality_flags SET status = ?, note = COALESCE(?, note), reviewed_at = ? WHERE id = ?')
      .run(review.status, review.note ?? null, Date.now(), id);
    if (info.changes === 0) throw new AisleError('NOT_FOUND', `No quality finding with id ${id}`, { id });
    return this.getFlag(id)!;
  }

  countFlags(): { detector: string; subject: string; status: string; action: string; count: number }[] {
    return this.db
      .prepare(
        `SELECT detector, subject, status, action, COUNT(*) AS count FROM quality_flags
         GROUP BY detector, subject, status, action ORDER BY detector, subject, status, action`,
      )
      .all() as { detector: string; subject: string; status: string; action: string; count: number }[];
  }

  *scanTrainingEvents(options: ScanTrainingEventsOptions): Generator<WeightedEvent[]> {
    const batchSize = options.batchSize ?? 50_000;
    // The weights are read once up front: findings cover few users and list few events, so two small
    // maps and a plain scan of the log beat two correlated lookups per event (about 2× faster).
    const userWeights = new Map(
      (
        this.db
          .prepare(
            `SELECT subject_id AS id, MIN(weight) AS weight FROM quality_flags
             WHERE subject = 'user' AND covers = 'all' AND status IN ${APPLIED} GROUP BY subject_id`,
          )
          .all() as { id: string; weight: number }[]
      ).map((row) => [row.id, row.weight]),
    );
    const eventWeights = new Map(
      (
        this.db
          .prepare(
            `SELECT x.seq AS seq, MIN(f.weight) AS weight FROM quality_flag_events x
             JOIN quality_flags f ON f.id = x.flag_id WHERE f.status IN ${APPLIED} GROUP BY x.seq`,
          )
          .all() as { seq: number; weight: number }[]
      ).map((row) => [row.seq, row.weight]),
    );
    const page = this.db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    let after = options.afterSeq ?? 0;
    for (;;) {
      const rows = page.all(after, batchSize) as EventRow[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.seq;
      const events: WeightedEvent[] = [];
      for (const row of rows) {
        const weight = Math.min(userWeights.get(row.user_id) ?? 1, eventWeights.get(row.seq) ?? 1);
        if (weight <= 0 && !options.includeExcluded) continue;
        events.push({ ...rowToEvent(row), weight });
      }
      if (events.length > 0) yield events;
    }
  }

  loadPolicy(): Record<string, unknown> | undefined {
    const body = this.db.prepare('SELECT body FROM quality_policy WHERE id = 1').pluck().get() as
      string | undefined;
    return body === undefined ? undefined : (JSON.parse(body) as Record<string, unknown>);
  }

  savePolicy(policy: Record<string, unknown>): void {
    this.db
      .prepare(
        `INSERT INTO quality_policy (id, body, updated_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
      )
      .run(JSON.stringify(policy), Date.now());
  }

  /** Erases the findings about a user and the listings of their events (right to be forgotten). */
  deleteUser(userId: string): void {
    this.db.prepare(`DELETE FROM quality_flags WHERE subject = 'user' AND subject_id = ?`).run(userId);
    this.db
      .prepare('DELETE FROM quality_flag_events WHERE seq IN (SELECT seq FROM events WHERE user_id = ?)')
      .run(userId);
  }
}
