import type { Rng } from '../../core/rng.js';
import {
  type Bilingual,
  type DemoCategory,
  type DemoProductType,
  audiences,
  capacities,
  colors,
  demoCategories,
  flavors,
  materials,
  modifiers,
  powers,
  sizes,
} from './vocabulary.js';

const DAY_MS = 86_400_000;

/** A generated item as a record input (what a shop would send), plus what the behaviour generator needs. */
export interface DemoItem {
  input: {
    id: string;
    title: string;
    description: string;
    categoryPath: string[];
    brand: string;
    price: number;
    currency: string;
    sellerId: string;
    attributes: Record<string, string | number | boolean>;
    tags: string[];
    language: string;
    createdAt: number;
    available: boolean;
  };
  categoryIndex: number;
  productKey: string;
  audience: 'female' | 'male' | undefined;
  /** Latent appeal: drives how often shoppers pick it (long-tailed, as in real shops). */
  appeal: number;
}

export interface DemoCatalogueOptions {
  items: number;
  sellers: number;
  /** Creation times are spread over the two years before this instant. */
  anchor: number;
}

/**
 * Generates a bilingual catalogue: titles in Chinese, English or both ("Apple 苹果 iPhone15 充电线 20W"),
 * a two-level category tree, brands, CNY prices, sellers with long-tailed sizes, attributes and tags.
 */
export function generateDemoCatalogue(rng: Rng, options: DemoCatalogueOptions): DemoItem[] {
  const sellersByCategory = demoCategories.map((_, index) =>
    Array.from(
      { length: Math.max(3, Math.round(options.sellers / demoCategories.length)) },
      (__, n) => `s${index + 1}${String(n + 1).padStart(2, '0')}`,
    ),
  );
  const items: DemoItem[] = [];
  for (let n = 0; n < options.items; n++) {
    const categoryIndex = rng.int(demoCategories.length);
    const category = demoCategories[categoryIndex]!;
    const product = rng.pick(category.products);
    const brand = rng.pick(category.brands);
    const sellers = sellersByCategory[categoryIndex]!;
    // Zipf-like seller choice: a few big sellers, a long tail of small ones.
    const sellerId = sellers[Math.min(sellers.length - 1, Math.floor(sellers.length * rng.next() ** 2.2))]!;
    items.push(makeItem(rng, n, categoryIndex, category, product, brand, sellerId, options.anchor));
  }
  return items;
}

function makeItem(
  rng: Rng,
  n: number,
  categoryIndex: number,
  category: DemoCategory,
  product: DemoProductType,
  brand: Bilingual,
  sellerId: string,
  anchor: number,
): DemoItem {
  const attributes: Record<string, string | number | boolean> = {
    categoryEn: `${category.en} > ${product.en}`,
  };
  const words: { zh: string[]; en: string[] } = { zh: [], en: [] };
  const audience =
    product.audience ??
    (product.facets.includes('size') && rng.next() < 0.6 ? rng.pick(['female', 'male'] as const) : undefined);
  if (audience) {
    words.zh.push(audiences[audience].zh);
    words.en.push(audiences[audience].en);
    attributes['audience'] = audience;
  }
  const facet = (name: string, values: readonly Bilingual[]): void => {
    const value = rng.pick(values);
    words.zh.push(value.zh);
    words.en.push(value.en);
    attributes[name] = value.en.toLowerCase();
  };
  if (product.facets.includes('color')) facet('color', colors);
  if (product.facets.includes('material')) facet('material', materials);
  if (product.facets.includes('flavor')) facet('flavor', flavors);
  if (product.extras && rng.next() < 0.7) {
    const extra = rng.pick(product.extras);
    words.zh.push(extra.zh);
    words.en.push(extra.en);
  }
  if (product.facets.includes('size')) attributes['size'] = rng.pick(sizes);
  const suffix: Bilingual[] = [];
  if (product.facets.includes('capacity')) {
    const capacity = rng.pick(capacities);
    suffix.push(capacity);
    attributes['capacity'] = capacity.en;
  }
  if (product.facets.includes('power')) {
    const power = rng.pick(powers);
    suffix.push(power);
    attributes['power'] = power.en;
  }
  const modifier = rng.pick(modifiers);
  const roll = rng.next();
  const language = roll < 0.6 ? 'zh' : roll < 0.9 ? 'en' : 'mixed';
  let title: string;
  let description: string;
  if (language === 'zh') {
    title = `${brand.zh} ${words.zh.join('')}${product.zh} ${[...suffix.map((s) => s.zh), modifier.zh].join(' ')}`;
    description = `${brand.zh}${product.zh}，${words.zh.join('，') || '经典款'}。${modifier.zh}，品质保证，七天无理由退换。`;
  } else if (language === 'en') {
    title =
      `${brand.en} ${[...words.en, product.en].join(' ')} ${suffix.map((s) => s.en).join(' ')}`.trim() +
      ` - ${modifier.en}`;
    description = `${brand.en} ${product.en.toLowerCase()}${words.en.length ? ` (${words.en.join(', ').toLowerCase()})` : ''}. ${modifier.en}, 7-day free returns.`;
  } else {
    title =
      `${brand.en} ${brand.zh} ${words.en.slice(-1).join(' ')} ${product.zh} ${suffix.map((s) => s.en).join(' ')}`
        .replace(/\s+/g, ' ')
        .trim();
    description = `${brand.zh} ${brand.en} ${product.zh} / ${product.en}.`;
  }
  const price = Math.max(5, Math.round(product.price * Math.exp(0.35 * rng.normal())) - 0.1);
  const ageDays = rng.next() < 0.08 ? rng.next() * 30 : 30 + rng.next() * 700;
  const tags = [modifier.zh, ...(rng.next() < 0.3 ? ['包邮'] : []), ...(ageDays < 30 ? ['新品'] : [])];
  return {
    input: {
      id: `p${String(n + 1).padStart(5, '0')}`,
      title: title.replace(/\s+/g, ' ').trim(),
      description,
      categoryPath: [category.zh, product.zh],
      brand: brand.en,
      price: Math.round(price * 100) / 100,
      currency: 'CNY',
      sellerId,
      attributes,
      tags: [...new Set(tags)],
      language: language === 'en' ? 'en' : 'zh',
      createdAt: Math.round(anchor - ageDays * DAY_MS),
      available: rng.next() > 0.05,
    },
    categoryIndex,
    productKey: product.en,
    audience,
    appeal: Math.exp(1.1 * rng.normal()),
  };
}
