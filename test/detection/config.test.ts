import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR, detectorSchema } from '../../functions/detection/config';
import { createDetector } from '../../functions/detection/index';

describe('detector configuration', () => {
  it('defaults to the seasonal-cusum detector', () => {
    expect(DEFAULT_DETECTOR.type).toBe('seasonal-cusum');
    expect(createDetector().name).toBe('seasonal-cusum');
  });

  it('accepts every detector type of the sources file and builds it', () => {
    const configs = [
      { type: 'seasonal-cusum', cusum: 12, cusumSteps: [1.5], lowLevel: 30 },
      { type: 'ratio-to-median', surgeRatio: 2 },
      { type: 'ears', variant: 'C3' },
      { type: 'robust-z', threshold: 4 },
      { type: 'ratio-to-previous' },
    ];
    const names = configs.map((c) => createDetector(detectorSchema.parse(c)).name);
    expect(names).toEqual(['seasonal-cusum', 'ratio-to-median', 'ears-c3', 'robust-z', 'ratio-to-previous']);
  });

  it('rejects an unknown option, a missing EARS variant and a step that is not a rise', () => {
    expect(detectorSchema.safeParse({ type: 'seasonal-cusum', sensitivity: 2 }).success).toBe(false);
    expect(detectorSchema.safeParse({ type: 'ears' }).success).toBe(false);
    expect(detectorSchema.safeParse({ type: 'seasonal-cusum', cusumSteps: [0.5] }).success).toBe(false);
    expect(detectorSchema.safeParse({ type: 'seasonal-cusum', cusumStepFactors: [0] }).success).toBe(false);
    expect(detectorSchema.safeParse({ type: 'seasonal-cusum', scaleCenter: 'mean' }).success).toBe(false);
    expect(detectorSchema.safeParse({ type: 'seasonal-cusum', cusumDf: -1 }).success).toBe(false);
  });

  it('accepts the per-arm CUSUM thresholds, the scale centre and the pooled variance', () => {
    const config = { type: 'seasonal-cusum', cusumStepFactors: [1, 0.8], cusumDropFactor: 1.25, shewhartDropFactor: 1, cusumDf: 0, scaleCenter: 'median', pooledVariance: 'counting' };
    expect(detectorSchema.safeParse(config).success).toBe(true);
  });

  it('keeps the demo rule ratio-to-median: value >= 2 x the median of the previous 7', () => {
    const d = createDetector({ type: 'ratio-to-median' });
    const points = [100, 100, 100, 100, 100, 100, 100, 200].map((value, i) => ({ period: `2024-01-0${i + 1}`, value }));
    expect(d.evaluate(points, { seriesId: 's', granularity: 'day' }).direction).toBe('up');
    expect(d.evaluate(points.slice(0, -1), { seriesId: 's', granularity: 'day' }).status).toBe('normal');
  });
});
