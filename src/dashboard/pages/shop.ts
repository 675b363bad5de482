/** The storefront: pick a shopper, the home feed, search with facets and suggestions, the cart. */
import { getJson, query } from '../api.js';
import { formatCount, h, replace } from '../dom.js';
import { type TextKey, lang, t } from '../i18n.js';
import { type Route, navigate } from '../router.js';
import { setShopper, shopper } from '../state.js';
import type { ActivityStats, RecommendationResult, SearchResponse } from '../types.js';
import { load, notice, productGrid } from '../widgets.js';
import { cartPanel } from './cart.js';
import { searchBox } from './search-box.js';

/** The facets asked for, the filter each one sets, and its label. */
const FACETS: { name: 'category' | 'brand' | 'price'; label: TextKey }[] = [
  { name: 'category', label: 'facetCategory' },
  { name: 'brand', label: 'facetBrand' },
  { name: 'price', label: 'facetPrice' },
];

/** The shopper picker: any user id (the most active ones offered), or anonymous. */
export function shopperPicker(onChange: () => void): HTMLElement {
  const input = h('input', {
    id: 'shopper',
    list: 'shopper-list',
    value: shopper() ?? '',
    placeholder: t('anonymous'),
    'aria-describedby': 'shopper-hint',
    autocomplete: 'off',
  });
  const options = h('datalist', { id: 'shopper-list' });
  void getJson<ActivityStats>('/stats/activity?topUsers=30')
    .then((stats) =>
      replace(
        options,
        stats.topUsers.map((user) =>
          h('option', { value: user.userId }, `${user.userId} (${formatCount(user.events)})`),
        ),
      ),
    )
    .catch(() => undefined);
  const apply = (userId: string | null) => {
    setShopper(userId);
    onChange();
  };
  return h(
    'form',
    {
      class: 'shopper',
      onsubmit: (event: Event) => {
        event.preventDefault();
        apply(input.value.trim() || null);
      },
    },
    h('label', { for: 'shopper' }, t('shopper')),
    input,
    options,
    h('button', { type: 'submit' }, '✓'),
    h(
      'button',
      { type: 'button', onclick: () => apply(null), 'aria-pressed': shopper() ? 'false' : 'true' },
      t('anonymous'),
    ),
    h('small', { id: 'shopper-hint', class: 'visually-hidden' }, t('shopperHint')),
  );
}

function filtersOf(params: URLSearchParams): Record<string, unknown> {
  const filters: Record<string, unknown> = {};
  const category = params.get('category');
  if (category) filters['category'] = category;
  const brands = params.getAll('brand');
  if (brands.length > 0) filters['brand'] = brands;
  const price = params.get('price');
  if (price) {
    const [min, max] = price.replace('+', '').split('-').map(Number);
    filters['price'] = { min: min ?? 0, ...(max !== undefined && !Number.isNaN(max) ? { max } : {}) };
  }
  return filters;
}

function facetsPanel(route: Route, response: SearchResponse): HTMLElement {
  const params = route.params;
  const change = (name: string, value: string, multiple: boolean, checked: boolean) => {
    const next = new URLSearchParams(params);
    if (multiple) {
      const values = next.getAll(name).filter((existing) => existing !== value);
      next.delete(name);
      for (const kept of checked ? [...values, value] : values) next.append(name, kept);
    } else if (checked) next.set(name, value);
    else next.delete(name);
    location.hash = `#/shop?${next.toString()}`;
  };
  return h(
    'aside',
    { class: 'facets', 'aria-label': t('facets') },
    h('h2', {}, t('facets')),
    FACETS.map(({ name, label }) => {
      const counts = Object.entries(response.facets[name] ?? {})
        .filter(([, count]) => count > 0)
        .slice(0, 12);
      if (counts.length === 0) return null;
      const multiple = name === 'brand';
      const selected = params.getAll(name);
      return h(
        'fieldset',
        { 'data-facet': name },
        h('legend', {}, t(label)),
        counts.map(([value, count]) =>
          h(
            'label',
            { class: 'facet' },
            h('input', {
              type: multiple ? 'checkbox' : 'radio',
              name: `facet-${name}`,
              value,
              checked: selected.includes(value),
              onchange: (event: Event) =>
                change(name, value, multiple, (event.target as HTMLInputElement).checked),
            }),
            ` ${value} `,
            h('span', { class: 'count' }, `(${formatCount(count)})`),
          ),
        ),
      );
    }),
    params.has('category') || params.has('brand') || params.has('price')
      ? h('a', { href: `#/shop?q=${encodeURIComponent(params.get('q') ?? '')}` }, t('clearFilters'))
      : null,
  );
}

async function searchResults(route: Route, q: string): Promise<Node[]> {
  const user = shopper();
  const response = await getJson<SearchResponse>(
    `/search${query({
      q,
      facets: FACETS.map((facet) => facet.name).join(','),
      filters: JSON.stringify(filtersOf(route.params)),
      pageSize: 24,
      lang: lang(),
      userId: user ?? undefined,
    })}`,
  );
  const cards = response.hits.map((hit) => ({
    itemId: hit.itemId,
    title: hit.title,
    brand: hit.brand,
    category: hit.category,
    price: hit.price,
    reasons: hit.reasons,
    text: hit.reasons
      .slice(0, 2)
      .map((reason) => reason.text ?? '')
      .filter(Boolean)
      .join('；'),
  }));
  return [
    facetsPanel(route, response),
    h(
      'div',
      { class: 'results' },
      h('h2', {}, t('results')),
      h(
        'p',
        { class: 'muted', role: 'status', 'data-testid': 'result-count' },
        t('resultsCount', { n: formatCount(response.total), ms: response.tookMs }),
      ),
      cards.length === 0 ? notice(t('noResults')) : await productGrid(t('results'), cards, 'search-results'),
    ),
  ];
}

async function homeFeed(): Promise<Node[]> {
  const user = shopper();
  const result = user
    ? await getJson<RecommendationResult>(
        `/recommend/${encodeURIComponent(user)}${query({ k: 12, lang: lang() })}`,
      )
    : await getJson<RecommendationResult>(`/popular${query({ k: 12, lang: lang() })}`);
  const title = user && !result.coldStart ? t('forYou') : t('popular');
  return [
    h(
      'div',
      { class: 'results wide' },
      h('h2', {}, title),
      result.coldStart ? notice(t('coldStart')) : null,
      h(
        'p',
        { class: 'muted' },
        `${t('model')}: ${result.model.name} v${result.model.version} · ${result.scenario}`,
      ),
      await productGrid(title, result.items, 'home-feed'),
    ),
  ];
}

/** Draws the storefront for `#/shop?q=…&category=…&brand=…&price=…`. */
export async function renderShop(main: HTMLElement, route: Route): Promise<void> {
  const q = route.params.get('q') ?? '';
  const cart = cartPanel();
  const content = h('section', { class: 'shop-content panel', 'aria-label': t('navShop') });
  replace(
    main,
    h('h1', { class: 'visually-hidden' }, t('navShop')),
    h(
      'div',
      { class: 'shop-bar' },
      shopperPicker(() => void renderShop(main, route)),
      searchBox(q, (next) => navigate('shop', [], { q: next })),
    ),
    h('div', { class: 'shop-layout' }, content, cart.element),
  );
  await Promise.all([load(content, () => (q ? searchResults(route, q) : homeFeed())), cart.refresh()]);
}
