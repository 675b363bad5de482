import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { rerankerNames } from '../../src/core/fairness-config.js';
import { createRng } from '../../src/core/rng.js';
import { type DatasetFormat, loadDataset } from '../../src/eval/datasets.js';
import { type FairnessReport, auditPrepared, prepareAudit } from '../../src/eval/fairness/audit.js';
import type { ProtocolName } from '../../src/eval/protocols.js';
import { rerank } from '../../src/rank/fairness/rerank.js';

/**
 * Fairness audits before re-ranking, then for each re-ranker the fairness-vs-NDCG@10 curve as its
 * strength grows, one JSON line per point, and the time of one re-ranking of 100 candidates.
 *
 * Usage: node --import tsx bench/fairness/run.ts [--only ml-100k] [--models ease,ials,blend] [--timing-only]
 */
const datasets = process.env['AISLE_DATASETS'] ?? join(process.cwd(), '..', 'shared', 'datasets');
const argument = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const only = argument('only');
const models = (argument('models') ?? 'ease,ials,blend').split(',');
const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

// Timing: 100 candidates, k = 10, every re-ranker at strength 0.5; median of 5 runs of 2000 calls.
{
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
  for (const name of rerankerNames) {
    const runs: number[] = [];
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      for (let call = 0; call < 2000; call++)
        rerank(name, list, { k: 10, strength: 0.5, advantaged: true, historyMix, alpha: 0.1 });
      runs.push((performance.now() - started) / 2000);
    }
    runs.sort((a, b) => a - b);
    print({ timing: true, reranker: name, candidates: n, k: 10, msPerRequest: Number(runs[2]!.toFixed(5)) });
  }
}
if (process.argv.includes('--timing-only')) process.exit(0);

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
const strengths: Record<string, number[]> = {
  'fair-star': [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
  exposure: [0.05, 0.1, 0.2, 0.3, 0.5, 1],
  'user-group': [0.1, 0.2, 0.3, 0.4, 0.5, 0.7],
  calibration: [0.1, 0.2, 0.3, 0.5, 0.7, 0.9],
  popularity: [0.05, 0.1, 0.2, 0.3, 0.5, 0.7],
};

function point(report: FairnessReport) {
  const gap = (attribute: string) => report.userGroups[attribute]?.['gap'];
  const exposure = Object.fromEntries(
    Object.entries(report.exposure).map(([name, audit]) => [name, audit.gini]),
  );
  return {
    ndcg: report['ndcg@10'] ?? 0,
    gaps: Object.fromEntries(Object.keys(report.userGroups).map((attribute) => [attribute, gap(attribute)])),
    gini: exposure,
    longTailSlots: report.exposure['popularity']?.byGroup['long-tail']?.slotShare,
    aplt: report.metrics['aplt@10'],
    coverage: report.metrics['coverage@10'],
    rerankMsPerList: report.rerankMsPerList,
  };
}

for (const suite of suites) {
  if (only && suite.name !== only) continue;
  if (!existsSync(suite.path)) {
    process.stderr.write(`SKIP ${suite.name}: ${suite.path} not found\n`);
    continue;
  }
  const snapshot = await loadDataset(suite.path, suite.format);
  for (const model of models) {
    const prepared = await prepareAudit(snapshot, { protocol: suite.protocol, model, k: 10, seed: 1 });
    const baseline = auditPrepared(prepared);
    const base = point(baseline);
    print({
      dataset: suite.name,
      model,
      protocol: suite.protocol,
      reranker: 'none',
      strength: 0,
      ...base,
      audit: baseline,
    });
    for (const name of rerankerNames) {
      for (const strength of strengths[name]!) {
        const after = point(auditPrepared(prepared, { name, strength }));
        const ndcgLoss = 1 - after.ndcg / base.ndcg;
        const gapCut = 1 - Number(after.gaps['activity']) / Number(base.gaps['activity']);
        const giniCut = Object.fromEntries(
          Object.entries(after.gini).map(([grouping, gini]) => [
            grouping,
            Number((1 - gini / base.gini[grouping]!).toFixed(4)),
          ]),
        );
        print({
          dataset: suite.name,
          model,
          reranker: name,
          strength,
          ...after,
          ndcgLoss: Number(ndcgLoss.toFixed(4)),
          activityGapCut: Number(gapCut.toFixed(4)),
          giniCut,
        });
      }
    }
  }
}
