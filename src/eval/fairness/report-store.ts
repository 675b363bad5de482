import type { ReportRecord, Store } from '../../store/store.js';
import type { FairnessReport } from './audit.js';

/** The store's report kind of fairness audits. */
export const FAIRNESS_REPORT_KIND = 'fairness';

/** Stores an audit (the store's reports table, kind `fairness`); returns its id. */
export async function saveFairnessReport(store: Store, report: FairnessReport): Promise<number> {
  return store.saveReport(FAIRNESS_REPORT_KIND, report as unknown as Record<string, unknown>);
}

/** The latest stored audit, or undefined when none has been saved. */
export async function latestFairnessReport(store: Store): Promise<ReportRecord | undefined> {
  const [latest] = await store.listReports(FAIRNESS_REPORT_KIND, 1);
  return latest;
}
