/** The page's line charts (uPlot), updated in place when their lines are the same as last time. */
import uPlot from 'uplot';
import type { CurvesView, MetricSeries, Series } from '../../../core/dashboard/index.ts';

const PALETTE = [
  '#2457c5',
  '#d9480f',
  '#2b8a3e',
  '#862e9c',
  '#e67700',
  '#0b7285',
  '#c2255c',
  '#5c940d',
  '#364fc7',
  '#a61e4d',
];

const charts = new Map<string, { plot: uPlot; signature: string }>();

export interface Line {
  label: string;
  values: Series;
  width?: number;
  dash?: number[];
}

/** Draws (or updates in place) a line chart in `el`; `data-points` counts the plotted values, for people and tests alike. */
export function lineChart(el: HTMLElement, key: string, x: number[], lines: Line[], yLabel: string): void {
  const data = [x, ...lines.map((l) => l.values)] as uPlot.AlignedData;
  const signature = lines.map((l) => l.label).join('|');
  const points = lines.filter((l) => !l.dash).reduce((n, l) => n + l.values.filter((v) => v !== null).length, 0);
  el.dataset.points = String(points);
  el.dataset.rounds = String(x.length);
  const existing = charts.get(key);
  if (existing && existing.signature === signature && el.contains(existing.plot.root)) {
    existing.plot.setData(data);
    return;
  }
  existing?.plot.destroy();
  el.replaceChildren();
  const opts: uPlot.Options = {
    width: 560,
    height: 240,
    scales: { x: { time: false } },
    axes: [{ label: 'round' }, { label: yLabel }],
    series: [
      { label: 'round' },
      ...lines.map((l, i) => ({
        label: l.label,
        stroke: l.dash ? '#888' : PALETTE[i % PALETTE.length]!,
        width: l.width ?? 1.5,
        ...(l.dash ? { dash: l.dash } : {}),
        spanGaps: false,
        points: { show: true, size: 5 },
      })),
    ],
  };
  charts.set(key, { plot: new uPlot(opts, data, el), signature });
}

/** The aggregate (thick) and each hospital's line of one metric. */
export function metricLines(c: CurvesView, pick: keyof MetricSeries): Line[] {
  return [
    { label: 'aggregate', values: c.aggregate[pick], width: 3 },
    ...Object.entries(c.hospitals).map(([name, m]) => ({ label: name, values: m[pick] })),
  ];
}
