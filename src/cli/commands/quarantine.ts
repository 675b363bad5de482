import type { Command } from 'commander';
import { AisleError } from '../../core/errors.js';
import { type QuarantineFix, readmitQuarantined } from '../../ingest/readmit.js';
import type { QuarantineFilter, QuarantineStatus, RecordKind } from '../../store/store.js';
import { type GlobalOptions, printJson, withAisle } from '../context.js';
import { formatQuarantineList, formatQuarantineRecord } from '../format.js';

interface ListOptions {
  status?: string;
  reason?: string;
  kind?: string;
  source?: string;
  limit?: string;
  after?: string;
  json?: boolean;
}

interface ReadmitOptions {
  all?: boolean;
  reason?: string;
  kind?: string;
  set?: string[];
  record?: string;
  acceptReplacement?: boolean;
  json?: boolean;
}

/** `aisle quarantine list|show|readmit|discard`: review rejected records, fix and re-admit them. */
export function registerQuarantineCommand(program: Command): void {
  const quarantine = program.command('quarantine').description('review, fix and re-admit rejected records');

  quarantine
    .command('list')
    .description('list quarantined records with their line and reason')
    .option('--status <status>', 'open, readmitted, discarded or all', 'open')
    .option('--reason <code>', 'only this reason (e.g. invalid_utf8, unknown_event_type)')
    .option('--kind <kind>', 'only item, user, protected, event or query records')
    .option('--source <source>', 'only records from this file (as imported) or api:<route>')
    .option('--limit <n>', 'at most this many', '1000')
    .option('--after <id>', 'only ids after this (paging)')
    .option('--json', 'print as JSON')
    .action(async (options: ListOptions, command: Command) => {
      const filter: QuarantineFilter = { limit: positiveInt(options.limit ?? '1000', '--limit') };
      if (options.status !== 'all') filter.status = status(options.status ?? 'open');
      if (options.reason) filter.reason = options.reason;
      if (options.kind) filter.kind = options.kind as RecordKind;
      if (options.source) filter.source = options.source;
      if (options.after) filter.afterId = positiveInt(options.after, '--after');
      const records = await withAisle(command.optsWithGlobals<GlobalOptions>(), (aisle) =>
        aisle.store.listQuarantine(filter),
      );
      if (options.json) printJson(records);
      else process.stdout.write(`${formatQuarantineList(records)}\n`);
    });

  quarantine
    .command('show')
    .description('show one quarantined record: raw text, fields as read, problems')
    .argument('<id>', 'quarantine id')
    .option('--json', 'print as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const record = await withAisle(command.optsWithGlobals<GlobalOptions>(), (aisle) =>
        aisle.store.getQuarantine(positiveInt(id, 'id')),
      );
      if (!record) throw new AisleError('NOT_FOUND', `No quarantined record with id ${id}`);
      if (options.json) printJson(record);
      else process.stdout.write(`${formatQuarantineRecord(record)}\n`);
    });

  quarantine
    .command('readmit')
    .description('re-validate quarantined records (with fixes) and store those that now pass')
    .argument('[ids...]', 'quarantine ids')
    .option('--all', 'every open record (narrow with --reason / --kind)')
    .option('--reason <code>', 'with --all: only this reason')
    .option('--kind <kind>', 'with --all: only this kind')
    .option('--set <field=value>', 'change a field before validating (repeatable)', collect, [])
    .option('--record <json>', 'replace the whole record (one id only)')
    .option('--accept-replacement', 'accept text that still shows invalid bytes as �')
    .option('--json', 'print outcomes as JSON')
    .action(async (ids: string[], options: ReadmitOptions, command: Command) => {
      const outcomes = await withAisle(command.optsWithGlobals<GlobalOptions>(), async (aisle) => {
        let targets = ids.map((id) => positiveInt(id, 'id'));
        if (options.all) {
          const filter: QuarantineFilter = { status: 'open', limit: 1_000_000 };
          if (options.reason) filter.reason = options.reason;
          if (options.kind) filter.kind = options.kind as RecordKind;
          targets = (await aisle.store.listQuarantine(filter)).map((record) => record.id);
        }
        if (targets.length === 0) throw new AisleError('INVALID_ARGUMENT', 'Give quarantine ids, or --all');
        if (options.record !== undefined && targets.length !== 1) {
          throw new AisleError('INVALID_ARGUMENT', '--record replaces one record: give exactly one id');
        }
        const fix = buildFix(options);
        return readmitQuarantined(aisle.importContext(), targets, new Map(targets.map((id) => [id, fix])));
      });
      if (options.json) printJson(outcomes);
      else {
        for (const outcome of outcomes) {
          process.stdout.write(
            outcome.readmitted
              ? `#${outcome.id} readmitted${outcome.duplicate ? ' (already stored as is: nothing changed)' : ''}\n`
              : `#${outcome.id} still invalid: ${outcome.problems.map((problem) => `[${problem.reason}] ${problem.message}`).join('; ')}\n`,
          );
        }
      }
      if (outcomes.some((outcome) => !outcome.readmitted)) process.exitCode = 1;
    });

  quarantine
    .command('discard')
    .description('mark quarantined records as discarded (kept for the record, no longer open)')
    .argument('<ids...>', 'quarantine ids')
    .option('--note <text>', 'why')
    .action(async (ids: string[], options: { note?: string }, command: Command) => {
      await withAisle(command.optsWithGlobals<GlobalOptions>(), async (aisle) => {
        for (const id of ids) {
          const numeric = positiveInt(id, 'id');
          const record = await aisle.store.getQuarantine(numeric);
          if (!record) throw new AisleError('NOT_FOUND', `No quarantined record with id ${id}`);
          if (record.status !== 'open')
            throw new AisleError('CONFLICT', `Quarantined record ${id} is already ${record.status}`);
          await aisle.store.updateQuarantine(numeric, {
            status: 'discarded',
            note: options.note ?? 'discarded by operator',
          });
          process.stdout.write(`#${numeric} discarded\n`);
        }
      });
    });
}

function buildFix(options: ReadmitOptions): QuarantineFix {
  const fix: QuarantineFix = {};
  if (options.set && options.set.length > 0) {
    fix.set = Object.fromEntries(
      options.set.map((assignment) => {
        const at = assignment.indexOf('=');
        if (at <= 0) throw new AisleError('INVALID_ARGUMENT', `--set takes field=value, got "${assignment}"`);
        return [assignment.slice(0, at).trim(), parseValue(assignment.slice(at + 1))];
      }),
    );
  }
  if (options.record !== undefined) {
    const record = parseValue(options.record);
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new AisleError('INVALID_ARGUMENT', '--record must be a JSON object');
    }
    fix.record = record as Record<string, unknown>;
  }
  if (options.acceptReplacement) fix.acceptReplacementChars = true;
  return fix;
}

/** A JSON array or object is parsed; anything else stays text (validated like a CSV cell). */
function parseValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      throw new AisleError('INVALID_ARGUMENT', `Not valid JSON: ${trimmed}`);
    }
  }
  return text;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function status(text: string): QuarantineStatus {
  if (text === 'open' || text === 'readmitted' || text === 'discarded') return text;
  throw new AisleError(
    'INVALID_ARGUMENT',
    `--status must be open, readmitted, discarded or all, got "${text}"`,
  );
}

function positiveInt(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new AisleError('INVALID_ARGUMENT', `${name} must be a whole number, got "${text}"`);
  return value;
}
