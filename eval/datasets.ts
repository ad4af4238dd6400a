import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Granularity } from '../functions/core/model';
import type { SeriesPoint } from '../functions/detection/types';

/**
 * Real series, read in place from the shared data folder (never copied into the repo). Each loader
 * returns the series or the reason it was skipped, so the report can say what it did not use.
 */
export interface RealSeries {
  id: string;
  granularity: Granularity;
  country?: string;
  points: SeriesPoint[];
}

export type Loaded<T> = { ok: true; value: T } | { ok: false; dataset: string; reason: string };

function read(dataDir: string, rel: string, dataset: string): Loaded<string> {
  const path = join(dataDir, rel);
  if (!existsSync(path)) return { ok: false, dataset, reason: `${path} not found` };
  return { ok: true, value: readFileSync(path, 'utf8') };
}

/** Splits one CSV line, honouring double quotes. */
function csvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** BTS San Ysidro, one monthly series per measure. Duplicate (month, measure) rows keep the first. */
export function loadSanYsidro(dataDir: string, measures: readonly string[]): Loaded<{ series: RealSeries[]; duplicates: number }> {
  const dataset = 'bts-border-crossing-san-ysidro';
  const text = read(dataDir, `${dataset}/Border_Crossing_Entry_Data.csv`, dataset);
  if (!text.ok) return text;
  const byMeasure = new Map<string, Map<string, number>>();
  let duplicates = 0;
  for (const line of text.value.split(/\r?\n/).slice(1)) {
    if (!line.trim()) continue;
    const c = csvLine(line);
    const [mon, year] = (c[4] ?? '').split(' ');
    const m = MONTHS.indexOf(mon ?? '');
    const measure = c[5] ?? '';
    const value = Number(c[6]);
    if (m < 0 || !year || !measures.includes(measure)) continue;
    const period = `${year}-${String(m + 1).padStart(2, '0')}`;
    const series = byMeasure.get(measure) ?? new Map<string, number>();
    if (series.has(period)) duplicates++;
    else series.set(period, value);
    byMeasure.set(measure, series);
  }
  const series = [...byMeasure].map(([measure, values]) => ({
    id: `san-ysidro/${measure}`,
    granularity: 'month' as const,
    country: 'US',
    points: [...values].sort(([a], [b]) => a.localeCompare(b)).map(([period, value]) => ({ period, value })),
  }));
  return { ok: true, value: { series, duplicates } };
}

/** NAB nyc_taxi: 30-minute passenger counts summed per day (only complete days), with NAB's labeled windows. */
export function loadNycTaxi(dataDir: string): Loaded<{ series: RealSeries; windows: Array<[string, string]> }> {
  const dataset = 'nab-nyc-taxi';
  const csv = read(dataDir, `${dataset}/nyc_taxi.csv`, dataset);
  if (!csv.ok) return csv;
  const labels = read(dataDir, `${dataset}/nyc_taxi_labels.json`, dataset);
  if (!labels.ok) return labels;
  const sums = new Map<string, { sum: number; n: number }>();
  for (const line of csv.value.split(/\r?\n/).slice(1)) {
    const [ts, v] = line.split(',');
    if (!ts || v === undefined) continue;
    const day = ts.slice(0, 10);
    const acc = sums.get(day) ?? { sum: 0, n: 0 };
    acc.sum += Number(v);
    acc.n++;
    sums.set(day, acc);
  }
  const points = [...sums]
    .filter(([, a]) => a.n === 48)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, a]) => ({ period, value: a.sum }));
  const parsed = JSON.parse(labels.value) as { windows: Array<[string, string]> };
  const windows = parsed.windows.map(([a, b]) => [a.slice(0, 10), b.slice(0, 10)] as [string, string]);
  return { ok: true, value: { series: { id: 'nab/nyc_taxi-daily', granularity: 'day', country: 'US', points }, windows } };
}

/** Southeast Finland (Imatra + Nuijamaa + Vaalimaa), Russians entering, 14-26 Sept 2022, as the press reported it. */
export function loadFinland(dataDir: string): Loaded<RealSeries> {
  const dataset = 'fi-border-2022';
  const text = read(dataDir, `${dataset}/russians_entering_finland_daily_sept2022.csv`, dataset);
  if (!text.ok) return text;
  const points = text.value
    .split(/\r?\n/)
    .slice(1)
    .map(csvLine)
    .filter((c) => c[1] === 'southeast_finland_3_points')
    .map((c) => ({ period: c[0]!, value: Number(c[2]) }))
    .sort((a, b) => a.period.localeCompare(b.period));
  return { ok: true, value: { id: 'fi/southeast-3-points', granularity: 'day', country: 'FI', points } };
}
