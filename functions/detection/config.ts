import { z } from 'zod';

/** Detector settings per series, as written in the sources file. */
export const ratioToMedianDetectorSchema = z.strictObject({
  type: z.literal('ratio-to-median'),
  baselineCount: z.number().int().min(1).max(366).optional(),
  minHistory: z.number().int().min(1).max(366).optional(),
  surgeRatio: z.number().gt(1).optional(),
  dropRatio: z.number().gt(0).lt(1).optional(),
  minBaseline: z.number().min(0).optional(),
});

export const detectorSchema = z.discriminatedUnion('type', [ratioToMedianDetectorSchema]);
export type DetectorConfig = z.infer<typeof detectorSchema>;

/** What a series gets when the sources file says nothing. */
export const DEFAULT_DETECTOR: DetectorConfig = { type: 'ratio-to-median' };
