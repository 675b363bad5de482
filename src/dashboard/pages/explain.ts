/** Explain: why an item was (or was not) recommended to a user, from the recommendation API itself. */
import { ApiError, getJson, query } from '../api.js';
import { chart } from '../charts.js';
import { formatCount, h, replace } from '../dom.js';
import { lang, t } from '../i18n.js';
import { type Route, navigate } from '../router.js';
import type { Item, RecommendationResult, RecommendedItem, UserProfile } from '../types.js';
import { load, notice, section, statCards, table } from '../widgets.js';

const FEED_SIZE = 200;

function reasonsView(found: RecommendedItem): Node[] {
  const reasons = [...found.reasons].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  const evidenceOf = (reason: RecommendedItem['reasons'][number]) =>
    reason.evidence.title ?? reason.evidence.itemId ?? reason.evidence.category ?? '—';
  const describe = (reason: RecommendedItem['reasons'][number]) =>
    reason.kind === 'other' ? 'other' : `${reason.kind} · ${evidenceOf(reason)}`;
  return [
    h('p', { class: 'why big', 'data-testid': 'explain-text' }, found.text),
    statCards(t('reasonsWithWeights'), [
      [t('score'), found.score.toFixed(4)],
      [t('confidence'), found.confidence === null ? '—' : found.confidence.toFixed(3)],
    ]),
    chart(
      t('reasonsWithWeights'),
      {
        tooltip: {},
        grid: { left: 200, right: 24, top: 10, bottom: 24 },
        xAxis: { type: 'value' },
        yAxis: { type: 'category', data: reasons.map(describe), inverse: true },
        series: [{ type: 'bar', data: reasons.map((reason) => +reason.weight.toFixed(4)) }],
      },
      Math.max(120, reasons.length * 32 + 40),
    ),
    table(
      t('reasonsWithWeights'),
      [t('kind'), t('evidence'), t('weight')],
      reasons.map((reason) => [reason.kind, evidenceOf(reason), reason.weight.toFixed(4)]),
    ),
    table(
      t('historyDrove'),
      [t('item'), t('action'), t('weight')],
      reasons
        .filter((reason) => reason.kind === 'because-you-interacted' && reason.evidence.itemId)
        .map((reason) => [
          h(
            'a',
            { href: `#/item/${encodeURIComponent(reason.evidence.itemId!)}` },
            reason.evidence.title ?? reason.evidence.itemId!,
          ),
          reason.evidence.action ?? '—',
          reason.weight.toFixed(4),
        ]),
    ),
  ];
}

function profileView(profile: UserProfile): HTMLElement {
  const top = (entries: { name?: string; category?: string; brand?: string; share: number }[]) =>
    entries
      .slice(0, 5)
      .map(
        (entry) => `${entry.name ?? entry.category ?? entry.brand ?? ''} ${(entry.share * 100).toFixed(0)}%`,
      )
      .join(' · ') || '—';
  return table(
    t('profile'),
    [t('metric'), t('value')],
    [
      [t('segment'), profile.segment],
      [t('events'), formatCount(profile.events)],
      [
        t('actions'),
        Object.entries(profile.actions)
          .map(([name, count]) => `${name} ${count}`)
          .join(' · ') || '—',
      ],
      [t('category'), top(profile.categories)],
      [t('brand'), top(profile.brands)],
      [t('price'), profile.priceBand ? `${profile.priceBand.band} (¥${profile.priceBand.medianPrice})` : '—'],
    ],
  );
}

async function explain(userId: string, itemId: string): Promise<Node[]> {
  const user = encodeURIComponent(userId);
  const [profile, item, feed] = await Promise.all([
    getJson<UserProfile>(`/users/${user}/profile`),
    getJson<Item>(`/items/${encodeURIComponent(itemId)}`),
    getJson<RecommendationResult>(`/recommend/${user}${query({ k: FEED_SIZE, lang: lang() })}`),
  ]);
  const heading = h('h2', {}, `${item.title}`);
  const nodes: Node[] = [heading];
  if (feed.coldStart) nodes.push(notice(t('coldUser')));
  const rank = feed.items.findIndex((entry) => entry.itemId === itemId);
  if (rank >= 0) {
    nodes.push(notice(t('recommendedAt', { rank: rank + 1 })), ...reasonsView(feed.items[rank]!));
  } else {
    nodes.push(notice(t('notInTop', { k: FEED_SIZE })));
    // Ranked among its look-alikes only (category, brand, price), with and without the scenario's
    // exclusion of purchased items: the difference tells whether that exclusion removed it.
    const narrow = (excludePurchased: boolean) =>
      getJson<RecommendationResult>(
        `/recommend/${user}${query({
          k: 50,
          lang: lang(),
          excludePurchased,
          category: item.categoryPath.join(' > ') || undefined,
          brand: item.brand,
          minPrice: item.price,
          maxPrice: item.price,
        })}`,
      ).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 400) return undefined;
        throw error;
      });
    const [anyway, usual] = await Promise.all([narrow(false), narrow(true)]);
    const scored = anyway?.items.find((entry) => entry.itemId === itemId);
    const excluded = scored !== undefined && !usual?.items.some((entry) => entry.itemId === itemId);
    if (!item.available) nodes.push(notice(t('excludedStock')));
    if (excluded) nodes.push(notice(t('excludedPurchased')));
    if (scored) nodes.push(h('p', {}, t('wouldScore')), ...reasonsView(scored));
    else if (item.available) nodes.push(notice(`${t('notScored')} ${t('unknownItem')}`));
  }
  nodes.push(section(t('profile'), profileView(profile)));
  return nodes;
}

/** Draws `#/explain?user=…&item=…`. */
export async function renderExplain(main: HTMLElement, route: Route): Promise<void> {
  const userId = route.params.get('user') ?? '';
  const itemId = route.params.get('item') ?? '';
  const userInput = h('input', {
    id: 'explain-user',
    name: 'user',
    value: userId,
    required: true,
    autocomplete: 'off',
  });
  const itemInput = h('input', {
    id: 'explain-item',
    name: 'item',
    value: itemId,
    required: true,
    autocomplete: 'off',
  });
  const output = h('div', { 'aria-live': 'polite', 'data-testid': 'explain-output' });
  replace(
    main,
    h('h1', {}, t('explainTitle')),
    h('p', { class: 'muted' }, t('explainIntro')),
    h(
      'form',
      {
        class: 'inline-form',
        onsubmit: (event: Event) => {
          event.preventDefault();
          navigate('explain', [], { user: userInput.value.trim(), item: itemInput.value.trim() });
        },
      },
      h('label', { for: 'explain-user' }, t('user')),
      userInput,
      h('label', { for: 'explain-item' }, t('item')),
      itemInput,
      h('button', { type: 'submit', class: 'primary' }, t('explainButton')),
    ),
    output,
  );
  if (userId && itemId) await load(output, () => explain(userId, itemId));
}
