import { describe, expect, it } from 'vitest';
import type { TrainedModel } from '../models/trained-model.js';
import { labelGrouping } from '../rank/fairness/item-groups.js';
import { ExposureControllers, exposureStateSchema } from './exposure-controllers.js';
import type { ServedModel } from './model-holder.js';

/** Only what the controllers read of a served model: its identity and version. */
const servedVersion = (version: number): ServedModel => ({
  trained: {} as TrainedModel,
  version,
  itemIndex: new Map(),
  loadedAt: 0,
});

// Four items in two categories; every list shows only "a", so "b" is starved and gains an offset.
const categories = labelGrouping('category', ['a', 'a', 'b', 'b']);
const reordered = labelGrouping('category', ['b', 'b', 'a', 'a']);

function trafficOn(controllers: ExposureControllers, served: ServedModel, lists: number): void {
  const controller = controllers.controllerFor(served, categories, 0.8);
  for (let list = 0; list < lists; list++)
    controllers.observe(
      controller,
      Int32Array.of(0, 0),
      Int32Array.of(0, 0),
      Float64Array.of(1 + list / lists, 0.5, 0.2, 0.1),
    );
}

/** Through JSON, as the store keeps it. */
const stored = (controllers: ExposureControllers): unknown =>
  JSON.parse(JSON.stringify(controllers.snapshot(1_000)));

describe('the amortized-exposure controllers of a serving process', () => {
  it('a restored policy’s next controller has the saved offsets, and for the same model its scale', () => {
    const before = new ExposureControllers();
    const served = servedVersion(3);
    trafficOn(before, served, 40);
    const live = before.controllerFor(served, categories, 0.8);
    expect(live.offsets[1]).toBeGreaterThan(0);

    const after = new ExposureControllers();
    expect(after.restore(stored(before))).toBe(1);
    const sameModel = after.controllerFor(servedVersion(3), categories, 0.8);
    expect(Array.from(sameModel.offsets)).toEqual(Array.from(live.offsets));
    expect(sameModel.relevanceScale).toBeCloseTo(live.relevanceScale, 12);
    expect(sameModel.listsObserved).toBe(0);
    expect(after.snapshot().controllers[0]!.listsObserved).toBe(40);
  });

  it('another model version takes the offsets by group label and learns its own scale', () => {
    const before = new ExposureControllers();
    trafficOn(before, servedVersion(3), 40);
    const saved = before.controllerFor(servedVersion(3), categories, 0.8);
    const after = new ExposureControllers();
    after.restore(stored(before));
    const next = after.controllerFor(servedVersion(4), reordered, 0.8);
    expect(Array.from(next.offsets)).toEqual([saved.offsets[1], saved.offsets[0]]);
    expect(next.relevanceScale).toBe(0);
  });

  it('counts the lists a policy learned from over every version and restart', () => {
    const first = new ExposureControllers();
    trafficOn(first, servedVersion(1), 10);
    trafficOn(first, servedVersion(2), 5);
    expect(first.snapshot().controllers[0]).toMatchObject({ modelVersion: 2, listsObserved: 15 });
    const second = new ExposureControllers();
    second.restore(stored(first));
    trafficOn(second, servedVersion(2), 7);
    expect(second.snapshot().controllers[0]!.listsObserved).toBe(22);
    expect(second.listsObserved).toBe(7);
  });

  it('a policy this process already serves keeps its own controller', () => {
    const saved = new ExposureControllers();
    trafficOn(saved, servedVersion(1), 40);
    const running = new ExposureControllers();
    const own = running.controllerFor(servedVersion(1), categories, 0.8);
    expect(running.restore(stored(saved))).toBe(0);
    expect(Array.from(own.offsets)).toEqual([0, 0]);
    expect(running.controllerFor(servedVersion(2), categories, 0.8).offsets[1]).toBe(0);
  });

  it('refuses a body that is not a saved state, and takes up nothing from it', () => {
    const good = new ExposureControllers();
    trafficOn(good, servedVersion(1), 10);
    const state = exposureStateSchema.parse(stored(good));
    const entry = state.controllers[0]!;
    const broken = [
      { ...state, format: 2 },
      { ...state, controllers: [{ ...entry, offsets: [-1, 0] }] },
      { ...state, controllers: [{ ...entry, offsets: [null, 0] }] },
      { ...state, controllers: [{ ...entry, labels: ['a'] }] },
      { ...state, controllers: [entry, { ...entry, policy: '' }] },
      'not an object',
    ];
    for (const body of broken) {
      const controllers = new ExposureControllers();
      expect(() => controllers.restore(body)).toThrow();
      expect(controllers.snapshot().controllers).toEqual([]);
    }
  });

  it('reports the policies serving in this process with their floors and recent exposure, not restored ones', () => {
    const controllers = new ExposureControllers();
    const served = servedVersion(5);
    const controller = controllers.controllerFor(served, categories, 0.8);
    expect(controllers.live()[0]).toMatchObject({ lists: 0, gini: { model: 0, served: 0 } });
    // The model would show only "a"; the list served shows one "b" in second place.
    for (let list = 0; list < 10; list++)
      controllers.observe(controller, Int32Array.of(0, 1), Int32Array.of(0, 0), Float64Array.of(1, 0.5, 0.2));
    const restored = new ExposureControllers();
    restored.restore(stored(controllers));
    expect(restored.live()).toEqual([]);

    const [live] = controllers.live();
    const second = 1 / Math.log2(3);
    expect(live).toMatchObject({
      policy: 'category|0.8',
      itemGrouping: 'category',
      strength: 0.8,
      modelVersion: 5,
      lists: 10,
      listsTotal: 10,
      relevanceScale: expect.closeTo(0.8, 12),
    });
    expect(live!.groups.map((group) => group.group)).toEqual(['a', 'b']);
    expect(live!.groups[1]).toMatchObject({ itemShare: 0.5, floor: 0.4, modelShare: 0 });
    expect(live!.groups[1]!.servedShare).toBeCloseTo(second / (1 + second), 12);
    expect(live!.groups[1]!.offset).toBe(controller.offsets[1]);
    // Two equal-sized groups: all exposure on one is Gini 0.5; the served lists are more even.
    expect(live!.gini.model).toBeCloseTo(0.5, 12);
    expect(live!.gini.served).toBeCloseTo((0.5 * (1 - second)) / (1 + second), 12);
  });
});
