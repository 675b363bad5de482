import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, type ConsoleMessage, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Aisle, openAisle } from '../src/aisle.js';
import { configSchema } from '../src/core/config.js';
import { auditPrepared, prepareAudit } from '../src/eval/fairness/audit.js';
import { fairnessCurve } from '../src/eval/fairness/curve.js';
import { saveFairnessReport } from '../src/eval/fairness/report-store.js';
import { seedDemo } from '../src/ingest/demo/seed-demo.js';
import { snapshotFromStore } from '../src/models/data/from-store.js';
import { trainFromStore } from '../src/models/train.js';
import { searchEngineFor } from '../src/search/engine-registry.js';
import { parseSearchConfig } from '../src/search/search-config.js';
import { startServer } from '../src/server/app.js';
import { dashboardBuilt } from '../src/server/routes/dashboard-assets.js';
import { tempDir } from './support/temp.js';

/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core) against real
 * servers on one SQLite file holding a small seeded demo shop: an open server (as `npm start`
 * runs it) and one with API keys, for the admin flows.
 */
const CHROMIUM = process.env['AISLE_CHROMIUM'] ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');
const ADMIN_KEY = 'e2e-admin-key-0123456789';
const SHOP_KEY = 'e2e-shop-key-0123456789';

const temp = tempDir('aisle-dashboard-');
const aisles: Aisle[] = [];
const servers: FastifyInstance[] = [];
let openBase: string;
let securedBase: string;
let browser: Browser;
/** Console errors and uncaught page errors of the open server's pages. */
const consoleErrors: string[] = [];

async function serve(
  apiKeys: { name: string; key: string; scopes: string[] }[],
  search: boolean,
): Promise<string> {
  const aisle = await openAisle(
    configSchema.parse({
      database: join(temp.dir, 'shop.db'),
      // Six test suites share two cores here: a slow event loop must not shed the browser's requests.
      server: { apiKeys, maxEventLoopDelayMs: 30_000, maxEventLoopUtilization: 1 },
    }),
  );
  aisles.push(aisle);
  // The search engine is built before the browser comes, lexical only: training the text encoder
  // takes longer than this whole suite and the dashboard shows the same hits and reasons either way.
  if (search) await searchEngineFor(aisle, { config: parseSearchConfig({ semantic: { encoder: 'none' } }) });
  const app = await startServer(aisle);
  servers.push(app);
  return app.listen({ host: '127.0.0.1', port: 0 });
}

async function newPage(base: string, width = 1366, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    // A server without the fairness audit route answers 404: the page's "no audit yet" state.
    if (url.endsWith('/fairness/report') && message.text().includes('404')) return;
    if (base === openBase) consoleErrors.push(`${message.text()} (${url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  // Debian's Chromium, installed from the distribution's packages when missing (no CDN download).
  execFileSync('bash', ['scripts/ensure-chromium.sh'], { stdio: 'inherit' });
  if (!dashboardBuilt()) execFileSync('npm', ['run', 'build:dashboard'], { stdio: 'inherit' });
  mkdirSync(ARTIFACTS, { recursive: true });

  const seeding = await openAisle(configSchema.parse({ database: join(temp.dir, 'shop.db') }));
  await seedDemo(seeding.importContext(), { seed: 11, items: 600, users: 200, sessionsPerUser: 5 });
  await trainFromStore(seeding.store, seeding.config, {
    model: seeding.config.serving.defaultModel,
    seed: seeding.config.serving.seed,
  });
  // A stored fairness audit (the fast popularity model) for the fairness page to draw, with the
  // curve of one re-ranker as `aisle fairness audit --curve` stores it.
  const prepared = await prepareAudit(await snapshotFromStore(seeding.store, seeding.config), {
    protocol: 'leave-last-out',
    model: 'popularity',
    k: 10,
    seed: 1,
    replicates: 200,
  });
  const audit = auditPrepared(prepared);
  audit.curves = { popularity: fairnessCurve(prepared, { name: 'popularity' }, [0, 0.3, 0.6]) };
  await saveFairnessReport(seeding.store, audit);
  await seeding.close();

  openBase = await serve([], true);
  securedBase = await serve(
    [
      { name: 'operator', key: ADMIN_KEY, scopes: ['admin'] },
      { name: 'shop', key: SHOP_KEY, scopes: ['recommend', 'ingest'] },
    ],
    false,
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const app of servers) await app.close();
  for (const aisle of aisles) await aisle.close();
  temp.cleanup();
});

describe('dashboard in Chromium', () => {
  it('loads the first page in under 2 s', async () => {
    const page = await newPage(openBase);
    const started = Date.now();
    await page.goto(`${openBase}/?lang=zh`);
    await page.getByTestId('home-feed').waitFor();
    const elapsed = Date.now() - started;
    const timing = await page.evaluate(
      'JSON.stringify(performance.getEntriesByType("navigation")[0].toJSON())',
    );
    const navigation = JSON.parse(String(timing)) as {
      domContentLoadedEventEnd: number;
      loadEventEnd: number;
    };
    console.log(
      `first page: home feed shown after ${elapsed} ms; DOMContentLoaded ${Math.round(navigation.domContentLoadedEventEnd)} ms, load ${Math.round(navigation.loadEventEnd)} ms`,
    );
    expect(elapsed).toBeLessThan(2000);
    expect(navigation.loadEventEnd).toBeLessThan(2000);
    // The popular list explains itself for an anonymous shopper too.
    await expect(page.locator('[data-testid=home-feed] .why').first().textContent()).resolves.toMatch(/\S/);
    await page.context().close();
  });

  it('searches 红色T恤, opens a product, and the cart recommendations change with reasons', async () => {
    const page = await newPage(openBase);
    await page.goto(`${openBase}/#/shop`);
    await page.getByTestId('home-feed').waitFor();

    // Suggestions as the shopper types.
    await page.locator('#search-input').pressSequentially('红色', { delay: 30 });
    await page.locator('#search-suggestions li').first().waitFor();
    expect(await page.locator('#search-suggestions li').count()).toBeGreaterThan(0);

    await page.locator('#search-input').fill('红色T恤');
    await page.locator('#search-input').press('Enter');
    const results = page.getByTestId('search-results');
    await results.waitFor();
    const titles = await results.locator('.product-title').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    expect(titles[0]).toMatch(/红|T恤/);
    await expect(results.locator('.why').first().textContent()).resolves.toMatch(/\S/);
    expect(await page.locator('fieldset[data-facet=category] input').count()).toBeGreaterThan(0);
    await screenshot(page, 'storefront-search');

    // A facet narrows the results and keeps the query.
    const before = await page.getByTestId('result-count').textContent();
    await page.locator('fieldset[data-facet=brand] input').first().check();
    await page.waitForFunction(
      `document.querySelector('[data-testid=result-count]')?.textContent !== ${JSON.stringify(before)}`,
    );
    expect(page.url()).toContain('brand=');

    // Open the first product.
    await page.getByTestId('search-results').locator('.product-link').first().click();
    await page.getByTestId('product').waitFor();
    const productTitle = await page.locator('[data-testid=product] h1').textContent();
    expect(productTitle).toMatch(/红|T恤/);
    await page.getByTestId('similar').waitFor();
    await expect(page.getByTestId('cart-recs').textContent()).resolves.toContain('购物车');

    // Add to cart: the session recommendations appear at once, each with its reason.
    await page.getByTestId('add-to-cart').click();
    const cartRecs = page.getByTestId('cart-recs-grid');
    await cartRecs.waitFor();
    const firstRecs = await cartRecs
      .locator('[data-item]')
      .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-item')));
    expect(firstRecs.length).toBeGreaterThan(0);
    const reasons = await cartRecs.locator('.why').allTextContents();
    expect(reasons.length).toBe(firstRecs.length);
    expect(reasons.some((reason) => reason.includes('因为你'))).toBe(true);
    await screenshot(page, 'storefront-product');

    // A second item in the cart changes the recommendations.
    await page.getByTestId('similar').locator('.product-link').first().click();
    await page.getByTestId('product').waitFor();
    await page.getByTestId('add-to-cart').click();
    await page.waitForFunction(
      `JSON.stringify([...document.querySelectorAll('[data-testid=cart-recs-grid] [data-item]')]
        .map((card) => card.getAttribute('data-item'))) !== ${JSON.stringify(JSON.stringify(firstRecs))}`,
    );
    expect(await page.getByTestId('cart-lines').locator('li').count()).toBe(2);
    await page.context().close();
  });

  it('switches between Chinese and English', async () => {
    const page = await newPage(openBase);
    await page.goto(`${openBase}/#/shop`);
    await page.getByTestId('home-feed').waitFor();
    await expect(page.locator('[data-nav=shop]').textContent()).resolves.toBe('商店演示');
    await page.locator('#lang-switch').click();
    await page.getByTestId('home-feed').waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.locator('[data-nav=shop]').textContent()).resolves.toBe('Storefront');
    await expect(page.locator('[data-nav=quality]').textContent()).resolves.toBe('Data quality');
    await expect(page.locator('#lang-switch')).toBeDefined();
    // Reasons come from the API in the chosen language.
    const reason = await page.locator('[data-testid=home-feed] .why').first().textContent();
    expect(reason).toMatch(/^Why: [A-Z]/);
    // Focus stays on the switch, for keyboard users.
    await expect(page.evaluate('document.activeElement && document.activeElement.id')).resolves.toBe(
      'lang-switch',
    );
    await screenshot(page, 'storefront-en');
    await page.keyboard.press('Enter');
    await expect(page.locator('[data-nav=shop]').textContent()).resolves.toBe('商店演示');
    await page.context().close();
  });

  it('draws every operator page, with a screenshot of each', async () => {
    const page = await newPage(openBase);
    await page.goto(`${openBase}/#/overview`);
    await page.locator('.stats .stat').first().waitFor();
    expect(await page.locator('.stats').first().locator('.stat').count()).toBe(5);
    await page.locator('figure.chart canvas').first().waitFor();
    await page.locator('main table caption', { hasText: '在线服务' }).waitFor();
    await screenshot(page, 'overview');

    await page.locator('[data-nav=quality]').click();
    await page.getByTestId('quarantine').locator('table, .notice').first().waitFor();
    await page.locator('main h2', { hasText: '质量报告' }).waitFor();
    await screenshot(page, 'quality');

    await page.locator('[data-nav=models]').click();
    await page.locator('main table caption', { hasText: '已保存的模型版本' }).waitFor();
    const versionsBefore = await page.locator('main table').first().locator('tbody tr').count();
    await page.getByTestId('retrain').click();
    await expect(
      page
        .getByTestId('train-status')
        .filter({ hasText: /训练完成/ })
        .waitFor({ timeout: 45_000 }),
    ).resolves.toBeUndefined();
    await page.waitForFunction(
      `(document.querySelector('main table tbody')?.querySelectorAll('tr').length ?? 0) > ${versionsBefore}`,
    );
    await screenshot(page, 'models');

    // Some home-feed traffic under amortized-exposure, for the page's live exposure section.
    const shopper = (
      (await (await fetch(`${openBase}/stats/activity?topUsers=1`)).json()) as {
        topUsers: { userId: string }[];
      }
    ).topUsers[0]!.userId;
    for (let request = 0; request < 20; request++) {
      const response = await fetch(
        `${openBase}/recommend/${shopper}?k=10&fairness=amortized-exposure&fairnessGrouping=category&fairnessStrength=0.8`,
      );
      expect(response.status).toBe(200);
    }
    await page.locator('[data-nav=fairness]').click();
    // The stored audit: accuracy per user group (with the gap's confidence interval) and exposure.
    await page.locator('main section.panel h2', { hasText: '各群体准确率' }).waitFor();
    await page.locator('main section.panel h2', { hasText: '曝光分布' }).waitFor();
    await page.locator('main section.panel h2', { hasText: '公平性与准确率的权衡曲线' }).waitFor();
    await expect(page.locator('main table caption', { hasText: '95% CI' }).count()).resolves.toBeGreaterThan(
      0,
    );
    await page.locator('main figure.chart canvas').first().waitFor();
    // Each small item grouping (popularity, new) also gets its groups' share of every prefix.
    await expect(
      page.locator('main figure.chart[aria-label*="各前缀中的群体占比"]').count(),
    ).resolves.toBeGreaterThan(0);
    // The live exposure of this server process: model order against served, per category.
    await page.locator('main section.panel h2', { hasText: '实时曝光（本服务进程）' }).waitFor();
    await page
      .locator('main table caption', { hasText: /category\|0\.8 · 模型版本 \d+ · 20 次推荐 · 基尼系数/ })
      .waitFor();
    await expect(
      page.locator('main figure.chart[aria-label*="category|0.8 · 模型版本"]').count(),
    ).resolves.toBeGreaterThan(0);
    await screenshot(page, 'fairness');

    // Explain: the first home-feed item of the most active shopper.
    const stats = (await (await fetch(`${openBase}/stats/activity?topUsers=1`)).json()) as {
      topUsers: { userId: string }[];
    };
    const userId = stats.topUsers[0]!.userId;
    const feed = (await (await fetch(`${openBase}/recommend/${userId}?k=3`)).json()) as {
      items: { itemId: string; reasons: { weight: number }[] }[];
    };
    const itemId = feed.items[0]!.itemId;
    await page.locator('[data-nav=explain]').click();
    await page.locator('#explain-user').fill(userId);
    await page.locator('#explain-item').fill(itemId);
    await page.locator('#explain-item').press('Enter');
    await page.getByTestId('explain-text').waitFor();
    await page.locator('main figure.chart canvas').first().waitFor();
    await expect(page.getByTestId('explain-output').textContent()).resolves.toContain('第 1 位');
    const weights = await page
      .locator('main table', { hasText: '理由与权重' })
      .first()
      .locator('tbody tr td:last-child')
      .allTextContents();
    expect(weights.map(Number)).toEqual(
      feed.items[0]!.reasons.map((reason) => Number(reason.weight.toFixed(4))).sort(
        (a, b) => Math.abs(b) - Math.abs(a),
      ),
    );
    await screenshot(page, 'explain');

    // Phone width: the storefront reflows without sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-nav=shop]').click();
    await page.getByTestId('home-feed').waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(Number(overflow)).toBeLessThanOrEqual(1);
    await screenshot(page, 'storefront-phone');
    await page.context().close();
  }, 90_000);

  it('re-admits a quarantined record once the admin key is entered', async () => {
    const post = await fetch(`${securedBase}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify([{ id: 'e2e-fixme', categoryPath: ['服装', 'T恤'], price: 59, brand: 'E2E' }]),
    });
    const ingest = (await post.json()) as { quarantined: number };
    expect(ingest.quarantined).toBe(1);
    const list = (await (
      await fetch(`${securedBase}/quarantine?status=open&limit=1000`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      })
    ).json()) as { records: { id: number; record: { id?: string } | null }[] };
    const record = list.records.find((entry) => entry.record?.id === 'e2e-fixme')!;
    expect(record).toBeDefined();

    const page = await newPage(securedBase);
    const failures: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failures.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    await page.goto(`${securedBase}/#/quality`);
    // Without a key the page says what is needed.
    await page.locator('main .notice.error').first().waitFor();
    await expect(page.locator('main .notice.error').first().textContent()).resolves.toContain('API 密钥');
    expect(failures.every((failure) => failure.startsWith('401'))).toBe(true);

    await page.locator('details.key summary').click();
    await page.locator('#api-key').fill(ADMIN_KEY);
    await page.locator('#api-key').press('Enter');
    await page.getByTestId(`readmit-${record.id}`).waitFor();
    await expect(page.evaluate('sessionStorage.getItem("aisle.apiKey")')).resolves.toBe(ADMIN_KEY);

    // A re-admit without the fix fails and says why; with the fix it is stored.
    await page.getByTestId(`readmit-${record.id}`).click();
    await page
      .getByTestId(`outcome-${record.id}`)
      .filter({ hasText: /仍未通过校验.*title/ })
      .waitFor();
    await page.getByTestId(`fix-${record.id}`).fill('{"title": "E2E 修好的红色T恤"}');
    await page.getByTestId(`readmit-${record.id}`).click();
    await page.getByTestId(`outcome-${record.id}`).filter({ hasText: '已重新接纳' }).waitFor();
    await screenshot(page, 'quality-readmitted');
    const item = await fetch(`${securedBase}/items/e2e-fixme`, {
      headers: { authorization: `Bearer ${SHOP_KEY}` },
    });
    expect(item.status).toBe(200);
    expect(((await item.json()) as { title: string }).title).toBe('E2E 修好的红色T恤');
    await page.context().close();
  });

  it('logged no console errors on the open server', () => {
    expect(consoleErrors).toEqual([]);
  });
});
