import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configSchema } from '../../src/core/config.js';
import { runEvaluation } from '../../src/eval/run-evaluation.js';
import { openFileSource } from '../../src/ingest/file-sources.js';
import { type ImportContext, importRecords } from '../../src/ingest/import-records.js';
import { createRecordSchemas } from '../../src/ingest/validators.js';
import { snapshotFromStore } from '../../src/models/data/from-store.js';
import { type EvaluationResult, evaluateAttack, prepareCleanStore } from '../../src/quality/evaluate.js';
import { type EvaluationFormat, importEvaluationData } from '../../src/quality/evaluation-data.js';
import { runQualityScan } from '../../src/quality/gate.js';
import type { AttackKind } from '../../src/quality/inject/attack.js';
import { modelRecommender } from '../../src/quality/model-recommender.js';
import { saveQualityPolicy } from '../../src/quality/policy.js';
import { openStore } from '../../src/store/open-store.js';
import { datasetsDir } from '../../test/support/datasets.js';
import { writeEventsCsv } from '../generate-events.js';

/**
 * The quality gate on real data (docs/quality.md, "Results"): attacks injected into the shared data
 * sets, detection precision / recall / F1 and the false-positive rate on the real users, the target's
 * top-10 hit ratio with the gate off and on; the share of real users the gate flags on clean data;
 * NDCG@10 of a good model on clean data with the gate on and off; the gate's time on 1 M events.
 * One JSON object per line on stdout.
 *
 *   node --import tsx bench/quality/run.ts [--part clean|detection|ndcg|throughput]… [--dataset <name>]…
 *     [--attack random|average|bandwagon|segment|clickfarm|bot]… [--events 1000000] [--quick]
 */
const { values } = parseArgs({
  options: {
    part: { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    dataset: { type: 'string', multiple: true },
    attack: { type: 'string', multiple: true },
    events: { type: 'string', default: '1000000' },
  },
});
const parts = new Set(values.part ?? ['clean', 'detection', 'ndcg', 'throughput']);
const quick = values.quick;

interface DataSet {
  name: string;
  format: EvaluationFormat;
  path: string;
  /** Ratings: shilling profiles apply. Implicit logs get click farms and bots only. */
  ratings: boolean;
  /** The recommender for the target hit ratio (EASE is dense: small catalogues only). */
  model: string;
  hitUsers?: number;
}

const allDataSets: DataSet[] = [
  { name: 'ml-100k', format: 'movielens', path: join(datasetsDir, 'ml-100k'), ratings: true, model: 'ease' },
  {
    name: 'ml-latest-small',
    format: 'movielens',
    path: join(datasetsDir, 'ml-latest-small'),
    ratings: true,
    model: 'ials',
  },
  {
    name: 'amazon-musical-instruments',
    format: 'amazon',
    path: join(datasetsDir, 'amazon-musical-instruments-5core'),
    ratings: true,
    model: 'ease',
  },
  {
    name: 'taobao-userbehavior',
    format: 'taobao',
    path: join(datasetsDir, 'taobao-userbehavior', 'rdav27-flink_ecommerce'),
    ratings: false,
    model: 'ials',
    hitUsers: 5000,
  },
];
const dataSets = allDataSets.filter((set) => !values.dataset || values.dataset.includes(set.name));

function line(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

const round = (value: number | null, digits = 4) => (value === null ? null : Number(value.toFixed(digits)));

interface Run {
  attack: AttackKind;
  intent: 'push' | 'nuke';
  size: number;
  filler: number;
  accounts?: number;
  targets?: number;
}

/** The attack grid of one data set: small enough to finish on a shared 2-core machine. */
function grid(set: DataSet): Run[] {
  const runs: Run[] = [];
  if (set.ratings) {
    const profiles = ['random', 'average', 'bandwagon', 'segment'] as const;
    const main = set.name === 'ml-100k';
    const sizes = main && !quick ? [0.01, 0.03, 0.05] : [0.03];
    for (const attack of profiles)
      for (const intent of ['push', 'nuke'] as const)
        for (const size of sizes) runs.push({ attack, intent, size, filler: 0.05 });
    if (main && !quick)
      for (const attack of profiles)
        for (const filler of [0.01, 0.1]) runs.push({ attack, intent: 'push', size: 0.03, filler });
  }
  const farms = quick
    ? [{ accounts: 50, targets: 5 }]
    : [
        { accounts: 10, targets: 1 },
        { accounts: 50, targets: 5 },
        { accounts: 200, targets: 20 },
        { accounts: 200, targets: 1 },
      ];
  if (!set.ratings || set.name === 'ml-100k')
    for (const farm of farms)
      runs.push({ attack: 'clickfarm', intent: 'push', size: 0.03, filler: 0.05, ...farm });
  runs.push({ attack: 'bot', intent: 'push', size: 0.03, filler: 0.05 });
  return runs.filter((run) => !values.attack || values.attack.includes(run.attack));
}

function importContext(store: ImportContext['store']): ImportContext {
  return { store, schemas: createRecordSchemas(configSchema.parse({})), batchSize: 100_000 };
}

async function cleanAndDetection(scratch: string): Promise<void> {
  for (const set of dataSets) {
    const clean = await prepareCleanStore(set.format, set.path, join(scratch, `${set.name}.db`));
    if (parts.has('clean')) {
      const store = await openStore(`sqlite:${clean.path}`);
      const users = (await store.stats()).users;
      const flags = await store.listQualityFlags({ subject: 'user', limit: 10_000_000 });
      const acted = new Set(flags.filter((flag) => flag.action !== 'flag').map((flag) => flag.subjectId));
      const review = new Set(flags.map((flag) => flag.subjectId));
      const byDetector: Record<string, number> = {};
      for (const flag of flags)
        if (flag.action !== 'flag') byDetector[flag.detector] = (byDetector[flag.detector] ?? 0) + 1;
      const items = await store.listQualityFlags({ subject: 'item', limit: 10_000_000 });
      line({
        bench: 'quality-clean',
        dataset: set.name,
        users,
        events: (await store.stats()).events,
        actedUsers: acted.size,
        actedShare: round(acted.size / users, 5),
        reviewUsers: review.size,
        reviewShare: round(review.size / users, 5),
        byDetector,
        itemFindings: items.length,
        gateSeconds: clean.gateSeconds,
      });
      await store.close();
    }
    if (!parts.has('detection')) continue;
    const recommend = modelRecommender(set.model);
    for (const run of grid(set)) {
      const started = performance.now();
      const result: EvaluationResult = await evaluateAttack({
        data: set.path,
        format: set.format,
        seed: 1,
        cleanStore: clean,
        recommend,
        ...(set.hitUsers === undefined ? {} : { hitRatioUsers: set.hitUsers }),
        ...run,
      });
      line({
        bench: 'quality-detection',
        dataset: set.name,
        ...run,
        attackers: result.details.detection.attackers,
        precision: round(result.precision),
        recall: round(result.recall),
        f1: round(result.f1),
        falsePositiveRate: round(result.falsePositiveRate, 5),
        falsePositives: result.details.detection.falsePositives,
        targetHitRatioOff: round(result.targetHitRatioOff),
        targetHitRatioOn: round(result.targetHitRatioOn),
        model: set.model,
        byDetector: result.details.byDetector,
        gateSeconds: result.details.gateSeconds.attack,
        seconds: round((performance.now() - started) / 1000, 2),
      });
    }
  }
}

/** NDCG@10 of a model on clean data, trained on what the gate passes (on) and on everything (off). */
async function ndcg(): Promise<void> {
  const models: Record<string, string> = {
    'ml-100k': 'ease',
    'amazon-musical-instruments': 'ease',
    'ml-latest-small': 'ials',
  };
  for (const set of dataSets) {
    const model = models[set.name];
    if (!model) continue;
    const result: Record<string, number> = {};
    let events: Record<string, number> = {};
    for (const gate of ['off', 'on'] as const) {
      const store = await openStore('sqlite::memory:');
      if (gate === 'off') await saveQualityPolicy(store, { enabled: false });
      await importEvaluationData(importContext(store), set.format, set.path);
      const snapshot = await snapshotFromStore(store, configSchema.parse({}));
      const report = await runEvaluation(snapshot, { protocol: 'msr', model, k: 10, seed: 1 });
      result[gate] = report.metrics['ndcg@10']!;
      events = { ...events, [gate]: snapshot.log.user.length };
      await store.close();
    }
    line({
      bench: 'quality-ndcg',
      dataset: set.name,
      model,
      protocol: 'msr',
      ndcgGateOff: result['off'],
      ndcgGateOn: result['on'],
      relativeChange: round((result['on']! - result['off']!) / result['off']!, 5),
      trainingEvents: events,
    });
  }
}

/** The gate on a generated 1 M-event log: once inside the import (batch checks + detectors), once as a full scan. */
async function throughput(scratch: string): Promise<void> {
  const events = Number(values.events);
  const csv = join(scratch, 'events.csv');
  await writeEventsCsv(csv, {
    events,
    users: Math.round(events / 25),
    items: Math.round(events / 50),
    seed: 1,
  });
  const runs = quick ? 1 : 3;
  for (let run = 0; run < runs; run++) {
    const store = await openStore(`sqlite:${join(scratch, `throughput-${run}.db`)}`);
    const summary = await importRecords(importContext(store), await openFileSource(csv, 'event'));
    const scanStarted = performance.now();
    const scan = await runQualityScan(store);
    const scanSeconds = (performance.now() - scanStarted) / 1000;
    line({
      bench: 'quality-throughput',
      run,
      events: summary.accepted,
      importSeconds: round(summary.seconds, 2),
      gateSeconds: summary.quality?.seconds,
      gateEventsPerSecond: summary.quality ? Math.round(summary.accepted / summary.quality.seconds) : null,
      scanSeconds: round(scanSeconds, 2),
      detectors: Object.fromEntries(
        (scan.pass.outcomes ?? []).map((outcome) => [outcome.detector, outcome.seconds]),
      ),
      actedUsers: scan.analysis.flags.filter((flag) => flag.subject === 'user' && flag.action !== 'flag')
        .length,
    });
    await store.close();
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'aisle-bench-quality-'));
try {
  if (parts.has('clean') || parts.has('detection')) await cleanAndDetection(scratch);
  if (parts.has('ndcg')) await ndcg();
  if (parts.has('throughput')) await throughput(scratch);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
