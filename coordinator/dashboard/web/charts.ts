/** The page's line charts (uPlot), updated in place when their lines are the same as last time. */
import uPlot from 'uplot';
import { fmt, h } from './dom.ts';
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

/** The aggregate and reference lines' colours: never a hospital's. */
const AGGREGATE = '#1d2330';
const REFERENCE = '#888';

/**
 * Dash patterns and point sizes by a hospital's rank among the chart's lines:
 * hospitals with equal values draw on top of one another, and these keep each
 * of them visible (alternating dashes, concentric points).
 */
const DASHES = [[], [10, 5], [3, 4], [12, 4, 3, 4], [6, 6], [2, 8]];
// Decreasing: a later (smaller) point draws inside an earlier one at the same value, as a ring within a ring.
const POINT_SIZES = [16, 12, 8, 5, 14, 10];

/**
 * One colour per hospital name, the same on every chart and after every
 * reload: the palette indexed by a hash (FNV-1a) of the name, not by the
 * line's position, which changes with the set of lines a chart draws.
 */
export function hospitalColour(name: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

const charts = new Map<string, { plot: uPlot; signature: string; legend: HTMLElement }>();

export interface Line {
  label: string;
  values: Series;
  width?: number;
  /** A reference line (the target, train loss): grey and dashed, and not counted in `data-points`. */
  dash?: number[];
  /** The aggregate line: thick and dark. */
  aggregate?: boolean;
}

/** How each line is drawn: hospitals by name (colour) and rank (dash, point size). */
export function lineStyles(lines: Line[]): { label: string; stroke: string; dash: number[]; points: number }[] {
  let rank = 0;
  return lines.map((l) => {
    if (l.dash) return { label: l.label, stroke: REFERENCE, dash: l.dash, points: 5 };
    if (l.aggregate) return { label: l.label, stroke: AGGREGATE, dash: [], points: 5 };
    const r = rank++;
    return {
      label: l.label,
      stroke: hospitalColour(l.label),
      dash: DASHES[r % DASHES.length]!,
      points: POINT_SIZES[r % POINT_SIZES.length]!,
    };
  });
}

/** Draws (or updates in place) a line chart in `el`; `data-points` counts the plotted values, for people and tests alike. */
export function lineChart(el: HTMLElement, key: string, x: number[], lines: Line[], yLabel: string): void {
  const data = [x, ...lines.map((l) => l.values)] as uPlot.AlignedData;
  const signature = lines.map((l) => l.label).join('|');
  const points = lines.filter((l) => !l.dash).reduce((n, l) => n + l.values.filter((v) => v !== null).length, 0);
  el.dataset.points = String(points);
  el.dataset.rounds = String(x.length);
  const styles = lineStyles(lines);
  // What each line looks like, for tests (distinct styles, one colour per hospital across charts).
  el.dataset.styles = JSON.stringify(styles);
  const existing = charts.get(key);
  if (existing && existing.signature === signature && el.contains(existing.plot.root)) {
    existing.plot.setData(data);
    legend(existing.legend, lines, styles);
    return;
  }
  existing?.plot.destroy();
  el.replaceChildren();
  const box = h('ul', { class: 'legend' });
  const opts: uPlot.Options = {
    width: 560,
    height: 240,
    scales: { x: { time: false } },
    // The legend below (legend()) lists every line with its value, coincident ones included.
    legend: { show: false },
    axes: [{ label: 'round' }, { label: yLabel }],
    series: [
      { label: 'round' },
      ...lines.map((l, i) => ({
        label: l.label,
        stroke: styles[i]!.stroke,
        width: l.width ?? 1.5,
        ...(styles[i]!.dash.length > 0 ? { dash: styles[i]!.dash } : {}),
        spanGaps: false,
        points: { show: true, size: styles[i]!.points, stroke: styles[i]!.stroke, fill: '#fff' },
      })),
    ],
  };
  const plot = new uPlot(opts, data, el);
  el.append(box);
  legend(box, lines, styles);
  charts.set(key, { plot, signature, legend: box });
}

/** Each line with its swatch (colour and dash) and its latest value: coincident lines stay listed one by one. */
function legend(el: HTMLElement, lines: Line[], styles: ReturnType<typeof lineStyles>): void {
  el.replaceChildren(
    ...lines.map((l, i) => {
      const s = styles[i]!;
      const last = [...l.values].reverse().find((v) => v !== null);
      const swatch = h('span', { class: 'swatch' });
      swatch.style.borderTop = `3px ${s.dash.length > 0 ? (s.dash[0]! <= 3 ? 'dotted' : 'dashed') : 'solid'} ${s.stroke}`;
      return h(
        'li',
        { 'data-label': l.label },
        swatch,
        h('span', {}, l.label),
        h('span', { class: 'num' }, fmt(last, 4)),
      );
    }),
  );
}

/** The aggregate (thick) and each hospital's line of one metric. */
export function metricLines(c: CurvesView, pick: keyof MetricSeries): Line[] {
  return [
    { label: 'aggregate', values: c.aggregate[pick], width: 3, aggregate: true },
    ...Object.entries(c.hospitals).map(([name, m]) => ({ label: name, values: m[pick] })),
  ];
}
