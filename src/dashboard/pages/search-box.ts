/** The storefront's search field: a combobox with suggestions from /search/suggest (keyboard too). */
import { getJson, query } from '../api.js';
import { debounce, h, replace } from '../dom.js';
import { t } from '../i18n.js';
import type { Suggestion } from '../types.js';

/** The search form; `onSearch` gets the query when the form is sent or a suggestion is picked. */
export function searchBox(initial: string, onSearch: (q: string) => void): HTMLElement {
  const listId = 'search-suggestions';
  const input = h('input', {
    id: 'search-input',
    type: 'search',
    name: 'q',
    value: initial,
    placeholder: t('searchPlaceholder'),
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    autocomplete: 'off',
  });
  const list = h('ul', {
    id: listId,
    role: 'listbox',
    class: 'suggestions',
    'aria-label': t('suggestions'),
    hidden: true,
  });
  let options: string[] = [];
  let active = -1;
  let latest = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (index: number) => {
    active = index;
    for (const [n, option] of [...list.children].entries())
      option.setAttribute('aria-selected', String(n === index));
    if (index >= 0) input.setAttribute('aria-activedescendant', `suggestion-${index}`);
    else input.removeAttribute('aria-activedescendant');
  };
  const pick = (text: string) => {
    input.value = text;
    close();
    onSearch(text);
  };
  const suggest = debounce(async (prefix: string) => {
    const ticket = ++latest;
    if (prefix.trim().length === 0) return close();
    try {
      const { suggestions } = await getJson<{ suggestions: Suggestion[] }>(
        `/search/suggest${query({ q: prefix, limit: 8 })}`,
      );
      if (ticket !== latest || document.activeElement !== input) return;
      options = suggestions.map((suggestion) => suggestion.text);
      if (options.length === 0) return close();
      replace(
        list,
        options.map((text, n) =>
          h(
            'li',
            {
              id: `suggestion-${n}`,
              role: 'option',
              'aria-selected': 'false',
              // mousedown, not click: the input's blur would close the list first.
              onmousedown: (event: Event) => {
                event.preventDefault();
                pick(text);
              },
            },
            text,
          ),
        ),
      );
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      active = -1;
    } catch {
      close();
    }
  }, 120);

  input.addEventListener('input', () => suggest(input.value));
  input.addEventListener('blur', () => window.setTimeout(close, 100));
  input.addEventListener('keydown', (event) => {
    if (list.hidden) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : options.length - 1;
      highlight(active < 0 && step !== 1 ? options.length - 1 : (active + step) % options.length);
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      pick(options[active]!);
    } else if (event.key === 'Escape') {
      close();
    }
  });

  return h(
    'form',
    {
      class: 'search',
      role: 'search',
      onsubmit: (event: Event) => {
        event.preventDefault();
        close();
        onSearch(input.value.trim());
      },
    },
    h('label', { for: 'search-input', class: 'visually-hidden' }, t('searchLabel')),
    h('div', { class: 'combo' }, input, list),
    h('button', { type: 'submit' }, t('searchButton')),
  );
}
