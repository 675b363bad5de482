/**
 * The dashboard: a storefront demo and the operator's pages, over the public HTTP API only. The
 * server renders an overview into the page first; this script replaces it with the application.
 */
import { apiKey, setApiKey } from './api.js';
import { disposeCharts } from './charts.js';
import { h, replace } from './dom.js';
import { type TextKey, initLang, lang, onLangChange, setLang, t } from './i18n.js';
import { renderExplain } from './pages/explain.js';
import { renderFairness } from './pages/fairness.js';
import { renderModels } from './pages/models.js';
import { renderOverview } from './pages/overview.js';
import { renderProduct } from './pages/product.js';
import { renderQuality } from './pages/quality.js';
import { renderShop } from './pages/shop.js';
import { type Route, parseRoute } from './router.js';

/** A page draws itself into `main`; it may return a function that stops its timers. */
export type Page = (main: HTMLElement, route: Route) => Promise<(() => void) | void> | (() => void) | void;

const pages: Record<string, { nav?: TextKey; render: Page }> = {
  shop: { nav: 'navShop', render: renderShop },
  item: { render: renderProduct },
  overview: { nav: 'navOverview', render: renderOverview },
  quality: { nav: 'navQuality', render: renderQuality },
  models: { nav: 'navModels', render: renderModels },
  fairness: { nav: 'navFairness', render: renderFairness },
  explain: { nav: 'navExplain', render: renderExplain },
};

let stop: (() => void) | undefined;
let renders = 0;

function header(route: Route): HTMLElement {
  const keyInput = h('input', {
    id: 'api-key',
    type: 'password',
    autocomplete: 'off',
    value: apiKey() ?? '',
    'aria-describedby': 'api-key-hint',
  });
  const keyForm = h(
    'form',
    {
      class: 'key-form',
      onsubmit: (event: Event) => {
        event.preventDefault();
        setApiKey(keyInput.value.trim() || null);
        void draw(false);
      },
    },
    h('label', { for: 'api-key' }, t('apiKey')),
    keyInput,
    h('button', { type: 'submit' }, t('save')),
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          setApiKey(null);
          void draw(false);
        },
      },
      t('clear'),
    ),
    h('small', { id: 'api-key-hint' }, t('apiKeyHint')),
  );
  const current = route.page === 'item' ? 'shop' : route.page;
  return h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: '#/shop' }, 'Aisle'),
    h(
      'nav',
      { 'aria-label': t('appTitle') },
      h(
        'ul',
        {},
        Object.entries(pages)
          .filter(([, page]) => page.nav)
          .map(([name, page]) =>
            h(
              'li',
              {},
              h(
                'a',
                { href: `#/${name}`, 'aria-current': name === current ? 'page' : false, 'data-nav': name },
                t(page.nav!),
              ),
            ),
          ),
      ),
    ),
    h(
      'div',
      { class: 'tools' },
      h(
        'button',
        {
          type: 'button',
          id: 'lang-switch',
          lang: lang() === 'zh' ? 'en' : 'zh',
          'aria-label': t('switchLangLabel'),
          onclick: () => setLang(lang() === 'zh' ? 'en' : 'zh'),
        },
        t('switchLang'),
      ),
      h(
        'details',
        { class: 'key' },
        h('summary', {}, apiKey() ? `✓ ${t('apiKeySet')}` : t('apiKey')),
        keyForm,
      ),
    ),
  );
}

/** Draws the header and the current page; `focus` moves focus to the page (after a navigation). */
async function draw(focus: boolean): Promise<void> {
  const ticket = ++renders;
  stop?.();
  stop = undefined;
  disposeCharts();
  const route = parseRoute(location.hash);
  const page = pages[route.page] ?? pages['shop']!;
  const app = document.getElementById('app')!;
  const main = h('main', { id: 'main', tabindex: '-1', 'data-page': route.page });
  replace(app, h('a', { class: 'skip', href: '#main' }, t('skip')), header(route), main);
  document.title = `${t(page.nav ?? 'navShop')} · ${t('appTitle')}`;
  if (focus) main.focus({ preventScroll: true });
  const cleanup = await page.render(main, route);
  if (ticket === renders) stop = cleanup ?? undefined;
  else cleanup?.();
}

initLang();
onLangChange(() => {
  // Keep focus on the switch that was just pressed (the header is drawn again).
  void draw(false).then(() => document.getElementById('lang-switch')?.focus());
});
window.addEventListener('hashchange', () => void draw(true));
document.addEventListener('click', (event) => {
  // The skip link targets the main element, not a route.
  const target = event.target as HTMLElement | null;
  if (target?.classList.contains('skip')) {
    event.preventDefault();
    document.getElementById('main')?.focus();
  }
});
void draw(false);
