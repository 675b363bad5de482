import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { AisleError } from '../../core/errors.js';
import { type EvaluateOptions, evaluateAttack } from '../../quality/evaluate.js';
import { evaluationFormats } from '../../quality/evaluation-data.js';
import { modelRecommender } from '../../quality/model-recommender.js';
import { runQualityScan } from '../../quality/gate.js';
import { attackKinds } from '../../quality/inject/attack.js';
import { loadQualityPolicy, saveQualityPolicy } from '../../quality/policy.js';
import { buildQualityReport, formatQualityReport } from '../../quality/report.js';
import { findingDetail, formatFindings, listFindings, reviewFinding } from '../../quality/review.js';
import type { QualityFlagFilter } from '../../store/store.js';
import { type GlobalOptions, printJson, withAisle } from '../context.js';

const count = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be at least 0`);
const share = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .min(0, `${name} is a share from 0 to 1`)
    .max(1, `${name} is a share from 0 to 1`);

const evaluateFlags = z.object({
  data: z.string({ error: '--data <dir> is required' }).min(1),
  format: z.enum(evaluationFormats, { error: `--format must be one of ${evaluationFormats.join(', ')}` }),
  attack: z.enum(attackKinds, { error: `--attack must be one of ${attackKinds.join(', ')}` }),
  size: share('--size').default(0.03),
  filler: share('--filler').default(0.05),
  intent: z.enum(['push', 'nuke'], { error: '--intent must be push or nuke' }).default('push'),
  seed: count('--seed').default(1),
  targets: count('--targets').optional(),
  accounts: count('--accounts').optional(),
  camouflage: count('--camouflage').optional(),
  model: z.string().min(1).default('ease'),
  hitUsers: count('--hit-users').optional(),
  json: z.boolean().optional(),
  details: z.boolean().optional(),
});

const reviewFlags = z.object({
  status: z.enum(['open', 'confirmed', 'readmitted', 'cleared', 'all']).default('open'),
  detector: z.string().optional(),
  subject: z.enum(['user', 'item']).optional(),
  minScore: share('--min-score').optional(),
  limit: count('--limit').default(100),
  confirm: z.boolean().optional(),
  readmit: z.boolean().optional(),
  reopen: z.boolean().optional(),
  note: z.string().optional(),
  json: z.boolean().optional(),
});

/** Parses command-line flags with a zod schema; the first problem is the error message. */
function parseFlags<Schema extends z.ZodType>(schema: Schema, flags: unknown): z.output<Schema> {
  const result = schema.safeParse(flags);
  if (result.success) return result.data;
  throw new AisleError('INVALID_ARGUMENT', result.error.issues[0]?.message ?? 'invalid options');
}

/**
 * `aisle quality report|review|show|scan|policy|evaluate`: the data-quality gate's report, the review
 * of its findings (confirm, re-admit), a full scan, the policy, and the attack-injection evaluation.
 */
export function registerQualityCommand(program: Command): void {
  const quality = program
    .command('quality')
    .description('data-quality gate: report, review findings, scan, policy, evaluate');

  quality
    .command('report')
    .description(
      'check results with their trend over batches, detector findings, the most suspicious users and items',
    )
    .option('--runs <n>', 'batches in each trend', '20')
    .option('--top <n>', 'users and items listed', '20')
    .option('--json', 'print as JSON (the same document as GET /quality/report)')
    .action(async (options: { runs: string; top: string; json?: boolean }, command: Command) => {
      const { runs, top } = parseFlags(z.object({ runs: count('--runs'), top: count('--top') }), options);
      const report = await withAisle(command.optsWithGlobals<GlobalOptions>(), (aisle) =>
        buildQualityReport(aisle.store, { runs, top }),
      );
      if (options.json) printJson(report);
      else process.stdout.write(`${formatQualityReport(report)}\n`);
    });

  quality
    .command('review')
    .description('list findings for review, or decide on some: --confirm, --readmit or --reopen')
    .argument('[ids...]', 'finding ids to decide on')
    .option('--status <status>', 'list: open, confirmed, readmitted, cleared or all', 'open')
    .option('--detector <name>', 'list: only bot, burst, lockstep or shilling')
    .option('--subject <kind>', 'list: only user or item findings')
    .option('--min-score <s>', 'list: only findings scoring at least this')
    .option('--limit <n>', 'list: at most this many', '100')
    .option('--confirm', 'keep the action (later scans cannot clear it)')
    .option('--readmit', 're-admit: the events count fully again')
    .option('--reopen', 'back to open')
    .option('--note <text>', 'why')
    .option('--json', 'print as JSON')
    .action(async (ids: string[], raw: Record<string, unknown>, command: Command) => {
      const options = parseFlags(reviewFlags, raw);
      const decisions = (['confirm', 'readmit', 'reopen'] as const).filter((decision) => options[decision]);
      if (decisions.length > 1)
        throw new AisleError('INVALID_ARGUMENT', 'Give one of --confirm, --readmit or --reopen');
      if (ids.length > 0 && decisions.length === 0) {
        throw new AisleError(
          'INVALID_ARGUMENT',
          'To decide on findings give --confirm, --readmit or --reopen; without ids the command lists',
        );
      }
      await withAisle(command.optsWithGlobals<GlobalOptions>(), async (aisle) => {
        if (ids.length === 0) {
          const filter: QualityFlagFilter = { limit: options.limit };
          if (options.detector) filter.detector = options.detector;
          if (options.subject) filter.subject = options.subject;
          if (options.minScore !== undefined) filter.minScore = options.minScore;
          const flags =
            options.status === 'all'
              ? await aisle.store.listQualityFlags(filter)
              : await listFindings(aisle.store, { ...filter, status: options.status });
          if (options.json) printJson(flags);
          else process.stdout.write(`${formatFindings(flags)}\n`);
          return;
        }
        const decided = [];
        for (const id of ids) {
          const numeric = parseFlags(count('id'), id);
          decided.push(await reviewFinding(aisle.store, numeric, decisions[0]!, options.note));
        }
        if (options.json) printJson(decided);
        else for (const flag of decided) process.stdout.write(`#${flag.id} ${flag.status}\n`);
      });
    });

  quality
    .command('show')
    .description('one finding with its evidence and events')
    .argument('<id>', 'finding id')
    .option('--json', 'print as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const detail = await withAisle(command.optsWithGlobals<GlobalOptions>(), (aisle) =>
        findingDetail(aisle.store, parseFlags(count('id'), id)),
      );
      if (options.json) {
        printJson(detail);
        return;
      }
      const { flag } = detail;
      process.stdout.write(
        [
          formatFindings([flag]),
          `  evidence: ${JSON.stringify(flag.evidence)}`,
          `  covers: ${flag.covers === 'all' ? 'every event of the user' : `${flag.listedEvents} listed events`}; weight ${flag.weight}`,
          ...detail.listedEvents.slice(0, 20).map((event) => `  event #${event.seq} score ${event.score}`),
          ...detail.recentEvents
            .slice(0, 20)
            .map(
              (event) =>
                `  ${new Date(event.timestamp).toISOString()} ${event.type} ${event.itemId ?? event.query ?? ''}${event.value === undefined ? '' : ` ${event.value}`}`,
            ),
        ].join('\n') + '\n',
      );
    });

  quality
    .command('scan')
    .description('run the detectors over every stored event (after a policy change, or to cover API traffic)')
    .option('--json', 'print the pass as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { pass, cleared, runId } = await withAisle(command.optsWithGlobals<GlobalOptions>(), (aisle) =>
        runQualityScan(aisle.store),
      );
      if (options.json) printJson({ runId, cleared, ...pass });
      else {
        process.stdout.write(`${pass.reason}\n`);
        for (const outcome of pass.outcomes ?? []) {
          process.stdout.write(
            `  ${outcome.detector.padEnd(9)} ${outcome.ran ? `${outcome.reported.users} users, ${outcome.reported.items} items reported; ${outcome.acted.users} users, ${outcome.acted.items} items acted on (${outcome.seconds} s)` : 'off'}\n`,
          );
        }
        process.stdout.write(`  ${cleared} earlier findings no longer raised: cleared\n`);
      }
    });

  const policy = quality
    .command('policy')
    .description('the quality policy: show it, or set it from a JSON file');
  policy
    .command('show')
    .description('the policy in force, with every default filled in')
    .action(async (_options: unknown, command: Command) => {
      printJson(
        await withAisle(command.optsWithGlobals<GlobalOptions>(), (aisle) => loadQualityPolicy(aisle.store)),
      );
    });
  policy
    .command('set')
    .description('validate and store a policy (JSON; fields left out keep their defaults)')
    .argument('<file>', 'JSON file')
    .action(async (file: string, _options: unknown, command: Command) => {
      let input: unknown;
      try {
        input = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new AisleError(
          'INVALID_ARGUMENT',
          `Cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      printJson(
        await withAisle(command.optsWithGlobals<GlobalOptions>(), (aisle) =>
          saveQualityPolicy(aisle.store, input),
        ),
      );
    });

  quality
    .command('evaluate')
    .description(
      'inject an attack into a real data set, run the gate, print precision, recall, F1, FPR and the target hit ratio',
    )
    .requiredOption('--data <path>', 'data set folder (or file)')
    .requiredOption('--format <format>', `one of ${evaluationFormats.join(', ')}`)
    .requiredOption('--attack <kind>', `one of ${attackKinds.join(', ')}`)
    .option('--size <share>', 'fake accounts as a share of real users', '0.03')
    .option('--filler <share>', 'shilling: filler items as a share of the catalogue', '0.05')
    .option('--intent <intent>', 'push or nuke', 'push')
    .option('--seed <n>', 'random seed', '1')
    .option('--targets <n>', 'target items (shilling 1, click farm 5)')
    .option('--accounts <n>', 'click farm: accounts (instead of --size)')
    .option('--camouflage <n>', 'click farm: camouflage events per account')
    .option('--model <name>', 'recommender for the target hit ratio (none: skip it)', 'ease')
    .option('--hit-users <n>', 'real users sampled for the target hit ratio (default all)')
    .option('--json', 'print the result as JSON')
    .option('--details', 'include the details behind the figures')
    .action(async (raw: Record<string, unknown>) => {
      const options = parseFlags(evaluateFlags, raw);
      const { json, details, ...evaluate } = options;
      const { targets, accounts, camouflage, model, hitUsers, ...required } = evaluate;
      const request: EvaluateOptions = { ...required };
      if (model !== 'none') request.recommend = modelRecommender(model);
      if (hitUsers !== undefined) request.hitRatioUsers = hitUsers;
      if (targets !== undefined) request.targets = targets;
      if (accounts !== undefined) request.accounts = accounts;
      if (camouflage !== undefined) request.camouflage = camouflage;
      const result = await evaluateAttack(request);
      const { details: more, ...contract } = result;
      if (json) printJson(details ? result : contract);
      else {
        const ratio = (value: number | null) => (value === null ? 'not measured' : value.toFixed(4));
        process.stdout.write(
          [
            `${result.attack} attack on ${more.dataset} (${more.intent}; ${more.detection.attackers} fake accounts, targets ${more.targets.join(', ') || '-'})`,
            `  precision ${result.precision.toFixed(3)}  recall ${result.recall.toFixed(3)}  F1 ${result.f1.toFixed(3)}  false-positive rate ${result.falsePositiveRate.toFixed(4)}`,
            `  target hit ratio in top 10: gate off ${ratio(result.targetHitRatioOff)}, gate on ${ratio(result.targetHitRatioOn)}`,
            ...(details ? [`  ${JSON.stringify(more)}`] : []),
          ].join('\n') + '\n',
        );
      }
    });
}
