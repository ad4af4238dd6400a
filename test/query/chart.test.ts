import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import type { StoredObservation } from '../../functions/core/model';
import { baselineBand, CHART_COLOURS, renderChart } from '../../functions/query/chart';
import { publicAlert } from '../../functions/query/queries';
import { alertOf, FINLAND_FIGURES, FINLAND_SERIES } from './fixtures';

const observations: StoredObservation[] = FINLAND_FIGURES.map(([period, value]) => ({
  seriesId: FINLAND_SERIES,
  period,
  value,
  unit: 'persons',
  sourceId: 'demo',
  snapshotId: 's',
  firstSeenAt: period,
  updatedAt: period,
  revisions: 0,
}));
const series = { seriesId: FINLAND_SERIES, title: 'Russians entering <Finland>', unit: 'persons', granularity: 'day' as const };
const surge = publicAlert(alertOf({ alertId: 'fi-surge-0922', createdAt: '2022-09-23T06:00:05.000Z' }));
const svg = (alerts = [surge], obs = observations) => load(renderChart({ series, observations: obs, alerts }), { xml: true });

describe('baseline band', () => {
  it('has no band until the detector has enough history', () => {
    expect(baselineBand(observations).map((b) => b.period)[0]).toBe('2022-09-20');
  });

  it('spans the drop and surge thresholds around the median of the previous values', () => {
    const onSurgeDay = baselineBand(observations).find((b) => b.period === '2022-09-22')!;
    // Median of the previous five (2794, 2874, 2804, 3099, 4443) is 2874.
    expect(onSurgeDay).toEqual({ period: '2022-09-22', expected: 2874, lower: 1437, upper: 5748 });
  });

  it('leaves provisional figures out of the baseline', () => {
    const withProvisional = observations.map((o) => (o.period === '2022-09-21' ? { ...o, provisional: true } : o));
    expect(baselineBand(withProvisional).find((b) => b.period === '2022-09-22')!.expected).toBe(2839);
  });
});

describe('series chart', () => {
  it('is an SVG image labelled with the series', () => {
    const $ = svg();
    expect($('svg').attr('role')).toBe('img');
    expect($('svg > title').text()).toBe('Russians entering <Finland> (persons, per day)');
  });

  it('draws one point per observation on the line', () => {
    const $ = svg();
    expect($('polyline.series-line').attr('points')!.split(' ')).toHaveLength(observations.length);
    expect($('circle.point')).toHaveLength(observations.length);
  });

  it('draws the baseline band behind the line', () => {
    const $ = svg();
    expect($('polygon.baseline-band')).toHaveLength(1);
    expect($('polygon.baseline-band').attr('fill')).toBe(CHART_COLOURS.band);
    expect($('*').toArray().findIndex((e) => $(e).is('polygon.baseline-band'))).toBeLessThan($('*').toArray().findIndex((e) => $(e).is('polyline.series-line')));
  });

  it('marks the alert on the period that raised it, at that figure', () => {
    const $ = svg();
    const marker = $('g.alert-marker');
    expect(marker).toHaveLength(1);
    expect(marker.attr('data-period')).toBe('2022-09-22');
    const point = $('circle.point').eq(5); // 2022-09-22
    expect(marker.find('circle').attr('cx')).toBe(point.attr('cx'));
    expect(marker.find('circle').attr('cy')).toBe(point.attr('cy'));
    expect(marker.find('circle').attr('fill')).toBe(CHART_COLOURS.alert);
  });

  it('draws no marker for an alert outside the observations shown', () => {
    expect(svg([publicAlert(alertOf({ alertId: 'old', createdAt: '2022-01-01T00:00:00.000Z', period: '2022-01-01', message: { ...surge.message, json: {} } }))])('g.alert-marker')).toHaveLength(0);
  });

  it('keeps every drawn coordinate inside the image', () => {
    const numbers = renderChart({ series, observations, alerts: [surge] })
      .match(/(?:points|cx|cy|x1|x2|y1|y2)="[^"]*"/g)!
      .flatMap((attr) => attr.replace(/^[a-z0-9]+="|"$/g, '').split(/[ ,]/).map(Number));
    expect(Math.min(...numbers)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...numbers)).toBeLessThanOrEqual(760);
  });

  it('says so when there is nothing to draw', () => {
    expect(svg([], [])('text.empty').text()).toBe('no observations in this range');
  });
});
