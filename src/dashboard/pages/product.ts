/** A product page: the item, add to cart, similar items and items bought together. */
import { getJson, postJson, query } from '../api.js';
import { formatPrice, h, replace } from '../dom.js';
import { lang, t } from '../i18n.js';
import { type Route, link } from '../router.js';
import { addToCart, shopper } from '../state.js';
import type { Item, RecommendationResult } from '../types.js';
import { errorNotice, load, notice, productGrid, section } from '../widgets.js';
import { cartPanel } from './cart.js';

/** Records what the picked shopper did, so their own feed changes too (anonymous: nothing sent). */
async function recordEvent(itemId: string, type: 'view' | 'cart'): Promise<void> {
  const userId = shopper();
  if (!userId) return;
  try {
    await postJson('/events', { userId, itemId, type, timestamp: new Date().toISOString() });
  } catch {
    // A key without the ingest scope: the storefront still works, the event is not recorded.
  }
}

async function related(itemId: string, kind: 'similar' | 'bought-together'): Promise<Node> {
  const result = await getJson<RecommendationResult>(
    `/items/${encodeURIComponent(itemId)}/${kind}${query({ k: 8, lang: lang() })}`,
  );
  const label = kind === 'similar' ? t('similar') : t('boughtTogether');
  return result.items.length === 0 ? notice(t('none')) : productGrid(label, result.items, kind);
}

function details(item: Item): HTMLElement {
  const rows: [string, string][] = [
    [t('brand'), item.brand ?? '—'],
    [t('category'), item.categoryPath.join(' › ') || '—'],
    [t('seller'), item.sellerId ?? '—'],
    ...Object.entries(item.attributes).map(([name, value]): [string, string] => [name, String(value)]),
  ];
  return h(
    'dl',
    { class: 'details' },
    rows.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]),
  );
}

/** Draws `#/item/<id>`. */
export async function renderProduct(main: HTMLElement, route: Route): Promise<void> {
  const itemId = route.rest[0] ?? '';
  let item: Item;
  try {
    item = await getJson<Item>(`/items/${encodeURIComponent(itemId)}`);
  } catch (error) {
    replace(main, h('a', { href: '#/shop' }, `← ${t('back')}`), errorNotice(error));
    return;
  }
  const cart = cartPanel();
  const status = h('p', { class: 'added', role: 'status', 'data-testid': 'cart-status' });
  const addButton = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      'data-testid': 'add-to-cart',
      onclick: async () => {
        addToCart({ itemId: item.id, title: item.title });
        status.textContent = `✓ ${t('added')}`;
        await Promise.all([cart.refresh(), recordEvent(item.id, 'cart')]);
      },
    },
    t('addToCart'),
  );
  const similar = h('div');
  const together = h('div');
  replace(
    main,
    h('a', { class: 'back', href: '#/shop' }, `← ${t('navShop')}`),
    h(
      'div',
      { class: 'shop-layout' },
      h(
        'div',
        { class: 'product-page' },
        h(
          'article',
          { class: 'panel product-detail', 'data-testid': 'product' },
          h('h1', {}, item.title),
          h('p', { class: 'price' }, formatPrice(item.price, item.currency)),
          h('p', {}, item.available ? t('inStock') : t('outOfStock')),
          item.description ? h('p', {}, item.description) : null,
          details(item),
          h('div', { class: 'actions' }, addButton, status),
          shopper()
            ? h(
                'a',
                { href: link('explain', [], { user: shopper() ?? '', item: item.id }) },
                t('explainThis'),
              )
            : null,
        ),
        section(t('similar'), similar),
        section(t('boughtTogether'), together),
      ),
      cart.element,
    ),
  );
  void recordEvent(item.id, 'view');
  await Promise.all([
    load(similar, () => related(item.id, 'similar')),
    load(together, () => related(item.id, 'bought-together')),
    cart.refresh(),
  ]);
}
