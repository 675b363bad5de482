import { createRng } from '../../src/core/rng.js';
import type { EncoderTrainingInput } from '../../src/text/encoder/training-corpus.js';

/**
 * Four product families in both languages; a title mixes words of one family only, so words of a
 * family co-occur and words of different families never do. An encoder that learns anything puts
 * each word nearest to its own family.
 */
export const encoderFamilies: Readonly<Record<string, readonly string[]>> = {
  shoes: ['耐克', '跑步鞋', '运动鞋', '气垫', 'running', 'sneakers', 'trainers'],
  phone: ['iphone', '充电线', '充电器', '快充', 'cable', 'charger', 'usb'],
  clothes: ['纯棉', 't恤', '短袖', '圆领', 'cotton', 'tshirt', 'sleeve'],
  kitchen: ['电饭煲', '水壶', '不锈钢', '厨房', 'kettle', 'stainless', 'cooker'],
};

/** Seeded titles of 3–5 words of one family each. */
export function encoderTrainingInput(titles = 400, seed = 7): EncoderTrainingInput {
  const rng = createRng(seed);
  const families = Object.values(encoderFamilies);
  const itemTexts: string[] = [];
  for (let i = 0; i < titles; i++) {
    const family = families[i % families.length]!;
    const size = 3 + rng.int(3);
    const words: string[] = [];
    for (let w = 0; w < size; w++) words.push(rng.pick(family));
    itemTexts.push(words.join(' '));
  }
  return { itemTexts, extraTexts: [], coInteractions: [], queryClicks: [] };
}
