/** Data quality: the quality report, suspicious users and items to review, the quarantine. */
import { getJson, postJson } from '../api.js';
import { chart } from '../charts.js';
import { formatCount, formatTime, h, replace } from '../dom.js';
import { t } from '../i18n.js';
import type { Finding, QualityReport, QuarantineList, QuarantineRecord } from '../types.js';
import { errorNotice, load, notice, section, statCards, table } from '../widgets.js';

const STATUS_LEVEL: Record<string, number> = { pass: 0, ok: 0, warn: 1, fail: 2, error: 2 };

function badge(status: string): HTMLElement {
  return h('span', { class: `badge ${status}` }, status);
}

function json(value: unknown): HTMLElement {
  return h('details', {}, h('summary', {}, t('evidence')), h('pre', {}, JSON.stringify(value, null, 2)));
}

function checksChart(report: QualityReport): HTMLElement | null {
  const names = Object.keys(report.checks);
  const runs = [
    ...new Set(names.flatMap((name) => report.checks[name]!.trend.map((point) => point.runId))),
  ].sort((a, b) => a - b);
  if (runs.length === 0) return null;
  const data = names.flatMap((name, y) =>
    report.checks[name]!.trend.map((point) => [
      runs.indexOf(point.runId),
      y,
      STATUS_LEVEL[point.status] ?? 1,
    ]),
  );
  return chart(
    `${t('checks')} · ${t('trend')}`,
    {
      tooltip: {},
      grid: { left: 110, right: 16, top: 10, bottom: 50 },
      xAxis: { type: 'category', data: runs.map(String), name: 'run' },
      yAxis: { type: 'category', data: names },
      visualMap: {
        min: 0,
        max: 2,
        show: true,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemWidth: 10,
        text: ['fail', 'pass'],
        inRange: { color: ['#2f9e44', '#f08c00', '#e03131'] },
      },
      series: [{ type: 'heatmap', data }],
    },
    Math.max(160, names.length * 28 + 70),
  );
}

function findingsTable(caption: string, findings: Finding[], reload: () => void): HTMLElement {
  const review = async (finding: Finding, decision: string, cell: HTMLElement) => {
    try {
      await postJson(`/quality/findings/${finding.flagId}/review`, { decision });
      reload();
    } catch (error) {
      replace(cell, errorNotice(error));
    }
  };
  return table(
    caption,
    ['#', t('detector'), t('score'), t('action'), t('status'), t('summary'), t('evidence'), t('review')],
    findings.map((finding) => {
      const cell = h('div', { class: 'buttons' });
      for (const decision of ['confirm', 'readmit', 'reopen'] as const)
        cell.append(
          h(
            'button',
            {
              type: 'button',
              'aria-label': `${t(decision)} ${finding.subject} ${finding.id}`,
              onclick: () => void review(finding, decision, cell),
            },
            t(decision),
          ),
        );
      return [
        finding.id,
        finding.detector,
        finding.score.toFixed(2),
        finding.action,
        badge(finding.status),
        finding.message,
        json(finding.evidence),
        cell,
      ];
    }),
  );
}

async function reportView(reload: () => void): Promise<Node[]> {
  const report = await getJson<QualityReport>('/quality/report?runs=20&top=20');
  const names = Object.keys(report.checks);
  const detectors = Object.entries(report.findings.byDetector);
  return [
    statCards(t('qualityReport'), [
      [t('latestRun'), report.latest ? `#${report.latest.runId} · ${report.latest.status}` : '—'],
      [t('findings'), formatCount(report.findings.total)],
      [t('awaitingReview'), formatCount(report.findings.awaitingReview)],
    ]),
    table(
      t('checks'),
      [t('checks'), t('status'), t('summary'), t('latestRun')],
      names.map((name) => {
        const latest = report.checks[name]!.latest;
        return [name, latest ? badge(latest.status) : '—', latest?.summary ?? '—', formatTime(latest?.at)];
      }),
    ),
    checksChart(report) ?? h('span'),
    detectors.length > 0
      ? chart(t('findings'), {
          tooltip: { trigger: 'axis' },
          legend: { top: 0 },
          grid: { left: 48, right: 16, top: 30, bottom: 28 },
          xAxis: { type: 'category', data: detectors.map(([name]) => name) },
          yAxis: { type: 'value' },
          series: [...new Set(detectors.flatMap(([, counts]) => Object.keys(counts)))].map((status) => ({
            name: status,
            type: 'bar',
            stack: 'findings',
            data: detectors.map(([, counts]) => counts[status] ?? 0),
          })),
        })
      : h('span'),
    findingsTable(t('suspiciousUsers'), report.topUsers, reload),
    findingsTable(t('suspiciousItems'), report.topItems, reload),
  ];
}

function quarantineRow(record: QuarantineRecord, reload: () => void): (Node | string | number)[] {
  const fixId = `fix-${record.id}`;
  const fix = h('textarea', { id: fixId, rows: 2, spellcheck: 'false', 'data-testid': `fix-${record.id}` });
  const outcome = h('div', { role: 'status', class: 'outcome', 'data-testid': `outcome-${record.id}` });
  const readmit = async () => {
    let set: Record<string, unknown> | undefined;
    if (fix.value.trim()) {
      try {
        const parsed = JSON.parse(fix.value) as unknown;
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
        set = parsed as Record<string, unknown>;
      } catch {
        replace(outcome, notice(t('invalidJson'), 'error'));
        return;
      }
    }
    try {
      const result = await postJson<{
        readmitted: boolean;
        problems?: { field: string | null; message: string }[];
      }>(`/quarantine/${record.id}/readmit`, set ? { set } : {});
      if (result.readmitted) {
        replace(outcome, notice(`✓ ${t('readmitted')}`));
        window.setTimeout(reload, 1200);
      } else
        replace(
          outcome,
          notice(
            `${t('readmitFailed')}: ${(result.problems ?? []).map((problem) => `${problem.field ?? ''} ${problem.message}`).join('; ')}`,
            'error',
          ),
        );
    } catch (error) {
      replace(outcome, errorNotice(error));
    }
  };
  const discard = async () => {
    try {
      await postJson(`/quarantine/${record.id}/discard`);
      replace(outcome, notice(t('discarded')));
      window.setTimeout(reload, 1200);
    } catch (error) {
      replace(outcome, errorNotice(error));
    }
  };
  return [
    record.id,
    record.kind,
    `${record.source}${record.line !== null ? `:${record.line}` : ''}`,
    h(
      'ul',
      { class: 'problems' },
      record.problems.map((problem) =>
        h('li', {}, h('code', {}, problem.reason), ` ${problem.field ?? ''}: ${problem.message}`),
      ),
    ),
    h(
      'details',
      {},
      h('summary', {}, t('record')),
      h('pre', {}, JSON.stringify(record.record, null, 2) ?? record.raw),
    ),
    h(
      'div',
      { class: 'fix' },
      h('label', { for: fixId }, t('fix')),
      fix,
      h(
        'div',
        { class: 'buttons' },
        h(
          'button',
          { type: 'button', 'data-testid': `readmit-${record.id}`, onclick: () => void readmit() },
          t('readmit'),
        ),
        h('button', { type: 'button', onclick: () => void discard() }, t('discard')),
      ),
      outcome,
    ),
  ];
}

async function quarantineView(reload: () => void): Promise<Node[]> {
  const list = await getJson<QuarantineList>('/quarantine?status=open&limit=50');
  const reasons = Object.entries(list.byReason).sort((a, b) => b[1] - a[1]);
  return [
    reasons.length > 0
      ? chart(
          t('quarantineByReason'),
          {
            tooltip: {},
            grid: { left: 160, right: 16, top: 10, bottom: 24 },
            xAxis: { type: 'value' },
            yAxis: { type: 'category', data: reasons.map(([reason]) => reason), inverse: true },
            series: [{ type: 'bar', data: reasons.map(([, count]) => count) }],
          },
          Math.max(120, reasons.length * 26 + 40),
        )
      : h('span'),
    list.records.length === 0
      ? notice(t('noQuarantine'))
      : table(
          t('quarantine'),
          ['#', t('kind'), t('source'), t('problems'), t('record'), t('review')],
          list.records.map((record) => quarantineRow(record, reload)),
        ),
  ];
}

/** Draws `#/quality`. */
export async function renderQuality(main: HTMLElement): Promise<void> {
  const report = h('div');
  const quarantine = h('div', { 'data-testid': 'quarantine' });
  const reloadReport = () => void load(report, () => reportView(reloadReport));
  const reloadQuarantine = () => void load(quarantine, () => quarantineView(reloadQuarantine));
  replace(
    main,
    h('h1', {}, t('navQuality')),
    section(t('quarantine'), quarantine),
    section(t('qualityReport'), report),
  );
  await Promise.all([
    load(quarantine, () => quarantineView(reloadQuarantine)),
    load(report, () => reportView(reloadReport)),
  ]);
}
