import type { Command } from 'commander';
import { z } from 'zod';
import {
  exposureTargetNames,
  itemGroupingNames,
  liftNames,
  relevanceScaleNames,
  rerankerNames,
} from '../../core/fairness-config.js';
import type { AisleConfig } from '../../core/config.js';
import { AisleError } from '../../core/errors.js';
import { type DatasetFormat, datasetFormats, loadDataset } from '../../eval/datasets.js';
import {
  AMORTIZED_PASSES,
  type AuditRerank,
  type FairnessAuditOptions,
  type FairnessReport,
  auditPrepared,
  prepareAudit,
} from '../../eval/fairness/audit.js';
import { fairnessCurve } from '../../eval/fairness/curve.js';
import {
  chooseLift,
  liftCandidates,
  liftGains,
  prepareValidationFolds,
} from '../../eval/fairness/lift-choice.js';
import { saveFairnessReport } from '../../eval/fairness/report-store.js';
import { protocolNames } from '../../eval/protocols.js';
import { activeHistorySize } from '../../models/data/activity.js';
import type { StoreSnapshot } from '../../models/data/from-store.js';
import { modelNames } from '../../models/registry.js';
import { type GlobalOptions, configFor, printJson, withAisle } from '../context.js';
import { modelConfigOption } from '../model-config.js';

/** The flags of every fairness command: which data, model and protocol, and how the audit reads them. */
const auditInputSchema = z.object({
  data: z.string().min(1),
  format: z.enum(datasetFormats),
  protocol: z.enum(protocolNames),
  model: z.string().min(1),
  config: z.string().optional(),
  candidates: z.coerce.number().int().min(1).max(10_000),
  k: z.coerce.number().int().min(1),
  seed: z.coerce.number().int(),
  activeShare: z.coerce.number().gt(0).lt(1),
  json: z.boolean().optional(),
});

/** Adds the options of {@link auditInputSchema} to a fairness command. */
function withAuditInputOptions(command: Command): Command {
  return command
    .requiredOption('--data <path>', 'data-set directory or file (or an Aisle database with --format aisle)')
    .option('--format <format>', `one of ${datasetFormats.join(', ')}`, 'movielens')
    .option('--protocol <name>', `one of ${protocolNames.join(', ')}`, 'msr')
    .option('--model <name>', `one of ${modelNames().join(', ')}`, 'ease')
    .option('--config <json>', 'model config as JSON (defaults fill the rest)')
    .option('--candidates <n>', 'candidates per user the re-ranker chooses from', '100')
    .option('--k <k>', 'cut-off', '10')
    .option('--seed <n>', 'seed of the splits, the model and the bootstrap', '1')
    .option('--active-share <x>', 'share of most active users in the advantaged ("active") group', '0.05')
    .option('--json', 'print one JSON object');
}

/** The data set the flags name, loaded, and the audit options they set (progress on stderr unless --json). */
async function loadAuditInput(
  flags: z.output<typeof auditInputSchema>,
  all: GlobalOptions & Record<string, unknown>,
): Promise<{ snapshot: StoreSnapshot; options: FairnessAuditOptions; engineConfig: AisleConfig }> {
  const config = modelConfigOption(flags.model, flags.config);
  const progress = flags.json ? undefined : (message: string) => process.stderr.write(`${message}\n`);
  progress?.(`loading ${flags.data} (${flags.format})`);
  const engineConfig = configFor(all);
  const snapshot = await loadDataset(flags.data, flags.format as DatasetFormat, engineConfig);
  const options: FairnessAuditOptions = {
    protocol: flags.protocol,
    model: flags.model,
    config,
    k: flags.k,
    seed: flags.seed,
    candidates: flags.candidates,
    activeShare: flags.activeShare,
    ...(progress ? { onProgress: progress } : {}),
  };
  return { snapshot, options, engineConfig };
}

const flagsSchema = auditInputSchema.extend({
  rerank: z.enum(rerankerNames).optional(),
  strength: z.coerce.number().min(0).max(1),
  itemGrouping: z.enum(itemGroupingNames),
  protectedGroup: z.string().min(1),
  alpha: z.coerce.number().gt(0).lt(1),
  exposureTarget: z.enum(exposureTargetNames),
  lift: z.coerce.number().min(0).max(1),
  liftBy: z.enum(liftNames),
  relevanceScale: z.enum(relevanceScaleNames),
  passes: z.coerce.number().int().min(1).max(100),
  curve: z
    .string()
    .regex(/^\s*[0-9.]+(\s*,\s*[0-9.]+)*\s*$/, 'is a comma-separated list of strengths, e.g. 0,0.2,0.5,1')
    .transform((list) => list.split(',').map(Number))
    .refine((strengths) => strengths.every((s) => Number.isFinite(s) && s >= 0 && s <= 1), {
      message: 'every strength lies in 0..1',
    })
    .optional(),
  save: z.boolean().optional(),
});

/** `aisle fairness audit`: accuracy per user group and exposure per item group, before or after a re-ranker. */
export function registerFairnessCommand(program: Command): void {
  const fairness = program
    .command('fairness')
    .description('fairness audits and re-rankers (docs/fairness.md)');
  withAuditInputOptions(
    fairness
      .command('audit')
      .description(
        'audit a model: every metric per user group (gap, bootstrap CI) and exposure per item group',
      ),
  )
    .option('--rerank <name>', `re-rank each list first: ${rerankerNames.join(', ')}`)
    .option('--strength <x>', 're-ranker strength, 0..1', '0.5')
    .option(
      '--item-grouping <name>',
      `item groups for fair-star and exposure: ${itemGroupingNames.join(', ')}`,
      'popularity',
    )
    .option('--protected-group <label>', 'the item group fair-star protects', 'long-tail')
    .option('--alpha <a>', "significance of FA*IR's binomial test", '0.1')
    .option(
      '--exposure-target <name>',
      "exposure: aim each item group's exposure at its share of the candidates' merit (merit) or of the catalogue's items (items)",
      'merit',
    )
    .option('--lift <x>', "user-group: strength of the lift of the disadvantaged users' lists, 0..1", '0')
    .option('--lift-by <name>', `user-group: the lift, one of ${liftNames.join(', ')}`, 'calibration')
    .option(
      '--relevance-scale <name>',
      `amortized-exposure: ${relevanceScaleNames.join(', ')} (one scale for all lists, each list's own, or the model's choice)`,
      'auto',
    )
    .option(
      '--passes <n>',
      "amortized-exposure: times the test users' requests pass through the controller, the last audited (1 = a cold controller)",
      String(AMORTIZED_PASSES),
    )
    .option(
      '--curve <strengths>',
      'with --rerank: also audit the re-ranker at each of these strengths (e.g. 0,0.2,0.5,1), the fairness-vs-accuracy curve the report stores',
    )
    .option('--save', 'store the report in the database (served at GET /fairness/report)')
    .action(async (options: Record<string, unknown>, command: Command) => {
      const all = { ...command.optsWithGlobals<GlobalOptions & Record<string, unknown>>(), ...options };
      const flags = parseFlags(flagsSchema, all);
      // Before the data set is read: a usage error should not wait for it.
      if (flags.curve && !flags.rerank)
        throw new AisleError(
          'INVALID_ARGUMENT',
          '--curve: needs --rerank <name>, the re-ranker whose curve it is',
        );
      const { snapshot, options: auditOptions } = await loadAuditInput(flags, all);
      const progress = auditOptions.onProgress;
      const rerank: AuditRerank | undefined = flags.rerank
        ? {
            name: flags.rerank,
            strength: flags.strength,
            itemGrouping: flags.itemGrouping,
            protectedGroup: flags.protectedGroup,
            alpha: flags.alpha,
            exposureTarget: flags.exposureTarget,
            lift: flags.lift,
            liftBy: flags.liftBy,
            relevanceScale: flags.relevanceScale,
            passes: flags.passes,
          }
        : undefined;
      const prepared = await prepareAudit(snapshot, { ...auditOptions, ...(rerank ? { rerank } : {}) });
      const report = auditPrepared(prepared, rerank);
      if (flags.curve && rerank) {
        progress?.(`auditing ${rerank.name} at ${flags.curve.length} strengths`);
        report.curves = { [rerank.name]: fairnessCurve(prepared, rerank, flags.curve) };
      }
      if (flags.save) {
        const id = await withAisle(all, (aisle) => saveFairnessReport(aisle.store, report));
        progress?.(`saved as fairness report ${id}`);
      }
      if (flags.json) printJson(headlineFirst(report));
      else printTables(report);
    });
  registerChooseLift(fairness);
}

const chooseLiftFlagsSchema = auditInputSchema.extend({
  folds: z.coerce.number().int().min(1).max(20),
});

/**
 * `aisle fairness choose-lift`: the `user-group` lift (kind and strength) for the shop's own data,
 * chosen on validation splits inside the training part, and the `activeMinInteractions` that makes
 * serving's advantaged group the audit's. What docs/fairness.md asks an operator to do before setting
 * `lift` (bench/fairness/run.ts runs the same choice).
 */
function registerChooseLift(fairness: Command): void {
  withAuditInputOptions(
    fairness
      .command('choose-lift')
      .description(
        "choose user-group's lift of the disadvantaged users' lists on validation splits (never the test split)",
      ),
  )
    .option('--folds <n>', 'validation splits to average the gains over (msr; other protocols have one)', '5')
    .action(async (options: Record<string, unknown>, command: Command) => {
      const all = { ...command.optsWithGlobals<GlobalOptions & Record<string, unknown>>(), ...options };
      const flags = parseFlags(chooseLiftFlagsSchema, all);
      const { snapshot, options: auditOptions, engineConfig } = await loadAuditInput(flags, all);
      const folds = await prepareValidationFolds(snapshot, auditOptions, flags.folds);
      const progress = auditOptions.onProgress;
      progress?.(`measuring ${liftCandidates.length} lifts on ${folds.length} validation split(s)`);
      const gains = liftGains(folds);
      const chosen = chooseLift(gains) ?? null;
      const activeMinInteractions = activeHistorySize(
        snapshot.log,
        flags.activeShare,
        engineConfig.serving.historyLimit,
      );
      const result = {
        model: flags.model,
        protocol: flags.protocol,
        folds: folds.length,
        k: flags.k,
        activeShare: flags.activeShare,
        lifts: gains.map(({ lift, users, gain, ci }) => ({ ...lift, users, gain, ci })),
        chosen,
        activeMinInteractions,
      };
      if (flags.json) {
        printJson(result);
        return;
      }
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(`${flags.model}, protocol ${flags.protocol}, ${folds.length} validation split(s), NDCG@${flags.k}`);
      out('  liftBy\tlift\tinactive users\tgain\t95 % CI');
      for (const { lift, users, gain, ci } of gains)
        out(
          `  ${lift.liftBy}\t${lift.lift}\t${users}\t${gain.toFixed(6)}\t[${ci[0].toFixed(6)}, ${ci[1].toFixed(6)}]`,
        );
      out(
        chosen
          ? `chosen: liftBy = "${chosen.liftBy}", lift = ${chosen.lift} (the largest gain whose CI lies above 0)`
          : 'chosen: none (no lift gained with a CI above 0): keep lift = 0',
      );
      out(
        `set in [fairness.default] or a scenario: reranker = "user-group", lift = ${chosen?.lift ?? 0}${chosen ? `, liftBy = "${chosen.liftBy}"` : ''}, activeMinInteractions = ${activeMinInteractions} (the top ${Number((flags.activeShare * 100).toFixed(2))} % of users by history, as serving reads histories; "auto", the default, takes the same at training)`,
      );
    });
}

/** Flags parsed by `schema`; a bad one is a usage error naming the flag as typed. */
function parseFlags<T extends z.ZodType>(schema: T, all: Record<string, unknown>): z.output<T> {
  const parsed = schema.safeParse(all);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // The flag as typed: commander's camelCase key back to kebab case (itemGrouping → item-grouping).
    const flag = String(issue.path[0]).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    throw new AisleError('INVALID_ARGUMENT', `--${flag}: ${issue.message}`);
  }
  return parsed.data;
}

/** The contract's key order: the headline NDCG first. */
function headlineFirst(report: FairnessReport): Record<string, unknown> {
  const headline = `ndcg@${report.k}` as const;
  return { [headline]: report[headline], ...report };
}

function printTables(report: FairnessReport): void {
  const headline = `ndcg@${report.k}` as const;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const rerank = report.rerank ? `, re-ranked by ${report.rerank.name} at ${report.rerank.strength}` : '';
  out(
    `${report.model}, protocol ${report.protocol}, seed ${report.seed}${rerank}: ${report.users} test users`,
  );
  out(`${headline} ${report[headline]?.toFixed(4)}`);
  for (const [attribute, result] of Object.entries(report.userGroups)) {
    const { gap, ratio, ci, ...groups } = result;
    const parts = Object.entries(groups).map(([label, group]) => {
      const values = group as Record<string, number>;
      return `${label} ${values[headline]?.toFixed(4)} (n=${values['n']})`;
    });
    const [low, high] = ci as [number, number];
    out(
      `  ${attribute}: ${parts.join(', ')}; gap ${Number(gap).toFixed(4)} [${low.toFixed(4)}, ${high.toFixed(4)}], ratio ${Number(ratio).toFixed(3)}`,
    );
  }
  for (const [name, audit] of Object.entries(report.exposure)) {
    const parts = Object.entries(audit.byGroup)
      .slice(0, 8)
      .map(
        ([label, group]) =>
          `${label} ${(group.exposureShare * 100).toFixed(1)}% (merit ${(group.meritShare * 100).toFixed(1)}%)`,
      );
    out(`  exposure by ${name}: gini ${audit.gini.toFixed(4)}; ${parts.join(', ')}`);
  }
  for (const [name, points] of Object.entries(report.curves ?? {})) {
    out(`curve of ${name}:`);
    const columns = Object.keys(points[0] ?? {});
    out(`  ${columns.join('\t')}`);
    for (const point of points) out(`  ${columns.map((column) => point[column]?.toFixed(4)).join('\t')}`);
  }
}
