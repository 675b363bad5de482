import { type AuditRerank, type FairnessReport, type PreparedAudit, auditPrepared } from './audit.js';

/**
 * One point of a fairness-vs-accuracy curve, flat so a chart can draw every field against the
 * strength: `strength`, `ndcg@k`, `gap:<user attribute>` (max − min NDCG@k of its groups) and
 * `gini:<item grouping>` (exposure Gini).
 */
export type CurvePoint = Record<string, number>;

/**
 * The audit of one re-ranker at each of `strengths` (ascending, 0 = the model's order) on the same
 * fitted model and candidates: how accuracy, the user-group gaps and the exposure Gini move as the
 * strength grows (what docs/fairness.md's curves show, for an operator to pick a strength).
 */
export function fairnessCurve(
  prepared: PreparedAudit,
  reranker: Omit<AuditRerank, 'strength'>,
  strengths: readonly number[],
): CurvePoint[] {
  return [...strengths]
    .sort((a, b) => a - b)
    .map((strength) => curvePoint(auditPrepared(prepared, { ...reranker, strength }), strength));
}

function curvePoint(report: FairnessReport, strength: number): CurvePoint {
  const headline = `ndcg@${report.k}` as const;
  const point: CurvePoint = { strength, [headline]: report[headline] ?? 0 };
  for (const [attribute, groups] of Object.entries(report.userGroups))
    if (typeof groups['gap'] === 'number') point[`gap:${attribute}`] = groups['gap'];
  for (const [grouping, audit] of Object.entries(report.exposure)) point[`gini:${grouping}`] = audit.gini;
  return point;
}
