import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { SyncProgress } from '../../search/index-sync.js';
import { type SearchConfig, readSearchConfigFile, searchConfigFromEnv } from '../../search/search-config.js';
import { SearchEngine } from '../../search/search-engine.js';
import { type SearchResponse, parseSearchRequest } from '../../search/search-request.js';
import { type GlobalOptions, printJson, withAisle } from '../context.js';

interface SearchOptions extends GlobalOptions {
  json?: boolean;
  filters?: string;
  facets?: string;
  page?: string;
  pageSize?: string;
  user?: string;
  lang?: string;
  sort?: string;
  mode?: string;
  semanticWeight?: string;
  fusion?: string;
  searchConfig?: string;
  progress?: boolean;
}

interface IndexOptions extends GlobalOptions {
  retrain?: boolean;
  json?: boolean;
  searchConfig?: string;
  progress?: boolean;
}

/**
 * `aisle search "<query>"` (the same response as GET /search; the first run indexes the catalogue),
 * `aisle search-index [--retrain]` (rebuild the index, or retrain the encoder) and
 * `aisle suggest "<prefix>"`.
 */
export function registerSearchCommands(program: Command): void {
  program
    .command('search')
    .description('search the catalogue (indexes it first if no index is stored)')
    .argument('[query]', 'what to search for; empty lists items by popularity', '')
    .option('--json', 'print {"hits","facets","total","tookMs"} as JSON')
    .option('--filters <json>', 'e.g. \'{"brand":"优衣库","price":{"max":200}}\'')
    .option('--facets <names>', 'comma-separated: category,brand,seller,price,inStock or an attribute key')
    .option('--page <n>', 'page number, from 1')
    .option('--page-size <n>', 'hits per page (1–100)')
    .option('--user <id>', 're-rank for this user’s history')
    .option('--lang <zh|en>', 'language of the reason texts')
    .option('--sort <order>', 'relevance, price_asc, price_desc, newest, popularity')
    .option('--mode <mode>', 'hybrid, lexical or semantic')
    .option('--semantic-weight <w>', 'weight of the semantic list in fusion, 0–1')
    .option('--fusion <method>', 'rrf or blend')
    .option('--search-config <file>', 'search settings (TOML or JSON; env AISLE_SEARCH_CONFIG)')
    .option('--no-progress', 'no progress bar while indexing')
    .action(async (query: string, options: SearchOptions, command: Command) => {
      const globals = command.optsWithGlobals<SearchOptions>();
      const request = parseSearchRequest(
        Object.fromEntries(
          Object.entries({
            q: query,
            filters: options.filters,
            facets: options.facets,
            page: options.page,
            pageSize: options.pageSize,
            userId: options.user,
            lang: options.lang,
            sort: options.sort,
            mode: options.mode,
            semanticWeight: options.semanticWeight,
            fusion: options.fusion,
          }).filter(([, value]) => value !== undefined),
        ),
      );
      const response = await withAisle(globals, async (aisle) => {
        const engine = await openEngine(
          aisle.store,
          searchConfig(options),
          aisle.config.events.weights,
          options.progress,
        );
        try {
          return await engine.search({ ...request, prefixLast: false });
        } finally {
          await engine.close();
        }
      });
      if (options.json) printJson(response);
      else process.stdout.write(`${formatResponse(response)}\n`);
    });

  program
    .command('search-index')
    .description('rebuild the search index from the store (or --retrain the trained encoder)')
    .option('--retrain', 'train the encoder again from the current catalogue, queries and behaviour')
    .option('--json', 'print the report as JSON')
    .option('--search-config <file>', 'search settings (TOML or JSON; env AISLE_SEARCH_CONFIG)')
    .option('--no-progress', 'no progress bar')
    .action(async (options: IndexOptions, command: Command) => {
      const globals = command.optsWithGlobals<IndexOptions>();
      const report = await withAisle(globals, async (aisle) => {
        const engine = await SearchEngine.open(aisle.store, {
          config: searchConfig(options),
          eventWeights: aisle.config.events.weights,
          log: (message) => process.stderr.write(`${message}\n`),
        });
        const progress = createPhaseProgress(options.progress !== false);
        try {
          if (options.retrain) {
            if (!engine.ready) await engine.build(progress.update);
            return { training: await engine.retrainEncoder(progress.update) };
          }
          return await engine.build(progress.update);
        } finally {
          progress.stop();
          await engine.close();
        }
      });
      if (options.json) printJson(report);
      else process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    });

  program
    .command('suggest')
    .description('completions of a typed prefix from catalogue terms and past queries (pinyin too)')
    .argument('<prefix>', 'what has been typed so far')
    .option('--json', 'print the suggestions as JSON')
    .option('--search-config <file>', 'search settings (TOML or JSON; env AISLE_SEARCH_CONFIG)')
    .action(async (prefix: string, options: SearchOptions, command: Command) => {
      const globals = command.optsWithGlobals<SearchOptions>();
      const suggestions = await withAisle(globals, async (aisle) => {
        const engine = await openEngine(
          aisle.store,
          searchConfig(options),
          aisle.config.events.weights,
          false,
        );
        try {
          return engine.suggest(prefix, 10);
        } finally {
          await engine.close();
        }
      });
      if (options.json) printJson({ suggestions });
      else
        for (const suggestion of suggestions)
          process.stdout.write(`${suggestion.text}\t${suggestion.source}\t${suggestion.match}\n`);
    });
}

function searchConfig(options: { searchConfig?: string }): SearchConfig {
  return options.searchConfig ? readSearchConfigFile(options.searchConfig) : searchConfigFromEnv();
}

async function openEngine(
  store: Parameters<typeof SearchEngine.open>[0],
  config: SearchConfig,
  eventWeights: Readonly<Record<string, number>>,
  progress: boolean | undefined,
): Promise<SearchEngine> {
  const engine = await SearchEngine.open(store, {
    config: { ...config, refreshSeconds: 0 },
    eventWeights,
    log: (message) => process.stderr.write(`${message}\n`),
  });
  const bar = createPhaseProgress(progress !== false);
  try {
    await engine.ensureIndex(bar.update);
  } finally {
    bar.stop();
  }
  return engine;
}

/** A progress bar on stderr per indexing phase, only on a terminal. */
function createPhaseProgress(enabled: boolean): {
  update: (progress: SyncProgress) => void;
  stop: () => void;
} {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: ' {phase} {bar} {percentage}% | {value}/{total} {extra}',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase = '';
  return {
    update: (progress) => {
      const total = Math.max(progress.total, 1);
      const extra = progress.loss !== undefined ? `loss ${progress.loss.toFixed(3)}` : '';
      if (progress.phase !== phase) {
        if (phase) bar.stop();
        phase = progress.phase;
        bar.start(total, progress.done, { phase: progress.phase.padEnd(10), extra });
      } else {
        bar.setTotal(total);
        bar.update(progress.done, { extra });
      }
    },
    stop: () => {
      if (phase) bar.stop();
    },
  };
}

function formatResponse(response: SearchResponse): string {
  const lines = [`${response.total} results in ${response.tookMs} ms (semantic: ${response.semantic})`];
  response.hits.forEach((hit, index) => {
    const rank = (response.page - 1) * response.pageSize + index + 1;
    lines.push(`${String(rank).padStart(3)}. ${hit.title}  [${hit.itemId}] ${hit.score.toFixed(4)}`);
    for (const reason of hit.reasons) lines.push(`       · ${reason.text} (${reason.weight.toFixed(4)})`);
  });
  for (const [facet, counts] of Object.entries(response.facets)) {
    lines.push(
      `${facet}: ${Object.entries(counts)
        .map(([value, count]) => `${value} ${count}`)
        .join(', ')}`,
    );
  }
  return lines.join('\n');
}
