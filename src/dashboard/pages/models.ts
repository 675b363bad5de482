/** Models: the served model, stored versions with their offline figures, comparison, retraining. */
import { getJson, postJson } from '../api.js';
import { chart } from '../charts.js';
import { formatCount, formatTime, h, replace } from '../dom.js';
import { t } from '../i18n.js';
import type { ModelState, StoredModels, TrainedInfo } from '../types.js';
import { errorNotice, load, notice, section, statCards, table } from '../widgets.js';

type Version = StoredModels['artifacts'][number] & { trained: TrainedInfo };

/** The figures compared side by side, each read from a version's training summary. */
const FIGURES: [string, (info: TrainedInfo) => string][] = [
  ['model', (info) => info.model],
  ['trainedAt', (info) => formatTime(info.trainedAt)],
  ['users', (info) => formatCount(info.users)],
  ['items', (info) => formatCount(info.items)],
  ['interactions', (info) => formatCount(info.interactions)],
  ['fitSeconds', (info) => info.fitSeconds.toFixed(2)],
  ['hitRate', (info) => info.calibration?.hitRate.toFixed(4) ?? '—'],
  ['hitRate (popular)', (info) => info.popularityCalibration?.hitRate.toFixed(4) ?? '—'],
  ['hitRate (similar)', (info) => info.similarCalibration?.hitRate.toFixed(4) ?? '—'],
  ['config', (info) => JSON.stringify(info.config ?? {})],
];

function label(name: string): string {
  const known: Record<string, Parameters<typeof t>[0]> = {
    model: 'model',
    trainedAt: 'trainedAt',
    users: 'users',
    items: 'items',
    interactions: 'interactions',
    fitSeconds: 'fitSeconds',
    hitRate: 'hitRate',
  };
  const key = known[name];
  return key ? t(key) : name;
}

function comparison(versions: Version[]): HTMLElement {
  const output = h('div', { 'aria-live': 'polite' });
  const select = (id: string, text: string, initial: Version | undefined) =>
    h(
      'label',
      { for: id },
      `${text} `,
      h(
        'select',
        { id, onchange: () => draw() },
        versions.map((version) =>
          h(
            'option',
            { value: `${version.name}:${version.version}`, selected: version === initial },
            `${version.name} v${version.version}`,
          ),
        ),
      ),
    );
  const a = select('compare-a', t('compareA'), versions.at(-2) ?? versions[0]);
  const b = select('compare-b', t('compareB'), versions.at(-1));
  const draw = () => {
    const pick = (labelElement: HTMLElement) => {
      const value = labelElement.querySelector('select')!.value;
      return versions.find((version) => `${version.name}:${version.version}` === value)!;
    };
    const left = pick(a);
    const right = pick(b);
    replace(
      output,
      table(
        t('compare'),
        [t('metric'), `${left.name} v${left.version}`, `${right.name} v${right.version}`],
        FIGURES.map(([name, read]) => [label(name), read(left.trained), read(right.trained)]),
      ),
    );
  };
  const element = h('div', { class: 'compare' }, h('div', { class: 'buttons' }, a, b), output);
  draw();
  return element;
}

async function versionsView(): Promise<Node[]> {
  const stored = await getJson<StoredModels>('/stats/models');
  const versions = stored.artifacts.filter((artifact): artifact is Version => artifact.trained !== null);
  const nodes: Node[] = [
    table(
      t('storedVersions'),
      [t('model'), t('version'), t('trainedAt'), t('interactions'), t('fitSeconds'), t('hitRate')],
      versions.map((version) => [
        `${version.name} (${version.trained.model})`,
        version.version,
        formatTime(version.createdAt),
        formatCount(version.trained.interactions),
        version.trained.fitSeconds.toFixed(2),
        version.trained.calibration?.hitRate.toFixed(4) ?? '—',
      ]),
    ),
  ];
  if (versions.length > 0)
    nodes.push(
      chart(t('hitRate'), {
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 48, right: 48, top: 30, bottom: 28 },
        xAxis: { type: 'category', data: versions.map((version) => `v${version.version}`) },
        yAxis: [
          { type: 'value', name: t('hitRate') },
          { type: 'value', name: 's' },
        ],
        series: [
          {
            name: t('hitRate'),
            type: 'line',
            data: versions.map((v) => v.trained.calibration?.hitRate ?? null),
          },
          {
            name: t('fitSeconds'),
            type: 'bar',
            yAxisIndex: 1,
            data: versions.map((v) => v.trained.fitSeconds),
          },
        ],
      }),
    );
  if (versions.length >= 2) nodes.push(h('h3', {}, t('compare')), comparison(versions));
  nodes.push(h('h3', {}, t('evaluations')));
  if (stored.evaluations.length === 0) nodes.push(notice(t('noEvaluations')));
  for (const report of stored.evaluations) {
    const metrics = (report.body['metrics'] ?? {}) as Record<string, number>;
    nodes.push(
      table(
        `${String(report.body['model'] ?? report.kind)} · ${String(report.body['protocol'] ?? '')} · ${formatTime(report.createdAt)}`,
        [t('metric'), t('value')],
        Object.entries(metrics).map(([name, value]) => [
          name,
          typeof value === 'number' ? value.toFixed(4) : String(value),
        ]),
      ),
    );
  }
  return nodes;
}

/** Draws `#/models`; a retrain is followed by polling GET /model until it finishes. */
export async function renderModels(main: HTMLElement): Promise<() => void> {
  const served = h('div');
  const versions = h('div');
  const progress = h('p', { role: 'status', 'aria-live': 'polite', 'data-testid': 'train-status' });
  let timer: number | undefined;
  const showServed = () =>
    load(served, async () => {
      const state = await getJson<ModelState>('/model');
      const info = state.served;
      return [
        info
          ? statCards(t('servedModel'), [
              [t('model'), `${info.model} v${info.version}`],
              [t('trainedAt'), formatTime(info.trainedAt)],
              [t('hitRate'), info.calibration?.hitRate.toFixed(4) ?? '—'],
              [t('fitSeconds'), info.fitSeconds.toFixed(2)],
            ])
          : notice(t('none')),
        h(
          'p',
          { class: 'muted' },
          `${t('lastTraining')}: ${formatTime(state.training.lastFinishedAt)}${state.training.lastError ? ` · ${state.training.lastError}` : ''}`,
        ),
      ];
    });
  const watch = (startedAt: number, before: number | null) => {
    window.clearInterval(timer);
    timer = window.setInterval(async () => {
      try {
        const state = await getJson<ModelState>('/model');
        if (state.training.running) {
          progress.textContent = `${t('training')} ${t('elapsed', { s: Math.round((Date.now() - startedAt) / 1000) })}`;
          return;
        }
        window.clearInterval(timer);
        button.disabled = false;
        progress.textContent = state.training.lastError
          ? t('trainingFailed', { e: state.training.lastError })
          : t('trainingDone', { v: state.training.lastVersion ?? before ?? '—' });
        void showServed();
        void load(versions, versionsView);
      } catch (error) {
        window.clearInterval(timer);
        button.disabled = false;
        replace(progress, errorNotice(error));
      }
    }, 1000);
  };
  const button = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      'data-testid': 'retrain',
      onclick: async () => {
        button.disabled = true;
        try {
          const before = (await getJson<ModelState>('/model')).training.lastVersion;
          await postJson('/model/train');
          progress.textContent = t('trainingStarted');
          watch(Date.now(), before);
        } catch (error) {
          button.disabled = false;
          replace(progress, errorNotice(error));
        }
      },
    },
    t('retrain'),
  );
  replace(
    main,
    h('h1', {}, t('modelsTitle')),
    section(t('servedModel'), served, h('div', { class: 'actions' }, button, progress)),
    section(t('storedVersions'), versions),
  );
  await Promise.all([showServed(), load(versions, versionsView)]);
  return () => window.clearInterval(timer);
}
