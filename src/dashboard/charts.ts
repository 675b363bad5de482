/** Apache ECharts, loaded from the server (/vendor/echarts.min.js) the first time a chart is drawn. */

interface EChart {
  setOption(option: unknown, notMerge?: boolean): void;
  resize(): void;
  dispose(): void;
}

interface ECharts {
  init(element: HTMLElement, theme?: string | null, options?: { renderer?: string }): EChart;
}

declare global {
  interface Window {
    echarts?: ECharts;
  }
}

let loading: Promise<ECharts> | undefined;
const live = new Set<EChart>();

function loadECharts(): Promise<ECharts> {
  loading ??= new Promise<ECharts>((resolve, reject) => {
    if (window.echarts) {
      resolve(window.echarts);
      return;
    }
    const script = document.createElement('script');
    script.src = '/vendor/echarts.min.js';
    script.onload = () =>
      window.echarts ? resolve(window.echarts) : reject(new Error('echarts did not load'));
    script.onerror = () => reject(new Error('Could not load /vendor/echarts.min.js'));
    document.head.appendChild(script);
  });
  return loading;
}

/**
 * Draws a chart into a new figure element (with an accessible name, since a canvas says nothing to
 * a screen reader) and returns the figure; the chart is drawn once ECharts has loaded.
 */
export function chart(label: string, option: Record<string, unknown>, height = 280): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'chart';
  figure.setAttribute('role', 'img');
  figure.setAttribute('aria-label', label);
  figure.style.height = `${height}px`;
  // The figure is put into the page after this returns: draw once it is there (or give up when the
  // page it was made for is gone before that).
  let frames = 0;
  const draw = (echarts: ECharts) => {
    if (!figure.isConnected) {
      if (++frames < 120) requestAnimationFrame(() => draw(echarts));
      return;
    }
    const instance = echarts.init(figure, null, { renderer: 'canvas' });
    instance.setOption({ animation: false, aria: { enabled: true }, ...option });
    live.add(instance);
  };
  void loadECharts().then(draw);
  return figure;
}

/** Disposes every chart (before a page is replaced). */
export function disposeCharts(): void {
  for (const instance of live) instance.dispose();
  live.clear();
}

window.addEventListener('resize', () => {
  for (const instance of live) instance.resize();
});
