/**
 * Fairness: accuracy per user group with confidence intervals, exposure per item group, the
 * fairness-vs-accuracy curves and the active policies, from GET /fairness/report. The report's
 * parts are drawn by their shape, so a part the audit did not produce is simply left out. Below it,
 * the exposure the amortized-exposure policies hold on live traffic (GET /fairness/live).
 */
import { ApiError, getJson } from '../api.js';
import { chart } from '../charts.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { load, section, table } from '../widgets.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every object in the report (depth-first, with its path) that `test` accepts. */
function findAll(value: unknown, test: (candidate: Json) => boolean, path: string[] = []): [string, Json][] {
  if (!isObject(value)) return [];
  if (test(value)) return [[path.join(' › '), value]];
  return Object.entries(value).flatMap(([key, child]) => findAll(child, test, [...path, key]));
}

/** The groups of a user-group audit: its `groups` object, or else its object-valued entries. */
function groupsOf(audit: Json): Record<string, Json> {
  if (isObject(audit['groups'])) return audit['groups'] as Record<string, Json>;
  return Object.fromEntries(
    Object.entries(audit).filter((entry): entry is [string, Json] => isObject(entry[1])),
  );
}

function groupAccuracy(name: string, audit: Json): Node[] {
  const groups = groupsOf(audit);
  const labels = Object.keys(groups);
  const metrics = [...new Set(labels.flatMap((label) => Object.keys(groups[label]!)))].filter(
    (m) => m !== 'n',
  );
  const primary = metrics.find((metric) => metric.startsWith('ndcg')) ?? metrics[0];
  const ci = audit['ci'] as [number, number] | undefined;
  const gap = typeof audit['gap'] === 'number' ? audit['gap'] : undefined;
  const caption = `${name}${gap !== undefined ? ` · gap ${gap.toFixed(4)}` : ''}${ci ? ` (95% CI ${ci[0].toFixed(4)} – ${ci[1].toFixed(4)})` : ''}`;
  return [
    primary
      ? chart(`${t('groupAccuracy')} · ${caption}`, {
          title: { text: caption, textStyle: { fontSize: 12 } },
          tooltip: { trigger: 'axis' },
          grid: { left: 48, right: 16, top: 36, bottom: 28 },
          xAxis: { type: 'category', data: labels },
          yAxis: { type: 'value', name: primary },
          series: [{ type: 'bar', name: primary, data: labels.map((label) => groups[label]![primary]) }],
        })
      : h('span'),
    table(
      caption,
      [t('group'), 'n', ...metrics],
      labels.map((label) => [
        label,
        String(groups[label]!['n'] ?? ''),
        ...metrics.map((metric) => {
          const value = groups[label]![metric];
          return typeof value === 'number' ? value.toFixed(4) : String(value ?? '');
        }),
      ]),
    ),
  ];
}

/** Item groups side by side, one bar (or line) per series, titled by `caption`. */
function groupChart(
  label: string,
  caption: string,
  groups: string[],
  series: { type: 'bar' | 'line'; name: string; data: (number | null)[] }[],
): HTMLElement {
  return chart(label, {
    title: { text: caption, textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, right: 0 },
    grid: { left: 48, right: 16, top: 40, bottom: 60 },
    xAxis: { type: 'category', data: groups, axisLabel: { rotate: 30 } },
    yAxis: { type: 'value' },
    series,
  });
}

function exposure(name: string, audit: Json): Node[] {
  const byGroup = audit['byGroup'] as Record<string, Json>;
  const labels = Object.keys(byGroup).slice(0, 30);
  const read = (label: string, field: string) => {
    const value = byGroup[label]![field];
    return typeof value === 'number' ? +value.toFixed(4) : null;
  };
  const caption = `${name}${typeof audit['gini'] === 'number' ? ` · Gini ${audit['gini'].toFixed(3)}` : ''}`;
  // Each group's share of every prefix 1 … k, for groupings small enough to read as lines.
  const prefixes = labels.map((label) => byGroup[label]!['prefixShares']);
  const prefixChart =
    labels.length <= 8 && prefixes.every((shares) => Array.isArray(shares) && shares.length > 0)
      ? [
          chart(`${t('prefixShares')} · ${name}`, {
            title: { text: `${t('prefixShares')} · ${name}`, textStyle: { fontSize: 12 } },
            tooltip: { trigger: 'axis' },
            legend: { top: 0, right: 0 },
            grid: { left: 48, right: 16, top: 40, bottom: 36 },
            xAxis: {
              type: 'category',
              name: t('prefix'),
              nameLocation: 'middle',
              nameGap: 24,
              data: (prefixes[0] as number[]).map((_, i) => String(i + 1)),
            },
            yAxis: { type: 'value', min: 0, max: 1 },
            series: labels.map((label, at) => ({
              type: 'line',
              name: label,
              data: (prefixes[at] as number[]).map((share) => +share.toFixed(4)),
            })),
          }),
        ]
      : [];
  return [
    groupChart(`${t('exposure')} · ${caption}`, caption, labels, [
      { type: 'bar', name: 'exposure', data: labels.map((label) => read(label, 'exposureShare')) },
      { type: 'bar', name: 'merit', data: labels.map((label) => read(label, 'meritShare')) },
    ]),
    ...prefixChart,
  ];
}

function curves(name: string, points: Json[]): Node[] {
  const numeric = Object.keys(points[0] ?? {}).filter((key) =>
    points.every((point) => typeof point[key] === 'number'),
  );
  const [x, ...ys] = numeric;
  if (!x || ys.length === 0) return [];
  return [
    chart(`${t('curves')} · ${name}`, {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 30, bottom: 36 },
      xAxis: { type: 'value', name: x, nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'value', scale: true },
      series: ys.map((y) => ({
        type: 'line',
        name: y,
        data: points.map((point) => [point[x], point[y]]),
      })),
    }),
  ];
}

async function reportView(): Promise<Node[]> {
  let report: Json;
  try {
    const stored = await getJson<Json>('/fairness/report');
    // The stored audit comes wrapped with its id and time.
    report = isObject(stored['report']) ? stored['report'] : stored;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404)
      return [
        h(
          'div',
          { class: 'empty-state', 'data-testid': 'no-audit' },
          h('h2', {}, t('noAudit')),
          h('p', {}, t('noAuditHint')),
        ),
      ];
    throw error;
  }
  const nodes: Node[] = [];
  const about = ['model', 'protocol', 'k', 'users', 'items', 'createdAt']
    .filter((key) => report[key] !== undefined && report[key] !== null)
    .map((key) => `${key}: ${String(report[key])}`)
    .join(' · ');
  if (about) nodes.push(h('p', { class: 'muted' }, about));
  if (isObject(report['metrics']))
    nodes.push(
      table(
        t('metric'),
        [t('metric'), t('value')],
        Object.entries(report['metrics']).map(([name, value]) => [
          name,
          typeof value === 'number' ? value.toFixed(4) : String(value),
        ]),
      ),
    );
  const accuracy = isObject(report['userGroups'])
    ? Object.entries(report['userGroups']).filter((entry): entry is [string, Json] => isObject(entry[1]))
    : findAll(report, (value) => isObject(value['groups']) && 'gap' in value);
  if (accuracy.length > 0)
    nodes.push(
      section(t('groupAccuracy'), ...accuracy.flatMap(([name, audit]) => groupAccuracy(name, audit))),
    );
  const exposures = findAll(report, (value) => isObject(value['byGroup']));
  if (exposures.length > 0)
    nodes.push(section(t('exposure'), ...exposures.flatMap(([name, audit]) => exposure(name, audit))));
  const curveLists: [string, Json[]][] = [];
  const collect = (value: unknown, path: string[]) => {
    if (Array.isArray(value) && value.length > 1 && value.every(isObject))
      curveLists.push([path.join(' › '), value as Json[]]);
    else if (isObject(value))
      for (const [key, child] of Object.entries(value)) collect(child, [...path, key]);
  };
  collect(report['curves'] ?? report['curve'] ?? report['tradeoff'] ?? {}, []);
  if (curveLists.length > 0)
    nodes.push(
      section(t('curves'), ...curveLists.flatMap(([name, points]) => curves(name || 'curve', points))),
    );
  const policy = report['policy'] ?? report['policies'] ?? report['activePolicy'] ?? report['rerank'];
  if (policy !== undefined)
    nodes.push(
      section(
        t('policy'),
        // null: the audit ran without a re-ranker.
        policy === null
          ? h('p', {}, t('none'))
          : h('pre', { class: 'json' }, JSON.stringify(policy, null, 2)),
      ),
    );
  if (nodes.length === 0) nodes.push(h('pre', { class: 'json' }, JSON.stringify(report, null, 2)));
  return nodes;
}

interface LivePolicy {
  policy: string;
  modelVersion: number;
  lists: number;
  gini: { model: number; served: number };
  groups: {
    group: string;
    floor: number;
    offset: number;
    modelShare: number;
    servedShare: number;
  }[];
}

/** One amortized-exposure policy on live traffic: each group's floor against its recent exposure. */
function livePolicy(live: LivePolicy): Node[] {
  const groups = live.groups.slice(0, 30);
  const labels = groups.map((group) => group.group);
  const caption = t('liveCaption', {
    policy: live.policy,
    version: live.modelVersion,
    lists: live.lists,
    model: live.gini.model.toFixed(3),
    served: live.gini.served.toFixed(3),
  });
  const round = (value: number) => +value.toFixed(4);
  return [
    groupChart(`${t('liveExposure')} · ${caption}`, caption, labels, [
      { type: 'bar', name: t('liveModel'), data: groups.map((group) => round(group.modelShare)) },
      { type: 'bar', name: t('liveServed'), data: groups.map((group) => round(group.servedShare)) },
      { type: 'line', name: t('liveFloor'), data: groups.map((group) => round(group.floor)) },
    ]),
    table(
      caption,
      [t('group'), t('liveFloor'), t('liveModel'), t('liveServed'), t('liveOffset')],
      groups.map((group) => [
        group.group,
        group.floor.toFixed(4),
        group.modelShare.toFixed(4),
        group.servedShare.toFixed(4),
        group.offset.toFixed(4),
      ]),
    ),
  ];
}

/** The amortized-exposure policies of the server process that answered (GET /fairness/live). */
async function liveView(): Promise<Node[]> {
  let live: { policies: LivePolicy[] };
  try {
    live = await getJson<{ policies: LivePolicy[] }>('/fairness/live');
  } catch (error) {
    // A server without recommendations (no serving runtime) has no live exposure to show.
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
  return [
    section(
      t('liveExposure'),
      ...(live.policies.length === 0
        ? [h('p', { class: 'muted', 'data-testid': 'no-live-exposure' }, t('liveNone'))]
        : live.policies.flatMap(livePolicy)),
    ),
  ];
}

/** Draws `#/fairness`: the stored audit, then the live exposure of this server process. */
export async function renderFairness(main: HTMLElement): Promise<void> {
  const content = h('div');
  const live = h('div');
  replace(main, h('h1', {}, t('fairnessTitle')), content, live);
  await Promise.all([load(content, reportView), load(live, liveView)]);
}
