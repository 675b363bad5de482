import cliProgress from 'cli-progress';
import type { ImportContext } from '../ingest/import-records.js';

/**
 * A progress bar on stderr for long imports (records, records/s, ETA from bytes read), shown only on
 * a terminal so logs and pipes stay clean.
 */
export function createImportProgress(enabled: boolean): {
  onProgress: NonNullable<ImportContext['onProgress']> | undefined;
  stop: () => void;
} {
  if (!enabled || !process.stderr.isTTY) return { onProgress: undefined, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: ' {bar} {percentage}% | {records} records | {rate} records/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let active = false;
  return {
    onProgress: ({ records, bytesDone, bytesTotal }) => {
      const rate = Math.round(records / Math.max((performance.now() - started) / 1000, 1e-3));
      const payload = { records: records.toLocaleString('en-US'), rate: rate.toLocaleString('en-US') };
      if (!active) {
        bar.start(Math.max(bytesTotal, 1), bytesDone, payload);
        active = true;
      } else bar.update(bytesDone, payload);
    },
    stop: () => {
      if (active) bar.stop();
      active = false;
    },
  };
}
