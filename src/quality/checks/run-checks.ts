import type { CheckInput, CheckResult } from './check.js';
import { checkCompleteness } from './completeness.js';
import { checkDrift } from './drift.js';
import { checkFreshness } from './freshness.js';
import { checkUniqueness } from './uniqueness.js';
import { checkValidity } from './validity.js';

/** Runs every batch check, in report order. */
export function runChecks(input: CheckInput): CheckResult[] {
  return [
    checkCompleteness(input),
    checkUniqueness(input),
    checkValidity(input),
    checkFreshness(input),
    checkDrift(input),
  ];
}
