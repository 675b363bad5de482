import { groupExposure } from './candidate-list.js';

/** Lists a monitor's recent shares mostly reflect: the weight of a list halves after ~0.7 × this many. */
export const RECENT_LISTS = 1000;

/**
 * Each item group's share of the position-discounted exposure of the lists recently served, and of
 * the lists the model alone would have served (its own top k of the same candidates): the live
 * counterpart of the audit's exposure table, so an operator sees on real traffic what a policy
 * changes. Exponentially weighted over about {@link RECENT_LISTS} lists, bias-corrected so the first
 * lists count fully.
 */
export class ExposureMonitor {
  private readonly served: Float64Array;
  private readonly model: Float64Array;
  private readonly scratch: Float64Array;
  /** Σ of the weights given so far: 1 − (1 − rate)^lists. */
  private weight = 0;
  private readonly rate = 1 / RECENT_LISTS;

  constructor(groups: number) {
    this.served = new Float64Array(groups);
    this.model = new Float64Array(groups);
    this.scratch = new Float64Array(groups);
  }

  /**
   * Records one request: the item group at each position of the list served and of the model's
   * own top k, best first (−1 unknown).
   */
  record(servedGroups: ArrayLike<number>, modelGroups: ArrayLike<number>): void {
    this.weight = this.weight * (1 - this.rate) + this.rate;
    this.blend(this.served, servedGroups);
    this.blend(this.model, modelGroups);
  }

  /** Recent exposure shares per group, served and the model's own (each sums to 1 with lists). */
  shares(): { served: Float64Array; model: Float64Array } {
    const scale = this.weight > 0 ? 1 / this.weight : 0;
    return {
      served: Float64Array.from(this.served, (share) => share * scale),
      model: Float64Array.from(this.model, (share) => share * scale),
    };
  }

  private blend(into: Float64Array, groups: ArrayLike<number>): void {
    const total = groupExposure(groups, this.scratch);
    for (let group = 0; group < into.length; group++)
      into[group] =
        into[group]! * (1 - this.rate) + (total > 0 ? (this.rate * this.scratch[group]!) / total : 0);
  }
}
