import { describe, expect, it } from 'vitest';
import type { Event } from '../src/core/event.js';
import { defaultEventWeights } from '../src/core/event.js';
import { createRng } from '../src/core/rng.js';
import { decodeArtifact, encodeArtifact } from '../src/models/artifact.js';
import { interactionLogFromEvents } from '../src/models/data/interaction-log.js';
import { buildTrainingData, historyOf, itemFeaturesFrom } from '../src/models/data/training-data.js';
import type { Recommender, TrainingData } from '../src/models/model.js';
import { getModel } from '../src/models/registry.js';
import { topK } from '../src/matrix/top-k.js';

/**
 * A checkerboard shop: users 0–9 buy the "clothing" items 0–4, users 10–19 the "electronics" items
 * 5–9; each user misses exactly one item of their side. The right recommendation is obvious: the
 * missing item of the user's own side.
 */
export function checkerboard(): TrainingData {
  const events: Event[] = [];
  for (let u = 0; u < 20; u++) {
    const side = u < 10 ? 0 : 5;
    const missing = side + (u % 5);
    for (let i = side; i < side + 5; i++) {
      if (i !== missing)
        events.push({
          userId: `u${u}`,
          itemId: `i${i}`,
          type: 'purchase',
          sessionId: `s${u}`,
          timestamp: 1_000_000 + u * 100 + i,
        });
    }
  }
  const log = interactionLogFromEvents(events, {
    weights: defaultEventWeights,
    ratingMax: 5,
    itemIds: Array.from({ length: 10 }, (_, i) => `i${i}`),
  });
  const catalogue = new Map(
    log.itemIds.map((id, i) => [
      id,
      {
        id,
        title: i < 5 ? `cotton t-shirt red ${i} 纯棉T恤` : `usb charger cable ${i} 充电线`,
        categoryPath: [i < 5 ? '服装' : '数码'],
        attributes: {},
        tags: [],
        available: true,
        brand: i < 5 ? 'Uniqlo' : 'Anker',
        price: i < 5 ? 79 : 39,
      },
    ]),
  );
  return buildTrainingData(log, itemFeaturesFrom(log.itemIds, catalogue));
}

export interface RecommenderContractOptions {
  /** The model's scores decompose exactly into its explanation's contributions. */
  additive: boolean;
  /** The model recommends each user's missing checkerboard item first. */
  findsMissingItem: boolean;
  /** The model explains a list of items at once (explainMany), as the serving path prefers. */
  explainsMany?: boolean;
  /** The model normalises scores per user (amortized-exposure then scales each list by itself). */
  scoresNormalisedPerUser?: boolean;
}

/** The contract every recommender passes (as implicit's RecommenderBaseTestMixin). */
export function runRecommenderContract(
  name: string,
  config: Record<string, unknown>,
  options: RecommenderContractOptions,
): void {
  describe(`Recommender contract: ${name}`, () => {
    const data = checkerboard();
    const definition = getModel(name);
    const fit = async (seed: number): Promise<Recommender> =>
      definition.fit(data, definition.configSchema.parse(config), { rng: createRng(seed) });

    it('scores every item', async () => {
      const model = await fit(1);
      expect(model.itemCount).toBe(10);
      const scores = new Float32Array(10);
      model.score(historyOf(data.interactions, 0), scores);
      expect(scores.every(Number.isFinite)).toBe(true);
    });

    if (options.findsMissingItem) {
      it("recommends each user's missing item first", async () => {
        const model = await fit(1);
        const scores = new Float32Array(10);
        for (let u = 0; u < 20; u++) {
          const history = historyOf(data.interactions, data.users.indexOf(`u${u}`));
          model.score(history, scores);
          const excluded = new Uint8Array(10);
          for (const item of history.items) excluded[item] = 1;
          const side = u < 10 ? 0 : 5;
          expect(data.items[topK(scores, 1, excluded).indices[0]!]).toBe(`i${side + (u % 5)}`);
        }
      });
    }

    it('is deterministic for a seed', async () => {
      const [a, b] = [await fit(7), await fit(7)];
      const sa = new Float32Array(10);
      const sb = new Float32Array(10);
      a.score(historyOf(data.interactions, 3), sa);
      b.score(historyOf(data.interactions, 3), sb);
      expect([...sa]).toEqual([...sb]);
    });

    it(`${options.scoresNormalisedPerUser ? 'says' : 'does not say'} its scores are normalised per user, reloaded too`, async () => {
      const model = await fit(1);
      const reloaded = definition.load(decodeArtifact(encodeArtifact(model.toArtifact())));
      for (const recommender of [model, reloaded])
        expect(recommender.scoresNormalisedPerUser === true).toBe(options.scoresNormalisedPerUser ?? false);
    });

    it('survives serialisation unchanged', async () => {
      const model = await fit(1);
      const reloaded = definition.load(decodeArtifact(encodeArtifact(model.toArtifact())));
      const before = new Float32Array(10);
      const after = new Float32Array(10);
      for (let u = 0; u < 20; u++) {
        model.score(historyOf(data.interactions, u), before);
        reloaded.score(historyOf(data.interactions, u), after);
        for (let j = 0; j < 10; j++) expect(after[j]).toBeCloseTo(before[j]!, 5);
      }
    });

    it('scores batches as it scores users one by one', async () => {
      const model = await fit(1);
      if (!model.scoreBatch) return;
      const batch = new Float32Array(20 * 10);
      model.scoreBatch(data.interactions, batch);
      const single = new Float32Array(10);
      for (let u = 0; u < 20; u++) {
        model.score(historyOf(data.interactions, u), single);
        // Batched kernels compute in float32 (and iALS folds in by conjugate gradients).
        for (let j = 0; j < 10; j++) expect(batch[u * 10 + j]).toBeCloseTo(single[j]!, 3);
      }
    });

    it(
      options.additive
        ? 'explains every score exactly by its contributions'
        : 'explains scores with named contributions',
      async () => {
        const model = await fit(1);
        const scores = new Float32Array(10);
        const history = historyOf(data.interactions, 2);
        model.score(history, scores);
        for (let j = 0; j < 10; j++) {
          const contributions = model.explain(history, j);
          for (const contribution of contributions) expect(Number.isFinite(contribution.weight)).toBe(true);
          if (options.additive) {
            const sum = contributions.reduce((total, contribution) => total + contribution.weight, 0);
            expect(sum).toBeCloseTo(scores[j]!, 4);
          }
        }
        const top = topK(scores, 1).indices[0]!;
        expect(model.explain(history, top).length).toBeGreaterThan(0);
      },
    );

    it('gives each history its own scores and explanations when requests interleave', async () => {
      // Models keep per-request work between scoring and explaining (iALS's fold-in and its reused
      // buffers): another user's request in between must not leak into this one.
      const model = await fit(1);
      const first = historyOf(data.interactions, 2);
      const second = historyOf(data.interactions, 15);
      const items = Int32Array.of(0, 3, 5, 9);
      const scoresOf = (history: typeof first) => {
        const out = new Float32Array(10);
        model.score(history, out);
        return Array.from(out);
      };
      const explained = (history: typeof first) =>
        Array.from(items, (item) => model.explain(history, item).map((c) => [c.kind, c.item, c.weight]));
      const before = { scores: scoresOf(first), explained: explained(first) };
      const many = model.explainMany?.(first, items);
      scoresOf(second);
      explained(second);
      model.explainMany?.(second, items);
      expect(explained(first)).toEqual(before.explained);
      const again = model.explainMany?.(first, items);
      expect(again?.weights ? Array.from(again.weights) : undefined).toEqual(
        many?.weights ? Array.from(many.weights) : undefined,
      );
      expect(scoresOf(first)).toEqual(before.scores);
    });

    it(
      options.explainsMany
        ? 'explains many items at once as it explains each'
        : 'explains one item at a time',
      async () => {
        const model = await fit(1);
        const history = historyOf(data.interactions, 2);
        const items = Int32Array.of(0, 3, 5, 9);
        const dense = model.explainMany?.(history, items);
        expect(dense !== undefined).toBe(options.explainsMany ?? false);
        if (!dense) return;
        const length = history.items.length;
        items.forEach((item, e) => {
          const expected = new Map<number, number>();
          for (const contribution of model.explain(history, item))
            if (contribution.kind === dense.kind && contribution.item !== undefined)
              expected.set(contribution.item, (expected.get(contribution.item) ?? 0) + contribution.weight);
          for (let h = 0; h < length; h++)
            expect(dense.weights[e * length + h]).toBeCloseTo(expected.get(history.items[h]!) ?? 0, 4);
        });
      },
    );
  });
}
