import { describe, expect, it } from 'vitest';
import { ears, ratioToPrevious, robustZ } from '../../functions/detection/references';
import type { DetectionContext, SeriesPoint } from '../../functions/detection/types';

const day: DetectionContext = { seriesId: 'test', granularity: 'day' };
const series = (values: number[]): SeriesPoint[] =>
  values.map((value, i) => ({ period: `2024-03-${String(i + 1).padStart(2, '0')}`, value }));
const base = [100, 104, 97, 101, 99, 103, 96, 100, 102, 98];

describe('EARS C1', () => {
  it('flags a value more than 3 standard deviations above the mean of the previous 7', () => {
    expect(ears('C1').evaluate(series([...base, 130]), day).status).toBe('anomaly');
    expect(ears('C1').evaluate(series([...base, 105]), day).status).toBe('normal');
  });

  it('needs 7 previous values', () => {
    expect(ears('C1').evaluate(series([100, 101, 102, 130]), day).status).toBe('insufficient-history');
  });
});

describe('EARS C2', () => {
  it('leaves the two most recent values out of its baseline (the guard band)', () => {
    // Two high days just before: C1 has absorbed them, C2 has not.
    const values = [...base, 130, 130, 130];
    expect(ears('C2').evaluate(series(values), day).status).toBe('anomaly');
    expect(ears('C1').evaluate(series(values), day).status).toBe('normal');
  });
});

describe('EARS C3', () => {
  it('accumulates three moderate C2 excesses that no single day shows', () => {
    const values = [...base, 106, 106, 106];
    expect(ears('C3').evaluate(series(values), day).status).toBe('anomaly');
    expect(ears('C2').evaluate(series(values), day).status).toBe('normal');
  });
});

describe('robust z-score', () => {
  it('flags a value far from the median in MAD units, and is not moved by one wild baseline value', () => {
    const baseline = Array.from({ length: 28 }, (_, i) => 100 + (i % 5) - 2);
    baseline[10] = 10_000;
    expect(robustZ().evaluate(series([...baseline, 120]), day).status).toBe('anomaly');
    expect(robustZ().evaluate(series([...baseline, 101]), day).status).toBe('normal');
  });
});

describe('today >= 2 x yesterday', () => {
  it('fires on an ordinary weekend peak (why it is only a reference)', () => {
    // A weekday of 1,000 followed by a Saturday of 2,000: routine on the Finnish border.
    expect(ratioToPrevious().evaluate(series([1000, 1000, 2000]), day).direction).toBe('up');
  });

  it('misses a surge that grows by x1.4 a day', () => {
    expect(ratioToPrevious().evaluate(series([2800, 3100, 4443]), day).status).toBe('normal');
  });
});

describe('reference detectors on bad input', () => {
  it('answer "not enough history" for a NaN value under test instead of throwing', () => {
    for (const d of [ears('C1'), ears('C3'), robustZ(), ratioToPrevious()]) {
      const v = d.evaluate(series([...base, ...base, ...base, Number.NaN]), day);
      expect(v.status).toBe('insufficient-history');
    }
  });

  it('never call a provisional partial-day figure a drop', () => {
    const points = [...series(base), { period: '2024-03-11', value: 10, provisional: true }];
    for (const d of [ears('C1'), robustZ(), ratioToPrevious()]) expect(d.evaluate(points, day).direction).not.toBe('down');
  });
});
