import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type DatasetFormat, loadDataset } from '../../src/eval/datasets.js';
import type { ProtocolName } from '../../src/eval/protocols.js';
import { type EvaluationReport, runEvaluation } from '../../src/eval/run-evaluation.js';

/**
 * Accuracy of every model on the real data sets, with hyper-parameters tuned on each protocol's
 * validation split (never the test split), one JSON line per (data set, protocol, model, seed) and a
 * summary line per (data set, protocol, model) with the mean over seeds.
 *
 * Usage: node --import tsx bench/models/accuracy.ts [--quick] [--only ml-100k] [--models ease,ials]
 *   [--protocols recbole,temporal] [--config <json>] [--validation-folds 3]
 *
 * `--config` is the starting config of the tuning (one model), e.g. a blend's components:
 * `--models blend --config '{"components":[{"model":"ease"},{"model":"ials"},{"model":"popularity"}]}'`.
 */
const datasets = process.env['AISLE_DATASETS'] ?? join(process.cwd(), '..', 'shared', 'datasets');
const quick = process.argv.includes('--quick');
const only = argument('only');
const modelFilter = argument('models')?.split(',');
const protocolFilter = argument('protocols')?.split(',');
const startConfig = argument('config');
const validationFolds = argument('validation-folds');

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

interface Suite {
  name: string;
  path: string;
  format: DatasetFormat;
  protocols: ProtocolName[];
  seeds: number[];
}

const suites: Suite[] = [
  {
    name: 'ml-100k',
    path: join(datasets, 'ml-100k'),
    format: 'movielens',
    protocols: ['msr'],
    seeds: quick ? [1] : [1, 2, 3, 4, 5],
  },
  {
    name: 'ml-latest-small',
    path: join(datasets, 'ml-latest-small'),
    format: 'movielens',
    protocols: ['recbole', 'temporal'],
    seeds: [1],
  },
  {
    name: 'amazon-musical-instruments-5core',
    path: join(datasets, 'amazon-musical-instruments-5core', 'Musical_Instruments.json.gz'),
    format: 'amazon',
    protocols: ['msr', 'leave-last-out'],
    seeds: [1],
  },
  {
    name: 'taobao-userbehavior-histories',
    path: join(datasets, 'taobao-userbehavior', 'betashepherd-HotItems', 'UserBehavior.csv.gz'),
    format: 'taobao',
    protocols: ['temporal', 'leave-last-out'],
    seeds: [1],
  },
];

const models = (modelFilter ?? ['popularity', 'itemknn', 'rp3beta', 'ease', 'ials', 'blend']).filter(Boolean);

for (const suite of suites) {
  if (only && suite.name !== only) continue;
  if (!existsSync(suite.path)) {
    process.stderr.write(`SKIP ${suite.name}: ${suite.path} not found\n`);
    continue;
  }
  const snapshot = await loadDataset(suite.path, suite.format);
  for (const protocol of suite.protocols) {
    if (protocolFilter && !protocolFilter.includes(protocol)) continue;
    for (const model of models) {
      const reports: EvaluationReport[] = [];
      for (const seed of suite.seeds) {
        const report = await runEvaluation(snapshot, {
          protocol,
          model,
          tune: model !== 'popularity',
          ...(startConfig ? { config: JSON.parse(startConfig) as Record<string, unknown> } : {}),
          ...(validationFolds ? { validationFolds: Number(validationFolds) } : {}),
          k: 10,
          seed,
        });
        reports.push(report);
        const { groups: _groups, ...line } = report;
        process.stdout.write(`${JSON.stringify({ dataset: suite.name, ...line })}\n`);
      }
      const mean = (name: string) =>
        reports.reduce((sum, report) => sum + report.metrics[name]!, 0) / reports.length;
      const activityGap =
        reports.reduce((sum, report) => sum + (report.groups['activity']?.gap['ndcg@10'] ?? 0), 0) /
        reports.length;
      process.stdout.write(
        `${JSON.stringify({
          summary: true,
          dataset: suite.name,
          protocol,
          model,
          seeds: suite.seeds,
          ndcgAt10: reports.map((report) => report.metrics['ndcg@10']),
          meanNdcgAt10: Number(mean('ndcg@10').toFixed(4)),
          meanRecallAt10: Number(mean('recall@10').toFixed(4)),
          meanPrecisionAt10: Number(mean('precision@10').toFixed(4)),
          meanCoverageAt10: Number(mean('coverage@10').toFixed(4)),
          meanActivityGapNdcgAt10: Number(activityGap.toFixed(4)),
          configs: reports.map((report) => report.config),
        })}\n`,
      );
    }
  }
}
