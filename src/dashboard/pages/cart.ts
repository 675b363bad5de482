/** The cart panel: its lines and the session recommendations, which change as soon as it changes. */
import { postJson } from '../api.js';
import { h, replace } from '../dom.js';
import { lang, t } from '../i18n.js';
import { cart, removeFromCart } from '../state.js';
import type { RecommendationResult } from '../types.js';
import { errorNotice, notice, productGrid } from '../widgets.js';

/** The panel and a `refresh` to call after the cart changed. */
export function cartPanel(): { element: HTMLElement; refresh: () => Promise<void> } {
  const lines = h('ul', { class: 'cart-lines', 'data-testid': 'cart-lines' });
  const recommendations = h('div', { 'data-testid': 'cart-recs', 'aria-live': 'polite' });
  const refresh = async (): Promise<void> => {
    const current = cart();
    replace(
      lines,
      current.length === 0
        ? h('li', { class: 'empty' }, t('cartEmpty'))
        : current.map((line) =>
            h(
              'li',
              {},
              h('a', { href: `#/item/${encodeURIComponent(line.itemId)}` }, line.title),
              h(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  'aria-label': `${t('remove')}: ${line.title}`,
                  onclick: () => {
                    removeFromCart(line.itemId);
                    void refresh();
                  },
                },
                t('remove'),
              ),
            ),
          ),
    );
    if (current.length === 0) {
      replace(recommendations, notice(t('cartRecsEmpty')));
      return;
    }
    recommendations.setAttribute('aria-busy', 'true');
    try {
      const result = await postJson<RecommendationResult>('/recommend/session', {
        items: current.map((line) => ({ itemId: line.itemId, action: 'cart' })),
        k: 6,
        lang: lang(),
      });
      const cards = result.items.map((item) => ({ ...item, title: item.title }));
      replace(recommendations, await productGrid(t('cartRecs'), cards, 'cart-recs-grid'));
    } catch (error) {
      replace(recommendations, errorNotice(error));
    } finally {
      recommendations.removeAttribute('aria-busy');
    }
  };
  const element = h(
    'aside',
    { class: 'cart panel', 'aria-labelledby': 'cart-title' },
    h('h2', { id: 'cart-title' }, t('cart')),
    lines,
    h('h3', {}, t('cartRecs')),
    recommendations,
  );
  return { element, refresh };
}
