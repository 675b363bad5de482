/** Pieces shared by the pages: product cards with their reasons, tables, notices, loaders. */
import { ApiError, getJson, query } from './api.js';
import { formatPrice, h, replace } from './dom.js';
import { t } from './i18n.js';
import type { Item, Reason } from './types.js';

/** What a product card shows: a recommendation or a search hit, with catalogue details when known. */
export interface CardData {
  itemId: string;
  title?: string | undefined;
  /** The explanation shown under the item ("因为你购买了…" / "because you bought …"). */
  text: string;
  reasons: Reason[];
  details?: Item | undefined;
  brand?: string | undefined;
  category?: string | undefined;
  price?: number | undefined;
}

/** The reasons with their weights, one per line (the card's hover text). */
export function reasonsSummary(reasons: readonly Reason[]): string {
  return reasons
    .map((reason) => {
      const about = reason.evidence.title ?? reason.evidence.itemId ?? reason.evidence.category ?? '';
      return `${reason.text ?? reason.kind}${about && !reason.text ? ` (${about})` : ''} · ${t('weight')} ${reason.weight.toFixed(3)}`;
    })
    .join('\n');
}

function hue(text: string): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) % 360;
  return hash;
}

/** A product card: a link to the product page, price and brand, and why it is shown. */
export function productCard(data: CardData): HTMLElement {
  const category = data.details?.categoryPath.at(-1) ?? data.category?.split(' > ').at(-1) ?? '';
  const brand = data.details?.brand ?? data.brand;
  const price = data.details?.price ?? data.price;
  const title = data.details?.title ?? data.title ?? data.itemId;
  return h(
    'article',
    { class: 'product', 'data-item': data.itemId },
    h(
      'a',
      { class: 'product-link', href: `#/item/${encodeURIComponent(data.itemId)}` },
      h('span', { class: 'thumb', style: `--hue:${hue(category)}`, 'aria-hidden': 'true' }, category),
      h('span', { class: 'product-title' }, title),
    ),
    h(
      'p',
      { class: 'meta' },
      [brand, formatPrice(price, data.details?.currency)].filter(Boolean).join(' · '),
    ),
    data.text
      ? h(
          'p',
          { class: 'why', title: reasonsSummary(data.reasons) },
          h('span', { class: 'why-label' }, `${t('why')}: `),
          data.text,
        )
      : null,
  );
}

/** A grid of product cards, with the catalogue details of the items fetched in one request. */
export async function productGrid(label: string, cards: CardData[], testId: string): Promise<HTMLElement> {
  const missing = cards
    .filter((card) => !card.details && card.price === undefined)
    .map((card) => card.itemId);
  if (missing.length > 0) {
    try {
      const { items } = await getJson<{ items: Item[] }>(`/items${query({ ids: missing.join(',') })}`);
      const byId = new Map(items.map((item) => [item.id, item]));
      for (const card of cards) card.details ??= byId.get(card.itemId);
    } catch {
      // Details are decoration: the cards still show title and reason.
    }
  }
  return h(
    'ul',
    { class: 'grid', 'aria-label': label, 'data-testid': testId },
    cards.map((card) => h('li', {}, productCard(card))),
  );
}

/** A notice (status or error) with an optional action. */
export function notice(text: string, kind: 'info' | 'error' = 'info', action?: HTMLElement): HTMLElement {
  return h(
    'p',
    { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    text,
    action ? ' ' : '',
    action,
  );
}

/** The message for a failed call: a key prompt for 401/403, the server's message otherwise. */
export function errorNotice(error: unknown): HTMLElement {
  if (error instanceof ApiError && error.needsKey)
    return notice(`${t('needKey')} (${error.message})`, 'error');
  const message = error instanceof Error ? error.message : String(error);
  return notice(`${t('error')}: ${message}`, 'error');
}

/** Shows "loading" in a container, then what `render` builds, or the error. */
export async function load(container: HTMLElement, render: () => Promise<Node | Node[]>): Promise<void> {
  container.setAttribute('aria-busy', 'true');
  replace(container, h('p', { class: 'loading' }, t('loading')));
  try {
    const content = await render();
    replace(container, ...(Array.isArray(content) ? content : [content]));
  } catch (error) {
    replace(container, errorNotice(error));
  } finally {
    container.removeAttribute('aria-busy');
  }
}

/** A table with a caption and header row. */
export function table(caption: string, headers: string[], rows: (Node | string | number)[][]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((header) => h('th', { scope: 'col' }, header)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.length === 0
          ? h('tr', {}, h('td', { colspan: headers.length }, t('none')))
          : rows.map((row) =>
              h(
                'tr',
                {},
                row.map((cell) => h('td', {}, cell)),
              ),
            ),
      ),
    ),
  );
}

let sections = 0;

/** A section with a heading. */
export function section(title: string, ...content: (Node | null)[]): HTMLElement {
  const id = `section-${++sections}`;
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), content);
}

/** Summary cards (label and big number). */
export function statCards(label: string, stats: [string, string | number][]): HTMLElement {
  return h(
    'ul',
    { class: 'stats', 'aria-label': label },
    stats.map(([name, value]) => h('li', { class: 'stat' }, h('span', {}, name), h('b', {}, String(value)))),
  );
}
