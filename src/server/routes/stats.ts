import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Aisle } from '../../aisle.js';
import type { EventColumns } from '../../store/store.js';
import { parseRequestPart } from '../parse-request.js';

const DAY_MS = 86_400_000;

const activityQuery = z
  .object({
    days: z.coerce.number().int().min(1).max(3650).default(90),
    topUsers: z.coerce.number().int().min(0).max(200).default(20),
  })
  .strict();

/** Events per day and type, over the last `days` days that hold events, and the most active users. */
export interface ActivityStats {
  /** UTC days, oldest first, as `YYYY-MM-DD`; days without events are listed with zero counts. */
  days: string[];
  /** Event type → count per day (aligned with `days`). */
  byType: Record<string, number[]>;
  /** Event type → count over every stored event. */
  totals: Record<string, number>;
  /** Users with the most events, most first. */
  topUsers: { userId: string; events: number }[];
  events: number;
}

/** Counts events per UTC day and type, and per user, over pages of event columns. */
export async function countActivity(
  pages: AsyncIterable<EventColumns>,
  days: number,
  topUsers: number,
): Promise<ActivityStats> {
  const perDay = new Map<number, Map<string, number>>();
  const totals: Record<string, number> = {};
  const perUser = new Map<string, number>();
  let events = 0;
  let lastDay = Number.NEGATIVE_INFINITY;
  for await (const page of pages) {
    for (let n = 0; n < page.length; n++) {
      const type = page.type[n]!;
      const day = Math.floor(page.timestamp[n]! / DAY_MS);
      let counts = perDay.get(day);
      if (!counts) perDay.set(day, (counts = new Map()));
      counts.set(type, (counts.get(type) ?? 0) + 1);
      totals[type] = (totals[type] ?? 0) + 1;
      const userId = page.userId[n]!;
      perUser.set(userId, (perUser.get(userId) ?? 0) + 1);
      if (day > lastDay) lastDay = day;
      events++;
    }
  }
  const dayList: string[] = [];
  const byType: Record<string, number[]> = Object.fromEntries(Object.keys(totals).map((type) => [type, []]));
  if (events > 0) {
    for (let day = lastDay - days + 1; day <= lastDay; day++) {
      dayList.push(new Date(day * DAY_MS).toISOString().slice(0, 10));
      const counts = perDay.get(day);
      for (const type of Object.keys(byType)) byType[type]!.push(counts?.get(type) ?? 0);
    }
  }
  const top = [...perUser.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, topUsers)
    .map(([userId, count]) => ({ userId, events: count }));
  return { days: dayList, byType, totals, topUsers: top, events };
}

/**
 * Read-only statistics for the dashboard: `GET /stats/activity` (events per day by type, most
 * active users; recounted only when the number of stored events changed) and `GET /stats/models`
 * (stored model versions with their training summaries, and stored evaluation reports).
 */
export function registerStatsRoutes(app: FastifyInstance, aisle: Aisle): void {
  let cached: { key: string; value: ActivityStats } | undefined;

  app.get('/stats/activity', { config: { scope: 'recommend' } }, async (request) => {
    const { days, topUsers } = parseRequestPart(activityQuery, request.query, 'query');
    const { events } = await aisle.store.stats();
    const key = `${events}:${days}:${topUsers}`;
    if (cached?.key !== key) {
      const pages = aisle.store.scanEventColumns({ batchSize: 20_000 });
      cached = { key, value: await countActivity(pages, days, topUsers) };
    }
    return cached.value;
  });

  app.get('/stats/models', { config: { scope: 'recommend' } }, async () => {
    const [artifacts, evaluations] = await Promise.all([
      aisle.store.listArtifacts(),
      aisle.store.listReports('evaluation', 20),
    ]);
    return {
      artifacts: artifacts.map((artifact) => ({
        name: artifact.name,
        version: artifact.version,
        createdAt: artifact.createdAt,
        bytes: artifact.bytes,
        // A model's metadata is its training summary (model, trainedAt, counts, calibrations).
        trained:
          typeof artifact.meta['model'] === 'string' && typeof artifact.meta['trainedAt'] === 'number'
            ? artifact.meta
            : null,
      })),
      evaluations,
    };
  });
}
