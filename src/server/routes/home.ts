import type { FastifyInstance } from 'fastify';
import type { Aisle } from '../../aisle.js';
import { AISLE_VERSION } from '../../core/version.js';
import type { Item } from '../../core/entities.js';
import { isAdmin } from '../auth.js';
import { dashboardBuilt, dashboardModules } from './dashboard-assets.js';

type Lang = 'zh' | 'en';

const text = {
  zh: {
    title: 'Aisle 搜索推荐引擎',
    tagline: '可解释、公平审计、数据质量把关的电商搜索与推荐',
    items: '商品',
    users: '用户',
    protected: '含受保护属性的用户',
    events: '行为事件',
    quarantined: '隔离中的记录',
    batches: '最近导入',
    reasons: '隔离原因',
    sample: '商品示例',
    none: '无',
    api: '接口',
    other: 'English',
    loading: '正在加载控制台…',
    notBuilt: '控制台尚未构建：运行 npm run build 后刷新。',
    locked: '此服务器需要 API 密钥：在控制台右上角填入密钥。',
  },
  en: {
    title: 'Aisle search & recommendation engine',
    tagline: 'E-commerce search and recommendations: explained, fairness-audited, quality-gated',
    items: 'Items',
    users: 'Users',
    protected: 'Users with protected attributes',
    events: 'Behaviour events',
    quarantined: 'Quarantined records',
    batches: 'Recent imports',
    reasons: 'Quarantine reasons',
    sample: 'Sample of the catalogue',
    none: 'none',
    api: 'API',
    other: '中文',
    loading: 'Loading the dashboard…',
    notBuilt: 'The dashboard is not built yet: run npm run build and reload.',
    locked: 'This server needs an API key: enter it at the top right of the dashboard.',
  },
} satisfies Record<Lang, Record<string, string>>;

/**
 * GET / (public): the dashboard's page. The server renders an overview first (counts, recent
 * imports, quarantine reasons, a sample of the catalogue; for admin callers only, as it holds
 * operator data), which is what a browser without scripts shows; the dashboard script
 * (src/dashboard, built into dist/dashboard) then takes the page over.
 */
export function registerHomeRoute(app: FastifyInstance, aisle: Aisle): void {
  const built = dashboardBuilt();
  const preload = dashboardModules()
    .filter((module) => module !== 'main.js')
    .map((module) => `<link rel="modulepreload" href="/dashboard/${module}">`)
    .join('\n');
  app.get<{ Querystring: { lang?: string } }>(
    '/',
    { config: { scope: 'public' } },
    async (request, reply) => {
      const accept = request.headers['accept-language'] ?? '';
      const lang: Lang =
        request.query.lang === 'en' || request.query.lang === 'zh'
          ? request.query.lang
          : accept.startsWith('en')
            ? 'en'
            : 'zh';
      const t = text[lang];
      const overview = isAdmin(request) ? await renderOverview(aisle, lang) : `<p>${escape(t.locked)}</p>`;
      const html = `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(t.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/styles.css">
${built ? `<script type="module" src="/dashboard/main.js"></script>\n${preload}` : ''}
</head>
<body>
<div id="app" data-version="${escape(AISLE_VERSION)}">
<header class="server-header"><div><h1>${escape(t.title)}</h1><p class="tag">${escape(t.tagline)} · v${escape(AISLE_VERSION)}</p></div>
<nav aria-label="language"><a href="/?lang=${lang === 'zh' ? 'en' : 'zh'}">${escape(t.other)}</a> · ${escape(t.api)}: <a href="/health">/health</a> · <a href="/openapi.json">/openapi.json</a> · <a href="/stats">/stats</a></nav></header>
<main id="server-overview">
<p class="note" role="status">${escape(built ? t.loading : t.notBuilt)}</p>
${overview}
</main>
</div>
</body></html>`;
      return reply.type('text/html; charset=utf-8').send(html);
    },
  );
}

async function renderOverview(aisle: Aisle, lang: Lang): Promise<string> {
  const t = text[lang];
  const [stats, batches, reasons] = await Promise.all([
    aisle.store.stats(),
    aisle.store.listBatches(8),
    aisle.store.countQuarantineByReason(),
  ]);
  const sample: Item[] = [];
  for await (const page of aisle.store.scanItems(24)) {
    sample.push(...page);
    break;
  }
  const counts: [string, number][] = [
    [t.items, stats.items],
    [t.users, stats.users],
    [t.protected, stats.usersWithProtected],
    [t.events, stats.events],
    [t.quarantined, stats.quarantined],
  ];
  return `<section class="cards" aria-label="counts">${counts.map(([label, value]) => `<div class="card">${escape(label)}<b>${value.toLocaleString('en-US')}</b></div>`).join('')}</section>
<h2>${escape(t.batches)}</h2>
<table><thead><tr><th>#</th><th>source</th><th>kind</th><th>read</th><th>accepted</th><th>duplicates</th><th>quarantined</th></tr></thead><tbody>
${batches.map((batch) => `<tr><td>${batch.id}</td><td>${escape(batch.source)}</td><td>${escape(batch.kind)}</td><td>${num(batch.summary?.['read'])}</td><td>${num(batch.summary?.['accepted'])}</td><td>${num(batch.summary?.['duplicates'])}</td><td>${num(batch.summary?.['quarantined'])}</td></tr>`).join('\n') || `<tr><td colspan="7">${escape(t.none)}</td></tr>`}
</tbody></table>
<h2>${escape(t.reasons)}</h2>
<table><tbody>${
    Object.entries(reasons)
      .map(([reason, count]) => `<tr><td>${escape(reason)}</td><td>${count}</td></tr>`)
      .join('') || `<tr><td>${escape(t.none)}</td></tr>`
  }</tbody></table>
<h2>${escape(t.sample)}</h2>
<table><thead><tr><th>id</th><th>title</th><th>category</th><th>brand</th><th>price</th></tr></thead><tbody>
${sample.map((item) => `<tr><td>${escape(item.id)}</td><td lang="${escape(item.language ?? '')}">${escape(item.title)}</td><td>${escape(item.categoryPath.join(' › '))}</td><td>${escape(item.brand ?? '')}</td><td>${item.price !== undefined ? `${escape(item.currency ?? '')} ${item.price}` : ''}</td></tr>`).join('\n')}
</tbody></table>`;
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function num(value: unknown): string {
  return typeof value === 'number' ? value.toLocaleString('en-US') : '';
}
