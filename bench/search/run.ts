/**
 * The search benchmark: relevance of Aisle (lexical, semantic, hybrid) and of Orama, MiniSearch and
 * SQLite FTS5 on the held-out test half of the Taobao and Instacart relevance sets, then indexing
 * time, memory and single-query latency of every system on the 100,000-item catalogue (median of
 * `--runs` processes per system). Prints one JSON line per system and set (and per large run) on
 * stdout, the Markdown tables on stderr, and writes the raw JSON to bench/results/search-<time>.json.
 *
 *   node --import tsx bench/search/run.ts [--runs 3] [--split test] [--skip-large | --skip-relevance]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SearchEngine } from '../../src/search/search-engine.js';
import { parseSearchConfig } from '../../src/search/search-config.js';
import { parseSearchRequest } from '../../src/search/search-request.js';
import { median } from '../support/stats.js';
import { type CatalogueName, datasetsDir, openCatalogue, requireDatasets } from './catalogues.js';
import { type SystemResult, evaluate } from './evaluate.js';
import { createPeers } from './peers.js';
import { type RelevanceQuery, instacartQueries, taobaoQueries, variants } from './relevance-sets.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    split: { type: 'string', default: 'test' },
    'skip-large': { type: 'boolean', default: false },
    'skip-relevance': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const split = values.split === 'tune' ? 'tune' : 'test';
requireDatasets();
const repoRoot = resolve(import.meta.dirname, '..', '..');

interface RelevanceReport {
  set: string;
  items: number;
  queries: Record<string, number>;
  systems: Record<string, SystemResult & { indexSeconds: number }>;
  training?: unknown;
}

async function queriesOf(
  name: CatalogueName,
  items: Awaited<ReturnType<typeof openCatalogue>>['items'],
): Promise<RelevanceQuery[]> {
  return name === 'taobao'
    ? taobaoQueries(join(datasetsDir, 'taobao-product-titles-ner'), items)
    : instacartQueries(items);
}

async function relevance(
  name: CatalogueName,
): Promise<{ report: RelevanceReport; queries: RelevanceQuery[] }> {
  const catalogue = await openCatalogue(name);
  const queries = await queriesOf(name, catalogue.items);
  const counts: Record<string, number> = {};
  for (const query of queries)
    if (query.split === split) counts[query.variant] = (counts[query.variant] ?? 0) + 1;
  const systems: RelevanceReport['systems'] = {};
  const engine = await SearchEngine.open(catalogue.store, {
    config: parseSearchConfig({ semantic: { encoder: 'trained' } }),
  });
  const started = performance.now();
  const build = await engine.build();
  const indexSeconds = (performance.now() - started) / 1000;
  for (const mode of ['lexical', 'semantic', 'hybrid'] as const) {
    const result = await evaluate(
      async (query) =>
        (await engine.search(parseSearchRequest({ q: query, mode, pageSize: 50 }))).hits.map(
          (hit) => hit.itemId,
        ),
      queries,
      split,
    );
    systems[`aisle-${mode}`] = { ...result, indexSeconds: round(indexSeconds) };
  }
  await engine.close();
  for (const peer of createPeers()) {
    const peerStarted = performance.now();
    await peer.index(catalogue.items);
    const peerIndexSeconds = (performance.now() - peerStarted) / 1000;
    systems[peer.name] = {
      ...(await evaluate((query) => peer.search(query, 50), queries, split)),
      indexSeconds: round(peerIndexSeconds),
    };
  }
  await catalogue.store.close();
  for (const [system, result] of Object.entries(systems)) {
    process.stdout.write(
      `${JSON.stringify({ bench: 'search-relevance', set: name, split, system, ...result })}\n`,
    );
  }
  return {
    report: { set: name, items: catalogue.items.length, queries: counts, systems, training: build.training },
    queries,
  };
}

async function large(
  queryTexts: string[],
): Promise<{ prepareSeconds: number; training: unknown; systems: Record<string, unknown> }> {
  const dir = join(tmpdir(), 'aisle-bench');
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'search-large.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
  const started = performance.now();
  const catalogue = await openCatalogue('large', db);
  // The encoder is trained once here; each measured run reuses it and encodes the items itself.
  const engine = await SearchEngine.open(catalogue.store, {
    config: parseSearchConfig({ semantic: { encoder: 'trained' } }),
  });
  const build = await engine.build();
  await engine.close();
  await catalogue.store.close();
  const prepareSeconds = (performance.now() - started) / 1000;
  const queriesFile = join(dir, 'search-large-queries.json');
  writeFileSync(queriesFile, JSON.stringify(queryTexts));
  const systems: Record<string, unknown> = {};
  for (const system of ['aisle-lexical', 'aisle-hybrid', 'minisearch', 'sqlite-fts5', 'orama']) {
    const results: Record<string, number>[] = [];
    for (let run = 0; run < runs; run++) {
      const output = execFileSync(
        process.execPath,
        [
          '--expose-gc',
          '--import',
          'tsx',
          join(repoRoot, 'bench', 'search', 'large-run.ts'),
          '--system',
          system,
          '--db',
          db,
          '--queries',
          queriesFile,
        ],
        { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 24, timeout: 3_600_000 },
      );
      const line = output.trim().split('\n').at(-1)!;
      results.push(JSON.parse(line) as Record<string, number>);
      process.stdout.write(
        `${JSON.stringify({ bench: 'search-large', system, run: run + 1, ...results.at(-1) })}\n`,
      );
      process.stderr.write(`large ${system} run ${run + 1}: ${line}\n`);
    }
    const med = (key: string) => round(median(results.map((result) => Number(result[key] ?? 0))));
    systems[system] = {
      runs: results.length,
      items: results[0]?.['items'],
      indexSeconds: med('indexSeconds'),
      lexicalSeconds: med('lexicalSeconds'),
      embedSeconds: med('embedSeconds'),
      memoryMb: med('memoryMb'),
      medianMs: med('medianMs'),
      p99Ms: med('p99Ms'),
      p99PerRun: results.map((result) => result['p99Ms']),
    };
  }
  return { prepareSeconds: round(prepareSeconds), training: build.training, systems };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function markdown(
  reports: RelevanceReport[],
  largeReport: Awaited<ReturnType<typeof large>> | undefined,
): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(
      `### ${report.set} (${report.items} items; ${split} half: ${Object.entries(report.queries)
        .map(([v, n]) => `${v} ${n}`)
        .join(', ')})`,
      '',
    );
    const present = variants.filter((variant) => report.queries[variant]);
    lines.push(
      `| system | ${present.map((v) => `${v} NDCG@10 / R@50 / MRR`).join(' | ')} | median / p99 ms |`,
    );
    lines.push(`| --- | ${present.map(() => '---').join(' | ')} | --- |`);
    for (const [name, result] of Object.entries(report.systems)) {
      const cells = present.map((variant) => {
        const scores = result.byVariant[variant];
        return scores
          ? `${scores.ndcg10.toFixed(3)} / ${scores.recall50.toFixed(3)} / ${scores.mrr.toFixed(3)}`
          : '–';
      });
      lines.push(`| ${name} | ${cells.join(' | ')} | ${result.latency.medianMs} / ${result.latency.p99Ms} |`);
    }
    lines.push('');
  }
  if (largeReport) {
    lines.push(`### 100,000 items (median of ${runs} runs per system)`, '');
    lines.push(
      '| system | index s | lexical index s | memory MB | median ms | p99 ms |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const [name, raw] of Object.entries(largeReport.systems)) {
      const r = raw as Record<string, number>;
      lines.push(
        `| ${name} | ${r['indexSeconds']} | ${r['lexicalSeconds'] || '–'} | ${r['memoryMb']} | ${r['medianMs']} | ${r['p99Ms']} |`,
      );
    }
  }
  return lines.join('\n');
}

const reports: RelevanceReport[] = [];
const allQueries: RelevanceQuery[] = [];
for (const name of ['taobao', 'instacart'] as const) {
  if (values['skip-relevance']) {
    // The large run needs only the query texts.
    const catalogue = await openCatalogue(name);
    allQueries.push(...(await queriesOf(name, catalogue.items)).filter((query) => query.split === split));
    await catalogue.store.close();
    continue;
  }
  const { report, queries } = await relevance(name);
  reports.push(report);
  allQueries.push(...queries.filter((query) => query.split === split));
  process.stderr.write(`${name}: done\n`);
}
const largeReport = values['skip-large'] ? undefined : await large(allQueries.map((query) => query.text));
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const resultsDir = join(repoRoot, 'bench', 'results');
if (!existsSync(resultsDir)) mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  join(resultsDir, `search-${stamp}.json`),
  JSON.stringify({ split, runs, reports, large: largeReport }, null, 2),
);
// JSON lines on stdout (above), the Markdown tables for docs/search.md on stderr.
process.stderr.write(`${markdown(reports, largeReport)}\n`);
