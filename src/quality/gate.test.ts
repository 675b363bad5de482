import { describe, expect, it } from 'vitest';
import { memoryContext } from '../../test/support/ingest.js';
import { createRng } from '../core/rng.js';
import { importObjects } from '../ingest/import-objects.js';
import type { DetectorPass } from './gate.js';
import { runQualityScan } from './gate.js';
import { createAttackContext } from './inject/attack-context.js';
import { injectBots } from './inject/bot-attack.js';
import { loadEventTable } from './load-events.js';
import { saveQualityPolicy } from './policy.js';
import { buildQualityReport, formatQualityReport } from './report.js';
import { findingDetail, listFindings, reviewFinding } from './review.js';
import { syntheticBrowsing } from './test-support/synthetic.js';

const shoppers = syntheticBrowsing(createRng(21), { users: 150, items: 120 });

async function trainingUsers(
  store: Awaited<ReturnType<typeof memoryContext>>['store'],
): Promise<Set<string>> {
  const users = new Set<string>();
  for await (const page of store.scanTrainingEvents()) for (const event of page) users.add(event.userId);
  return users;
}

describe('quality gate on ingestion', () => {
  it('checks every import batch and runs the detectors on file-like imports', async () => {
    const { store, context } = await memoryContext();
    const summary = await importObjects(context, 'event', 'shoppers.jsonl', shoppers);
    expect(summary.quality).toMatchObject({ detectors: { ran: true } });
    expect(summary.quality!.checks.map((check) => check.check)).toEqual([
      'completeness',
      'uniqueness',
      'validity',
      'freshness',
      'drift',
    ]);
    // The shoppers' items are not in the catalogue: the validity check says so.
    expect(summary.quality!.checks.find((check) => check.check === 'validity')).toMatchObject({
      status: 'fail',
    });
    const [run] = await store.listQualityRuns(1);
    expect(run).toMatchObject({
      kind: 'batch',
      batchId: summary.batchId,
      summary: { profile: { events: shoppers.length } },
    });
    expect(await store.listQualityFlags()).toEqual([]);
    await store.close();
  });

  it('checks API batches at once but runs the detectors only once enough events arrived', async () => {
    const { store, context } = await memoryContext();
    await saveQualityPolicy(store, { scope: { minNewEvents: 500 } });
    const first = await importObjects(context, 'event', 'api:POST /events', shoppers.slice(0, 300));
    expect(first.quality!.detectors).toMatchObject({ ran: false });
    expect(first.quality!.detectors.reason).toMatch(/300 events since the last detector pass/);
    const second = await importObjects(context, 'event', 'api:POST /events', shoppers.slice(300, 700));
    expect(second.quality!.detectors.ran).toBe(true);
    const third = await importObjects(context, 'event', 'api:POST /events', shoppers.slice(700, 720));
    expect(third.quality!.detectors.reason).toMatch(/^20 events since/);
    await store.close();
  });

  it('does nothing but record the run when the policy turns the gate off', async () => {
    const { store, context } = await memoryContext();
    await saveQualityPolicy(store, { enabled: false });
    const summary = await importObjects(context, 'event', 'shoppers.jsonl', shoppers.slice(0, 50));
    expect(summary.quality).toMatchObject({ status: 'skip', checks: [], detectors: { ran: false } });
    await store.close();
  });

  it('flags injected bots, keeps their events out of training, reports them and re-admits on review', async () => {
    const { store, context } = await memoryContext();
    await importObjects(context, 'event', 'shoppers.jsonl', shoppers);
    const bots = injectBots(createAttackContext(await loadEventTable(store)), { size: 0.02 }, createRng(3));
    const attack = await importObjects(context, 'event', 'bots.jsonl', bots.events);
    expect(attack.quality!.detectors.findings['bot']).toEqual({ reported: 3, acted: 3 });

    const flagged = await listFindings(store, { detector: 'bot', subject: 'user' });
    expect(new Set(flagged.map((flag) => flag.subjectId))).toEqual(new Set(bots.attackers));
    expect(flagged.every((flag) => flag.action === 'quarantine' && flag.status === 'open')).toBe(true);
    const training = await trainingUsers(store);
    expect(bots.attackers.some((user) => training.has(user))).toBe(false);
    expect(training.size).toBe(150);
    // Nothing was deleted.
    expect((await store.stats()).events).toBe(shoppers.length + bots.events.length);

    const report = await buildQualityReport(store, { top: 10 });
    expect(report.topUsers.map((entry) => entry.id).sort()).toEqual([...bots.attackers].sort());
    expect(report.findings.byDetector['bot']).toEqual({ open: 3 });
    expect(report.checks.completeness.trend).toHaveLength(2);
    expect(report.detectors.lastPass?.ran).toBe(true);
    expect(formatQualityReport(report)).toMatch(new RegExp(`${bots.attackers[0]} \\[bot`));

    const detail = await findingDetail(store, flagged[0]!.id);
    expect(detail.recentEvents.length).toBeGreaterThan(0);
    const readmitted = await reviewFinding(store, flagged[0]!.id, 'readmit', 'our own load test');
    expect(readmitted).toMatchObject({ status: 'readmitted', note: 'our own load test' });
    expect((await trainingUsers(store)).has(flagged[0]!.subjectId)).toBe(true);
    await expect(reviewFinding(store, 999_999, 'confirm')).rejects.toThrow(/No quality finding/);

    // A full scan finds the same bots, keeps the operator's decision and clears nothing.
    const scan = await runQualityScan(store);
    expect(scan.cleared).toBe(0);
    expect((await store.getQualityFlag(flagged[0]!.id))?.status).toBe('readmitted');
    const runs = await store.listQualityRuns(1);
    expect((runs[0]!.summary!['detectors'] as DetectorPass).scope?.events).toBe(
      shoppers.length + bots.events.length,
    );
    await store.close();
  });

  it('checks batches of items too (validity and uniqueness from the import summary)', async () => {
    const { store, context } = await memoryContext();
    const items = [{ id: 'p1', title: 'Tee' }, { id: 'p2' }, { id: 'p3', title: 'Cap', price: -1 }];
    const summary = await importObjects(context, 'item', 'items.jsonl', items);
    expect(summary.quality).toMatchObject({ detectors: { ran: false, reason: 'no new events' } });
    const completeness = summary.quality!.checks.find((check) => check.check === 'completeness')!;
    expect(completeness.status).toBe('fail');
    expect(summary.quality!.checks.find((check) => check.check === 'validity')).toMatchObject({
      status: 'fail',
    });
    await store.close();
  });
});
