import { describe, expect, it } from 'vitest';
import { positionWeight } from './candidate-list.js';
import { ExposureMonitor, RECENT_LISTS } from './exposure-monitor.js';

describe('the live exposure monitor', () => {
  it('after one list holds that list’s position-discounted shares, served and the model’s', () => {
    const monitor = new ExposureMonitor(3);
    monitor.record(Int32Array.of(0, 1, 1), Int32Array.of(2, 2, -1));
    const { served, model } = monitor.shares();
    const [w0, w1, w2] = [positionWeight(0), positionWeight(1), positionWeight(2)];
    expect(served[0]).toBeCloseTo(w0 / (w0 + w1 + w2), 12);
    expect(served[1]).toBeCloseTo((w1 + w2) / (w0 + w1 + w2), 12);
    expect(served[2]).toBe(0);
    // An unknown group's slot counts in the total, as in the controller.
    expect(model[2]).toBeCloseTo((w0 + w1) / (w0 + w1 + w2), 12);
  });

  it('weighs recent lists most: after RECENT_LISTS lists of another group, that group holds 1 − 1/e', () => {
    const monitor = new ExposureMonitor(2);
    for (let list = 0; list < 5 * RECENT_LISTS; list++) monitor.record([0], [0]);
    for (let list = 0; list < RECENT_LISTS; list++) monitor.record([1], [0]);
    const { served, model } = monitor.shares();
    const recent = 1 - (1 - 1 / RECENT_LISTS) ** RECENT_LISTS;
    const total = 1 - (1 - 1 / RECENT_LISTS) ** (6 * RECENT_LISTS);
    expect(served[1]).toBeCloseTo(recent / total, 9);
    expect(served[0]! + served[1]!).toBeCloseTo(1, 12);
    expect(Array.from(model)).toEqual([1, 0].map((share) => expect.closeTo(share, 12)));
  });

  it('reads zero shares before any list', () => {
    expect(Array.from(new ExposureMonitor(2).shares().served)).toEqual([0, 0]);
  });
});
