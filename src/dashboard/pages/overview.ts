/** Overview: catalogue and users, events per day by type, the served model, serving latency. */
import { ApiError, getJson, getText } from '../api.js';
import { chart } from '../charts.js';
import { formatCount, formatTime, h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { latencyByRoute, parseMetrics, quantile } from '../prometheus.js';
import type { ActivityStats, ModelState, StoreStats } from '../types.js';
import { errorNotice, load, notice, section, statCards, table } from '../widgets.js';

const HISTOGRAM = 'aisle_http_request_duration_seconds';

function activityChart(activity: ActivityStats): HTMLElement {
  const types = Object.keys(activity.byType).sort(
    (a, b) => (activity.totals[b] ?? 0) - (activity.totals[a] ?? 0),
  );
  return chart(t('eventsPerDay'), {
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: activity.days },
    yAxis: { type: 'value' },
    series: types.map((type) => ({
      name: type,
      type: 'bar',
      stack: 'events',
      data: activity.byType[type],
    })),
  });
}

function modelPanel(model: ModelState): HTMLElement {
  const served = model.served;
  if (!served) return notice(model.training.running ? t('training') : t('none'));
  return statCards(t('servedModel'), [
    [t('model'), `${served.model} v${served.version}`],
    [t('trainedAt'), formatTime(served.trainedAt)],
    [t('interactions'), formatCount(served.interactions)],
    [t('fitSeconds'), served.fitSeconds.toFixed(1)],
    [t('hitRate'), served.calibration ? served.calibration.hitRate.toFixed(3) : '—'],
  ]);
}

/** Live serving figures from /metrics: requests, rate since the last sample, mean and p95 latency. */
function servingPanel(container: HTMLElement): () => void {
  let previous: { at: number; counts: Map<string, number> } | undefined;
  const tick = async () => {
    let text: string;
    try {
      text = await getText('/metrics');
    } catch (error) {
      replace(
        container,
        error instanceof ApiError && error.needsKey
          ? notice(t('metricsNeedKey'), 'error')
          : errorNotice(error),
      );
      return;
    }
    const now = performance.now();
    const routes = latencyByRoute(parseMetrics(text), HISTOGRAM).filter(
      (route) => route.route !== '/metrics',
    );
    const rate = (route: string, count: number) =>
      previous
        ? ((count - (previous.counts.get(route) ?? 0)) / ((now - previous.at) / 1000)).toFixed(2)
        : '—';
    const rows = routes.map((route) => [
      route.route,
      formatCount(route.count),
      rate(route.route, route.count),
      ((route.sumSeconds / route.count) * 1000).toFixed(1),
      (quantile(route.buckets, 0.95) * 1000).toFixed(1),
    ]);
    const top = routes.slice(0, 10);
    replace(
      container,
      h('p', { class: 'muted' }, t('refreshEvery')),
      table(t('serving'), [t('route'), t('requests'), t('perSecond'), t('meanMs'), t('p95Ms')], rows),
      chart(t('latencyChart'), {
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 150, right: 16, top: 30, bottom: 24 },
        xAxis: { type: 'value' },
        yAxis: { type: 'category', data: top.map((route) => route.route), inverse: true },
        series: [
          {
            name: 'mean',
            type: 'bar',
            data: top.map((route) => +((route.sumSeconds / route.count) * 1000).toFixed(2)),
          },
          {
            name: 'p95',
            type: 'bar',
            data: top.map((route) => +(quantile(route.buckets, 0.95) * 1000).toFixed(2)),
          },
        ],
      }),
    );
    previous = { at: now, counts: new Map(routes.map((route) => [route.route, route.count])) };
  };
  void tick();
  const timer = window.setInterval(() => void tick(), 5000);
  return () => window.clearInterval(timer);
}

/** Draws `#/overview`. */
export async function renderOverview(main: HTMLElement): Promise<() => void> {
  const counts = h('div');
  const activity = h('div');
  const model = h('div');
  const serving = h('div');
  replace(
    main,
    h('h1', {}, t('navOverview')),
    counts,
    section(t('eventsPerDay'), activity),
    section(t('servedModel'), model),
    section(t('serving'), serving),
  );
  const stop = servingPanel(serving);
  await Promise.all([
    load(counts, async () => {
      const stats = await getJson<StoreStats>('/stats');
      return statCards(t('navOverview'), [
        [t('items'), formatCount(stats.items)],
        [t('users'), formatCount(stats.users)],
        [t('usersWithProtected'), formatCount(stats.usersWithProtected)],
        [t('events'), formatCount(stats.events)],
        [t('quarantined'), formatCount(stats.quarantined)],
      ]);
    }),
    load(activity, async () => {
      const stats = await getJson<ActivityStats>('/stats/activity?days=90&topUsers=10');
      return [
        activityChart(stats),
        table(
          t('topUsers'),
          [t('user'), t('events')],
          stats.topUsers.map((user) => [
            h('a', { href: `#/explain?user=${encodeURIComponent(user.userId)}` }, user.userId),
            formatCount(user.events),
          ]),
        ),
      ];
    }),
    load(model, async () => modelPanel(await getJson<ModelState>('/model'))),
  ]);
  return stop;
}
