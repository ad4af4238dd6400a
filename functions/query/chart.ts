import type { StoredObservation } from '../core/model';
import { median, RATIO_TO_MEDIAN_DEFAULTS, type RatioToMedianOptions } from '../detection/ratio-to-median';
import type { SeriesInfo } from '../store/repository';
import { periodStart } from './periods';
import { alertPeriod, type PublicAlert } from './queries';
import { xmlAttr, xmlText } from './xml';

/** Colours are part of the contract: the browser test looks for the alert marker's red. */
export const CHART_COLOURS = {
  background: '#ffffff',
  grid: '#e6e6e6',
  axis: '#555555',
  band: '#cfe1f2',
  expected: '#6b8fb3',
  line: '#1f4e79',
  alert: '#e4002b',
} as const;

export interface BandPoint {
  period: string;
  /** The median of the previous reported values, what the detector expects. */
  expected: number;
  /** Below this, a figure is a drop; above `upper`, a surge. */
  lower: number;
  upper: number;
}

/**
 * The baseline band the ratio-to-median detector judges each figure against: the median of the
 * previous `baselineCount` reported (non-provisional) values, times `dropRatio` and `surgeRatio`.
 * Periods with too little history have no band. Uses the detector's defaults unless told otherwise.
 */
export function baselineBand(observations: readonly Pick<StoredObservation, 'period' | 'value' | 'provisional'>[], options: Partial<RatioToMedianOptions> = {}): BandPoint[] {
  const o = { ...RATIO_TO_MEDIAN_DEFAULTS, ...options };
  const band: BandPoint[] = [];
  const history: number[] = [];
  for (const point of observations) {
    const recent = history.slice(-o.baselineCount);
    if (recent.length >= o.minHistory) {
      const expected = median(recent);
      band.push({ period: point.period, expected, lower: expected * o.dropRatio, upper: expected * o.surgeRatio });
    }
    if (!point.provisional) history.push(point.value);
  }
  return band;
}

export interface ChartInput {
  series: Pick<SeriesInfo, 'seriesId' | 'title' | 'unit' | 'granularity'>;
  observations: readonly StoredObservation[];
  alerts: readonly PublicAlert[];
  width?: number;
  height?: number;
}

const MARGIN = { top: 30, right: 18, bottom: 30, left: 70 };

/** A round step for about `count` ticks up to `max`. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10) * power;
}

const formatNumber = (n: number) => (Math.abs(n) >= 1e6 ? `${+(n / 1e6).toFixed(1)}M` : Math.round(n).toLocaleString('en-US'));
const f = (n: number) => +n.toFixed(1);

/**
 * One series as an SVG chart: the figures as a line with points, the baseline band (the detector's
 * surge and drop thresholds) behind them, the expected value dashed, and a red marker on every
 * period that raised an alert. Pure: the same input always gives the same SVG.
 */
export function renderChart(input: ChartInput): string {
  const width = input.width ?? 760;
  const height = input.height ?? 260;
  const plot = { x: MARGIN.left, y: MARGIN.top, w: width - MARGIN.left - MARGIN.right, h: height - MARGIN.top - MARGIN.bottom };
  const name = input.series.title ?? input.series.seriesId;
  const label = `${name} (${input.series.unit}, per ${input.series.granularity})`;
  const head = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="series-chart" data-series="${xmlAttr(input.series.seriesId)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xmlAttr(label)}" font-family="system-ui, sans-serif" font-size="11">`,
    `<title>${xmlText(label)}</title>`,
    `<rect width="${width}" height="${height}" fill="${CHART_COLOURS.background}"/>`,
    `<text x="${MARGIN.left}" y="18" font-size="13" font-weight="600" fill="#222">${xmlText(label)}</text>`,
    `<rect class="plot-area" x="${plot.x}" y="${plot.y}" width="${plot.w}" height="${plot.h}" fill="${CHART_COLOURS.background}" stroke="${CHART_COLOURS.grid}"/>`,
  ];
  const points = input.observations
    .map((o) => ({ o, t: periodStart(o.period)?.getTime() }))
    .filter((p): p is { o: StoredObservation; t: number } => p.t !== undefined);
  if (points.length === 0) {
    return [...head, `<text class="empty" x="${plot.x + plot.w / 2}" y="${plot.y + plot.h / 2}" text-anchor="middle" fill="${CHART_COLOURS.axis}">no observations in this range</text>`, '</svg>'].join('\n');
  }

  const band = baselineBand(input.observations);
  const bandByPeriod = new Map(band.map((b) => [b.period, b]));
  const t0 = points[0]!.t;
  const t1 = points.length > 1 ? points.at(-1)!.t : t0 + 86_400_000;
  const x = (t: number) => plot.x + ((t - t0) / (t1 - t0 || 1)) * plot.w;
  const maxValue = Math.max(...points.map((p) => p.o.value), ...band.map((b) => b.upper), 1);
  const step = niceStep(maxValue, 5);
  const yMax = Math.ceil(maxValue / step) * step;
  const y = (v: number) => plot.y + plot.h - (Math.max(v, 0) / yMax) * plot.h;

  const parts = [...head];
  for (let v = 0; v <= yMax + step / 2; v += step) {
    parts.push(
      `<line class="grid" x1="${plot.x}" x2="${plot.x + plot.w}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="${CHART_COLOURS.grid}"/>`,
      `<text x="${plot.x - 6}" y="${f(y(v) + 4)}" text-anchor="end" fill="${CHART_COLOURS.axis}">${formatNumber(v)}</text>`,
    );
  }
  const ticks = Math.min(6, points.length);
  for (let i = 0; i < ticks; i++) {
    const p = points[Math.round((i * (points.length - 1)) / Math.max(ticks - 1, 1))]!;
    parts.push(`<text x="${f(x(p.t))}" y="${plot.y + plot.h + 18}" text-anchor="middle" fill="${CHART_COLOURS.axis}">${xmlText(p.o.period)}</text>`);
  }

  // The band in runs of consecutive periods that have one (a gap in history breaks it).
  const runs: Array<Array<{ t: number; b: BandPoint }>> = [];
  let run: Array<{ t: number; b: BandPoint }> = [];
  for (const p of points) {
    const b = bandByPeriod.get(p.o.period);
    if (b) run.push({ t: p.t, b });
    else if (run.length > 0) (runs.push(run), (run = []));
  }
  if (run.length > 0) runs.push(run);
  for (const r of runs) {
    const upper = r.map((q) => `${f(x(q.t))},${f(y(q.b.upper))}`);
    const lower = r.map((q) => `${f(x(q.t))},${f(y(q.b.lower))}`).reverse();
    // A run of one period is drawn as a short bar so it stays visible.
    const widen = r.length === 1 ? [`${f(x(r[0]!.t) + 2)},${f(y(r[0]!.b.upper))}`, `${f(x(r[0]!.t) + 2)},${f(y(r[0]!.b.lower))}`] : [];
    parts.push(`<polygon class="baseline-band" points="${[...upper, ...widen, ...lower].join(' ')}" fill="${CHART_COLOURS.band}"><title>baseline band: drop and surge thresholds</title></polygon>`);
    parts.push(`<polyline class="expected" points="${r.map((q) => `${f(x(q.t))},${f(y(q.b.expected))}`).join(' ')}" fill="none" stroke="${CHART_COLOURS.expected}" stroke-dasharray="4 3"/>`);
  }

  parts.push(`<polyline class="series-line" points="${points.map((p) => `${f(x(p.t))},${f(y(p.o.value))}`).join(' ')}" fill="none" stroke="${CHART_COLOURS.line}" stroke-width="2" stroke-linejoin="round"/>`);
  if (points.length <= 120) {
    for (const p of points) {
      parts.push(`<circle class="point" cx="${f(x(p.t))}" cy="${f(y(p.o.value))}" r="2.5" fill="${CHART_COLOURS.line}"><title>${xmlText(`${p.o.period}: ${formatNumber(p.o.value)}${p.o.provisional ? ' (provisional)' : ''}`)}</title></circle>`);
    }
  }

  const byPeriod = new Map(points.map((p) => [p.o.period, p]));
  for (const alert of input.alerts) {
    const period = alertPeriod(alert);
    const p = period !== undefined ? byPeriod.get(period) : undefined;
    if (!p) continue;
    const cx = f(x(p.t));
    parts.push(
      `<g class="alert-marker" data-alert-id="${xmlAttr(alert.alertId)}" data-period="${xmlAttr(p.o.period)}">`,
      `<title>${xmlText(`${alert.kind} (${alert.severity}) ${p.o.period}: ${alert.message.subject}`)}</title>`,
      `<line x1="${cx}" x2="${cx}" y1="${plot.y}" y2="${plot.y + plot.h}" stroke="${CHART_COLOURS.alert}" stroke-dasharray="3 3"/>`,
      `<circle cx="${cx}" cy="${f(y(p.o.value))}" r="7" fill="${CHART_COLOURS.alert}" stroke="#ffffff" stroke-width="1.5"/>`,
      '</g>',
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
