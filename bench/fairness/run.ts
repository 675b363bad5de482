import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { modelConfigOption } from '../../src/cli/model-config.js';
import { type ExposureTargetName, type RerankerName, rerankerNames } from '../../src/core/fairness-config.js';
import { createRng } from '../../src/core/rng.js';
import { type DatasetFormat, loadDataset } from '../../src/eval/datasets.js';
import {
  type AuditRerank,
  type FairnessReport,
  type PreparedAudit,
  auditPrepared,
  prepareAudit,
} from '../../src/eval/fairness/audit.js';
import {
  type Lift,
  type LiftGain,
  chooseLift,
  liftGains,
  prepareValidationFolds,
} from '../../src/eval/fairness/lift-choice.js';
import type { ProtocolName } from '../../src/eval/protocols.js';
import { ExposureController, exposureFloors } from '../../src/rank/fairness/amortized-exposure.js';
import { fairStarMinimums } from '../../src/rank/fairness/fair-star.js';
import { rerank } from '../../src/rank/fairness/rerank.js';

/**
 * Fairness audits before re-ranking, then for each re-ranker the fairness-vs-NDCG@10 curve as its
 * strength grows, one JSON line per point, a summary of the best point within each target's NDCG
 * budget, and (with --timing or --timing-only) the time of one re-ranking of 100 candidates.
 *
 * The `user-group` lift of the disadvantaged users' lists (its kind, calibration or popularity
 * penalty, and its strength) is chosen on validation splits inside the training data (five for
 * msr): the test split never picks it.
 *
 * Usage: node --import tsx bench/fairness/run.ts [--only ml-100k] [--models ease,ials,blend]
 *   [--config <json>] [--candidates 100] [--rerankers user-group,exposure] [--validation-folds 5] [--seed 1]
 *   [--lift-diagnostics: also print each lift's gain on the test split, which never chooses it]
 *   [--timing] [--timing-only]
 */
const datasets = process.env['AISLE_DATASETS'] ?? join(process.cwd(), '..', 'shared', 'datasets');
const argument = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const only = argument('only');
const models = (argument('models') ?? 'ease,ials,blend').split(',');
const configJson = argument('config');
const candidates = Number(argument('candidates') ?? 100);
const seed = Number(argument('seed') ?? 1);
const chosenRerankers = (argument('rerankers')?.split(',') ?? [...rerankerNames]) as RerankerName[];
for (const name of chosenRerankers)
  if (!rerankerNames.includes(name)) throw new Error(`--rerankers: unknown re-ranker ${name}`);
const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const round = (value: number, digits = 4) => Number(value.toFixed(digits));

const timingOnly = process.argv.includes('--timing-only');
if (timingOnly || process.argv.includes('--timing')) timing();
if (timingOnly) process.exit(0);

/** 100 candidates, k = 10, every re-ranker at strength 0.5; median of 5 runs of 2000 calls. */
function timing(): void {
  const rng = createRng(1);
  const n = 100;
  const list = {
    scores: Float64Array.from({ length: n }, () => rng.next())
      .sort()
      .reverse(),
    group: Int32Array.from({ length: n }, () => rng.int(8)),
    protectedFlag: Uint8Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0)),
    category: Int32Array.from({ length: n }, () => rng.int(18)),
    popularity: Float64Array.from({ length: n }, () => rng.int(1000)),
  };
  const historyMix = Float64Array.from({ length: 18 }, () => 1 / 18);
  const exposureTarget = Float64Array.from({ length: 8 }, (_, g) => (g + 1) / 36);
  // amortized-exposure: a live controller, updated after every list as serving does.
  const controller = new ExposureController(
    exposureFloors(
      Float64Array.from({ length: 8 }, () => 1 / 8),
      0.5,
    ),
  );
  const groupOffsets = controller.offsets;
  const cases: { label: string; name: RerankerName; advantaged: boolean; extra?: object }[] = [
    ...rerankerNames.map((name) => ({ label: name, name, advantaged: true, extra: { groupOffsets } })),
    {
      label: 'user-group (disadvantaged, lift 0.05)',
      name: 'user-group',
      advantaged: false,
      extra: { lift: 0.05 },
    },
    {
      label: 'user-group (disadvantaged, popularity lift 0.1)',
      name: 'user-group',
      advantaged: false,
      extra: { lift: 0.1, liftBy: 'popularity' },
    },
    { label: 'exposure (items target)', name: 'exposure', advantaged: true, extra: { exposureTarget } },
  ];
  for (const { label, name, advantaged, extra } of cases) {
    const runs: number[] = [];
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      for (let call = 0; call < 2000; call++) {
        const { order } = rerank(name, list, {
          k: 10,
          strength: 0.5,
          advantaged,
          historyMix,
          alpha: 0.1,
          ...extra,
          ...(name === 'amortized-exposure' ? { groupRelevanceScale: controller.relevanceScale } : {}),
        });
        if (name === 'amortized-exposure')
          controller.observe(
            Int32Array.from(order.subarray(0, 10), (position) => list.group[position]!),
            list.scores,
          );
      }
      runs.push((performance.now() - started) / 2000);
    }
    runs.sort((a, b) => a - b);
    print({ timing: true, reranker: label, candidates: n, k: 10, msPerRequest: round(runs[2]!, 5) });
  }
}

const suites: { name: string; path: string; format: DatasetFormat; protocol: ProtocolName }[] = [
  { name: 'ml-100k', path: join(datasets, 'ml-100k'), format: 'movielens', protocol: 'msr' },
  { name: 'ml-latest-small', path: join(datasets, 'ml-latest-small'), format: 'movielens', protocol: 'msr' },
  {
    name: 'amazon-musical-instruments-5core',
    path: join(datasets, 'amazon-musical-instruments-5core', 'Musical_Instruments.json.gz'),
    format: 'amazon',
    protocol: 'msr',
  },
];
const strengths: Record<RerankerName, number[]> = {
  'fair-star': [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
  exposure: [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1],
  'amortized-exposure': [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
  // Every 0.005 where the activity gap falls fastest and the 2 % budget runs out: about 0.3 for iALS,
  // 0.35–0.45 for the blends, 0.43–0.5 for EASE, 0.5–0.55 on ml-latest-small (47 active users on
  // ML-100K, 31 on ml-latest-small: each step moves few lists, so the curve is not monotone).
  'user-group': [
    0.1,
    0.2,
    0.25,
    ...Array.from({ length: 61 }, (_, n) => Number((0.3 + n * 0.005).toFixed(3))),
    0.7,
  ],
  calibration: [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9],
  popularity: [0.05, 0.1, 0.2, 0.3, 0.5, 0.7],
};
/**
 * Validation folds the lift is chosen on (msr: independent 75/25 re-splits of the training part);
 * five, as the tuner averages (src/eval/run-evaluation.ts).
 */
const validationFolds = Number(argument('validation-folds') ?? 5);
/** The targets' NDCG@10 budgets (issue 6): gap cut for ≤ 2 % loss, Gini cut for ≤ 3 % loss. */
const budgets = { gap: 0.02, gini: 0.03 };

function point(report: FairnessReport) {
  const gap = (attribute: string) => report.userGroups[attribute]?.['gap'];
  const group = (label: string) =>
    (report.userGroups['activity']?.[label] as Record<string, number> | undefined)?.['ndcg@10'];
  return {
    ndcg: report['ndcg@10'] ?? 0,
    activeNdcg: group('active'),
    inactiveNdcg: group('inactive'),
    gaps: Object.fromEntries(Object.keys(report.userGroups).map((attribute) => [attribute, gap(attribute)])),
    gini: Object.fromEntries(Object.entries(report.exposure).map(([name, audit]) => [name, audit.gini])),
    longTailSlots: report.exposure['popularity']?.byGroup['long-tail']?.slotShare,
    // The protected groups' mean share of each prefix 1 … k (what FA*IR's per-prefix minimum bounds).
    longTailPrefixShares: report.exposure['popularity']?.byGroup['long-tail']?.prefixShares,
    newPrefixShares: report.exposure['new']?.byGroup['new']?.prefixShares,
    aplt: report.metrics['aplt@10'],
    coverage: report.metrics['coverage@10'],
    rerankMsPerList: report.rerankMsPerList,
  };
}
type Point = ReturnType<typeof point>;

/** A curve point against the audit before re-ranking: NDCG loss, activity-gap cut, Gini cuts. */
function against(base: Point, after: Point) {
  return {
    ndcgLoss: round(1 - after.ndcg / base.ndcg),
    activityGapCut: round(1 - Number(after.gaps['activity']) / Number(base.gaps['activity'])),
    giniCut: Object.fromEntries(
      Object.entries(after.gini).map(([grouping, gini]) => [
        grouping,
        round(1 - gini / base.gini[grouping]!),
      ]),
    ),
  };
}

/**
 * Each lift's gain for the inactive users on `folds` (src/eval/fairness/lift-choice.ts), one printed
 * line each.
 */
function printedLiftGains(folds: PreparedAudit[], label: Record<string, unknown>, split: string): LiftGain[] {
  const gains = liftGains(folds);
  for (const { lift, users, gain, ci } of gains)
    print({
      ...label,
      split,
      folds: folds.length,
      reranker: 'user-group',
      ...lift,
      users,
      gain: round(gain, 6),
      ci: ci.map((value) => round(value, 6)),
    });
  return gains;
}

/** A re-ranker's settings beyond the strength: each curve of the run. */
function variants(
  name: RerankerName,
  groupings: string[],
  lift: Lift | undefined,
): Omit<AuditRerank, 'strength'>[] {
  switch (name) {
    case 'user-group':
      return lift ? [{ name }, { name, ...lift }] : [{ name }];
    case 'exposure':
      return groupings.flatMap((itemGrouping) =>
        (['merit', 'items'] as ExposureTargetName[]).map((exposureTarget) => ({
          name,
          itemGrouping: itemGrouping as AuditRerank['itemGrouping'] & string,
          exposureTarget,
        })),
      );
    case 'amortized-exposure':
      // Each grouping with the controller warmed up (the default passes) and cold (one pass).
      return groupings.flatMap((itemGrouping) =>
        [undefined, 1].map((passes) => ({
          name,
          itemGrouping: itemGrouping as AuditRerank['itemGrouping'] & string,
          ...(passes ? { passes } : {}),
        })),
      );
    default:
      return [{ name }];
  }
}

for (const suite of suites) {
  if (only && suite.name !== only) continue;
  if (!existsSync(suite.path)) {
    process.stderr.write(`SKIP ${suite.name}: ${suite.path} not found\n`);
    continue;
  }
  const snapshot = await loadDataset(suite.path, suite.format);
  for (const model of models) {
    const config = modelConfigOption(model, configJson);
    const options = { protocol: suite.protocol, model, config, k: 10, seed, candidates };
    const label = { dataset: suite.name, model, candidates, seed };
    // The lift is chosen on validation splits inside the training part, never on the test split.
    const lift = chosenRerankers.includes('user-group')
      ? chooseLift(
          printedLiftGains(
            await prepareValidationFolds(snapshot, options, validationFolds),
            label,
            'validation',
          ),
        )
      : undefined;
    const prepared = await prepareAudit(snapshot, options);
    // Diagnostic only (never chooses anything): what each lift would have gained on the test split.
    if (process.argv.includes('--lift-diagnostics') && chosenRerankers.includes('user-group'))
      printedLiftGains([prepared], label, 'test (diagnostic, not used)');
    const baseline = auditPrepared(prepared);
    const base = point(baseline);
    print({
      ...label,
      protocol: suite.protocol,
      config,
      reranker: 'none',
      strength: 0,
      ...base,
      audit: baseline,
    });
    const groupings = Object.keys(baseline.exposure).filter((grouping) => grouping !== 'seller');
    const best: Record<string, { cut: number; ndcgLoss: number; setting: object } | undefined> = {};
    const keep = (key: string, cut: number, ndcgLoss: number, budget: number, setting: object) => {
      if (ndcgLoss <= budget && cut > (best[key]?.cut ?? Number.NEGATIVE_INFINITY))
        best[key] = { cut, ndcgLoss, setting };
    };
    for (const name of chosenRerankers)
      for (const variant of variants(name, groupings, lift))
        for (const strength of strengths[name]) {
          const setting = { ...variant, strength };
          const after = point(auditPrepared(prepared, setting));
          const cuts = against(base, after);
          // fair-star: the table its lists are held to, protected items needed in each prefix 1 … k.
          const table =
            name === 'fair-star'
              ? {
                  fairStarMinimums: [
                    ...fairStarMinimums({ k: 10, proportion: Math.min(strength, 0.99), alpha: 0.1 }),
                  ],
                }
              : {};
          print({ ...label, ...setting, ...after, ...cuts, ...table });
          keep('activityGap', cuts.activityGapCut, cuts.ndcgLoss, budgets.gap, setting);
          for (const [grouping, cut] of Object.entries(cuts.giniCut))
            keep(`gini:${grouping}`, cut, cuts.ndcgLoss, budgets.gini, setting);
        }
    print({ ...label, summary: true, liftChosenOnValidation: lift ?? null, budgets, best });
  }
}
