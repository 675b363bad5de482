import { z } from 'zod';
import { type EventTable, rowsByUser, typeCode } from '../event-table.js';
import { median, noisyOr } from '../robust-stats.js';
import { type DetectorResult, type Finding, byScore, round } from './detector.js';

/** Parameters of the bot detector (defaults documented in docs/quality.md). */
export const botParamsSchema = z
  .object({
    /** Events within any 60 s beyond which no human keeps up (MovieLens raters peak at 30, Taobao shoppers at 12). */
    maxPerMinute: z.number().positive().default(40),
    /** Events that must fall in inhuman minutes before the rate counts (a brief double-click storm does not). */
    minInhumanEvents: z.number().int().min(1).default(20),
    /**
     * How long the inhuman pace must last to be a bot's. Shorter storms — a bulk upload of ratings, a
     * list page rated star by star — are kept for review (score 0.6) but not acted on.
     */
    sustainedMs: z
      .number()
      .int()
      .min(0)
      .default(3 * 60_000),
    /** Gaps needed before judging their regularity. */
    minGaps: z.number().int().min(2).default(30),
    /**
     * Robust coefficient of variation (1.4826·MAD / median) of gaps below which timing is machine-regular
     * (the real logs' lowest: 0.70 on MovieLens, 0.79 on Taobao; a timer with 1 % jitter: about 0.01).
     */
    regularCv: z.number().positive().default(0.15),
    /** Gaps longer than this end a session and are left out of the regularity measure. */
    sessionGapMs: z
      .number()
      .int()
      .positive()
      .default(30 * 60_000),
    /** A view shorter than this (when dwell is reported) was not looked at. */
    zeroDwellMs: z.number().min(0).default(500),
    /** Share of such views (of at least `minDwellViews` with dwell) that marks a bot. */
    zeroDwellShare: z.number().min(0).max(1).default(0.8),
    minDwellViews: z.number().int().min(1).default(20),
    /** Active this long with at least `sleeplessEvents` events and never a gap of `restMs`: no human rests so little. */
    sleeplessSpanMs: z
      .number()
      .int()
      .positive()
      .default(36 * 3_600_000),
    sleeplessEvents: z.number().int().min(1).default(100),
    restMs: z
      .number()
      .int()
      .positive()
      .default(3 * 3_600_000),
  })
  .strict();
export type BotParams = z.output<typeof botParamsSchema>;

const MINUTE = 60_000;

/**
 * Bot traffic: accounts whose timing no human produces. Per user (events in time order) four pieces
 * of evidence, each scored in [0, 1] and combined by noisy-or:
 * - **inhuman rate**: events inside 60-second windows holding more than `maxPerMinute` events,
 *   sustained for `sustainedMs`; 0.8 at the limit, 1 at twice it (a shorter storm scores 0.6: review);
 * - **machine-regular intervals**: the robust coefficient of variation of in-session gaps (humans are
 *   bursty, CV around 1; a timer's is near 0); 0.8 at `regularCv`, 1 at 0;
 * - **no dwell**: views reported with dwell under `zeroDwellMs`, as a share of views with dwell;
 *   0.6 at `zeroDwellShare`, 1 when all (weaker alone: it may be a tracking fault);
 * - **no session structure**: active for `sleeplessSpanMs` without ever pausing `restMs`; 0.7 to 1.
 * Events inside inhuman minutes carry the rate evidence themselves; every event of the user carries
 * the user's score.
 */
export function detectBots(table: EventTable, params: BotParams): DetectorResult {
  const userScores = new Float32Array(table.users.length);
  const eventScores = new Float32Array(table.length);
  const grouping = rowsByUser(table);
  const view = typeCode(table, 'view');
  const findings: Finding[] = [];
  const gaps: number[] = [];
  let flaggedEvents = 0;
  for (let user = 0; user < table.users.length; user++) {
    const start = grouping.offsets[user]!;
    const end = grouping.offsets[user + 1]!;
    const count = end - start;
    if (count < 2) continue;
    const rows = grouping.rows;
    // Inhuman rate: a two-pointer sweep over the user's times; a row is inhuman when its minute is full.
    let peak = 0;
    let inhuman = 0;
    let firstInhuman = -1;
    let inhumanFrom = 0;
    let inhumanTo = 0;
    for (let at = start, back = start; at < end; at++) {
      const t = table.ts[rows[at]!]!;
      while (t - table.ts[rows[back]!]! >= MINUTE) back++;
      const inWindow = at - back + 1;
      if (inWindow > peak) peak = inWindow;
      if (inWindow > params.maxPerMinute) {
        if (firstInhuman < 0) {
          firstInhuman = back;
          inhumanFrom = table.ts[rows[back]!]!;
        }
        inhumanTo = t;
        inhuman++;
      }
    }
    gaps.length = 0;
    let longestGap = 0;
    for (let at = start + 1; at < end; at++) {
      const gap = table.ts[rows[at]!]! - table.ts[rows[at - 1]!]!;
      if (gap > longestGap) longestGap = gap;
      if (gap <= params.sessionGapMs) gaps.push(gap);
    }
    const span = table.ts[rows[end - 1]!]! - table.ts[rows[start]!]!;
    let dwellViews = 0;
    let zeroDwell = 0;
    for (let at = start; at < end; at++) {
      const row = rows[at]!;
      const dwell = table.dwell[row]!;
      if (table.type[row] !== view || Number.isNaN(dwell)) continue;
      dwellViews++;
      if (dwell < params.zeroDwellMs) zeroDwell++;
    }

    const evidence: Record<string, unknown> = { events: count, peakPerMinute: peak };
    const reasons: string[] = [];
    const codes: string[] = [];
    const parts: number[] = [];
    let rateScore = 0;
    if (peak > params.maxPerMinute && inhuman >= params.minInhumanEvents) {
      const sustained = inhumanTo - inhumanFrom >= params.sustainedMs;
      rateScore = sustained
        ? Math.min(1, 0.8 + (0.2 * (peak - params.maxPerMinute)) / params.maxPerMinute)
        : 0.6;
      parts.push(rateScore);
      codes.push(sustained ? 'inhuman_rate' : 'inhuman_burst');
      reasons.push(
        `${peak} events in one minute (human limit ${params.maxPerMinute}); ${inhuman} events in such minutes over ${round((inhumanTo - inhumanFrom) / 1000)} s${sustained ? '' : ` (shorter than ${round(params.sustainedMs / 1000)} s: a bulk submission, kept for review)`}`,
      );
      evidence['inhumanEvents'] = inhuman;
      evidence['inhumanSeconds'] = round((inhumanTo - inhumanFrom) / 1000);
    }
    if (gaps.length >= params.minGaps) {
      const middle = median(gaps);
      const deviations = gaps.map((gap) => Math.abs(gap - middle));
      const cv = middle > 0 ? (1.4826 * median(deviations)) / middle : Number.POSITIVE_INFINITY;
      if (Number.isFinite(cv)) evidence['intervalCv'] = round(cv);
      evidence['medianGapMs'] = middle;
      if (cv <= params.regularCv) {
        parts.push(0.8 + 0.2 * (1 - cv / params.regularCv));
        codes.push('regular_intervals');
        reasons.push(
          `machine-regular gaps (median ${Math.round(middle)} ms, robust CV ${round(cv)} ≤ ${params.regularCv})`,
        );
      }
    }
    if (dwellViews >= params.minDwellViews) {
      const share = zeroDwell / dwellViews;
      evidence['zeroDwellShare'] = round(share);
      if (share >= params.zeroDwellShare) {
        parts.push(0.6 + (0.4 * (share - params.zeroDwellShare)) / Math.max(1e-9, 1 - params.zeroDwellShare));
        codes.push('zero_dwell');
        reasons.push(`${zeroDwell} of ${dwellViews} views under ${params.zeroDwellMs} ms dwell`);
      }
    }
    if (span >= params.sleeplessSpanMs && count >= params.sleeplessEvents && longestGap < params.restMs) {
      parts.push(0.7 + 0.3 * (1 - longestGap / params.restMs));
      codes.push('no_session_structure');
      reasons.push(
        `active ${round(span / 3_600_000)} h without a ${round(params.restMs / 3_600_000)} h pause (longest ${round(longestGap / 60_000)} min)`,
      );
      evidence['activeHours'] = round(span / 3_600_000);
      evidence['longestPauseMinutes'] = round(longestGap / 60_000);
    }
    if (parts.length === 0) continue;
    const score = noisyOr(parts);
    userScores[user] = score;
    for (let at = start; at < end; at++) eventScores[rows[at]!] = score;
    const listed: number[] = [];
    if (rateScore > 0) {
      // The events of inhuman minutes, for review (capped: a scraper may have millions).
      for (let at = firstInhuman; at < end && listed.length < 1000; at++) listed.push(rows[at]!);
    }
    flaggedEvents += count;
    findings.push({
      subject: 'user',
      index: user,
      score,
      reason: codes.length > 1 ? 'bot_multiple' : codes[0]!,
      message: reasons.join('; '),
      evidence,
      covers: 'all',
      rows: listed,
    });
  }
  findings.sort(byScore);
  return {
    detector: 'bot',
    userScores,
    eventScores,
    findings,
    stats: { users: table.users.length, suspects: findings.length, events: flaggedEvents },
  };
}
