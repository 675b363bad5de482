import type { FastifyInstance } from 'fastify';
import type { Aisle } from '../../aisle.js';
import { AISLE_VERSION } from '../../core/version.js';
import type { Item } from '../../core/entities.js';

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
  },
} satisfies Record<Lang, Record<string, string>>;

/**
 * GET /: a server-rendered overview page (zh/en) with the store's counts, recent imports, quarantine
 * reasons and a sample of the catalogue, so a new user sees the engine work in a browser.
 */
export function registerHomeRoute(app: FastifyInstance, aisle: Aisle): void {
  app.get<{ Querystring: { lang?: string } }>('/', async (request, reply) => {
    const accept = request.headers['accept-language'] ?? '';
    const lang: Lang =
      request.query.lang === 'en' || request.query.lang === 'zh'
        ? request.query.lang
        : accept.startsWith('en')
          ? 'en'
          : 'zh';
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
    const html = `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(t.title)}</title>
<style>
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:1.5rem;max-width:1100px;margin:auto;color:#1f2933}
header{display:flex;justify-content:space-between;align-items:baseline;flex-wrap:wrap;gap:.5rem}
h1{margin:.2rem 0;font-size:1.6rem} p.tag{color:#52606d;margin:.2rem 0 1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:.75rem}
.card{border:1px solid #d9e2ec;border-radius:8px;padding:.75rem} .card b{display:block;font-size:1.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem;font-size:.92rem} td,th{border-bottom:1px solid #e4e7eb;padding:.35rem .5rem;text-align:left}
a{color:#0b69a3}
</style></head>
<body>
<header><div><h1>${escape(t.title)}</h1><p class="tag">${escape(t.tagline)} · v${escape(AISLE_VERSION)}</p></div>
<nav aria-label="language"><a href="/?lang=${lang === 'zh' ? 'en' : 'zh'}">${escape(t.other)}</a> · ${escape(t.api)}: <a href="/health">/health</a> · <a href="/openapi.json">/openapi.json</a> · <a href="/stats">/stats</a></nav></header>
<main>
<section class="cards" aria-label="counts">${counts.map(([label, value]) => `<div class="card">${escape(label)}<b>${value.toLocaleString('en-US')}</b></div>`).join('')}</section>
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
</tbody></table>
</main></body></html>`;
    return reply.type('text/html; charset=utf-8').send(html);
  });
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function num(value: unknown): string {
  return typeof value === 'number' ? value.toLocaleString('en-US') : '';
}
