import type { DatasetImportSummary } from '../ingest/adapters/dataset-import.js';
import type { ImportSummary } from '../ingest/import-records.js';
import type { QuarantineRecord } from '../store/store.js';

const number = (value: number): string => value.toLocaleString('en-US');

/** A human summary of one import: counts, quarantine by reason, the first problems, throughput. */
export function formatImportSummary(summary: ImportSummary): string {
  const lines = [
    `${summary.kind}s from ${summary.source}`,
    `  read ${number(summary.read)} · accepted ${number(summary.accepted)} (${number(summary.inserted)} new, ${number(summary.updated)} changed) · duplicates ${number(summary.duplicates)} · quarantined ${number(summary.quarantined)}`,
  ];
  const reasons = Object.entries(summary.quarantinedByReason);
  if (reasons.length > 0) {
    lines.push(
      `  quarantined by reason: ${reasons.map(([reason, count]) => `${reason} ${number(count)}`).join(', ')}`,
    );
    for (const entry of summary.problems.slice(0, 5)) {
      lines.push(
        `    line ${entry.line ?? '?'}: ${entry.problems.map((problem) => problem.message).join('; ')}`,
      );
    }
    if (summary.quarantined > 5) lines.push('    … see `aisle quarantine list`');
  }
  if (summary.usersCreated > 0) lines.push(`  users created from events: ${number(summary.usersCreated)}`);
  for (const [kind, totals] of Object.entries(summary.derived)) {
    lines.push(
      `  ${kind} records written along: ${number(totals.inserted)} new, ${number(totals.updated)} changed, ${number(totals.duplicates)} unchanged`,
    );
  }
  const ignored = Object.entries(summary.ignoredFields);
  if (ignored.length > 0) {
    lines.push(
      `  not stored (no such event field): ${ignored.map(([name, count]) => `${name} (${number(count)} records)`).join(', ')}`,
    );
  }
  if (summary.blankLines > 0) lines.push(`  blank lines skipped: ${number(summary.blankLines)}`);
  if (summary.error) lines.push(`  stopped early: ${summary.error}`);
  lines.push(`  ${summary.seconds.toFixed(2)} s, ${number(summary.recordsPerSecond)} records/s`);
  return lines.join('\n');
}

export function formatDatasetSummary(summary: DatasetImportSummary): string {
  return [
    `Imported ${summary.dataset}`,
    ...summary.steps.map(formatImportSummary),
    ...summary.notes.map((note) => `note: ${note}`),
  ].join('\n');
}

/** One line per quarantined record: id, where, why. */
export function formatQuarantineList(records: readonly QuarantineRecord[]): string {
  if (records.length === 0) return 'No quarantined records.';
  return records
    .map((record) => {
      const where = `${record.source}${record.line !== null ? `:${record.line}` : ''}`;
      const why = record.problems.map((problem) => `[${problem.reason}] ${problem.message}`).join('; ');
      return `#${record.id} ${record.status} ${record.kind} ${where} — ${why}`;
    })
    .join('\n');
}

export function formatQuarantineRecord(record: QuarantineRecord): string {
  return [
    `#${record.id} (${record.status}) ${record.kind} from ${record.source}${record.line !== null ? `, line ${record.line}` : ''}`,
    ...record.problems.map(
      (problem) => `  ${problem.field ?? '(record)'}: [${problem.reason}] ${problem.message}`,
    ),
    `  raw: ${record.raw}`,
    `  fields: ${record.record === null ? '(unreadable)' : JSON.stringify(record.record)}`,
    ...(record.note ? [`  note: ${record.note}`] : []),
  ].join('\n');
}
