/** Detection quality of a set of flagged accounts against the known attackers. */
export interface DetectionMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Flagged real users as a share of all real users. */
  falsePositiveRate: number;
  truePositives: number;
  falsePositives: number;
  attackers: number;
  realUsers: number;
}

/**
 * Precision, recall, F1 and the false-positive rate on real users. With nothing flagged, precision
 * is 1 when there was nothing to find and 0 otherwise (so a silent gate never looks perfect).
 */
export function detectionMetrics(
  flagged: ReadonlySet<string>,
  attackers: ReadonlySet<string>,
  realUsers: number,
): DetectionMetrics {
  let truePositives = 0;
  for (const user of flagged) if (attackers.has(user)) truePositives++;
  const falsePositives = flagged.size - truePositives;
  const precision = flagged.size > 0 ? truePositives / flagged.size : attackers.size === 0 ? 1 : 0;
  const recall = attackers.size > 0 ? truePositives / attackers.size : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return {
    precision,
    recall,
    f1,
    falsePositiveRate: realUsers > 0 ? falsePositives / realUsers : 0,
    truePositives,
    falsePositives,
    attackers: attackers.size,
    realUsers,
  };
}
