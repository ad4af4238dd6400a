import { z } from 'zod';

/** Detector settings per series, as written in the sources file. Every option has a default. */
export const ratioToMedianDetectorSchema = z.strictObject({
  type: z.literal('ratio-to-median'),
  baselineCount: z.number().int().min(1).max(366).optional(),
  minHistory: z.number().int().min(1).max(366).optional(),
  surgeRatio: z.number().gt(1).optional(),
  dropRatio: z.number().gt(0).lt(1).optional(),
  minBaseline: z.number().min(0).optional(),
});

const positive = z.number().gt(0);
const count = (max: number) => z.number().int().min(1).max(max);

/** The project's detector: seasonal expectation, Shewhart + CUSUM arms (see docs/detection.md). */
export const seasonalCusumDetectorSchema = z.strictObject({
  type: z.literal('seasonal-cusum'),
  weeks: count(8).optional(),
  minSameWeekday: count(8).optional(),
  recentCount: count(24).optional(),
  minHistory: count(24).optional(),
  shewhart: positive.optional(),
  cusum: positive.optional(),
  cusumSteps: z.array(z.number().gt(1)).min(1).max(4).optional(),
  dropSteps: z.array(z.number().gt(1)).min(1).max(4).optional(),
  cusumLength: count(56).optional(),
  scaleLength: count(112).optional(),
  priorSigma: positive.optional(),
  priorWeight: z.number().min(0).optional(),
  minSigma: z.number().min(0).optional(),
  minRatio: z.number().min(1).optional(),
  minExcess: z.number().min(0).optional(),
  lowLevel: z.number().min(0).optional(),
  pooled: positive.optional(),
  backlogPeriods: z.number().int().min(0).max(7).optional(),
  holidayMargin: z.number().min(1).optional(),
  drops: z.boolean().optional(),
  thresholdScale: positive.optional(),
  noiseModel: z.enum(['level', 'floor']).optional(),
  baseline: z.enum(['same-weekday', 'guarded']).optional(),
  guard: z.number().int().min(0).max(28).optional(),
  levelDays: count(28).optional(),
  profileWeeks: count(12).optional(),
  guardArms: z.enum(['both', 'cusum']).optional(),
  scaleCenter: z.enum(['zero', 'median']).optional(),
  pooledVariance: z.enum(['model', 'counting']).optional(),
  cusumStepFactors: z.array(positive).min(1).max(4).optional(),
  cusumDropFactor: positive.optional(),
  shewhartDropFactor: positive.optional(),
  cusumDf: z.number().min(0).optional(),
});

/** CDC EARS C1/C2/C3 (reference methods). */
export const earsDetectorSchema = z.strictObject({
  type: z.literal('ears'),
  variant: z.enum(['C1', 'C2', 'C3']),
  baseline: count(56).optional(),
  threshold: positive.optional(),
  minSd: z.number().min(0).optional(),
  thresholdScale: positive.optional(),
});

/** Median/MAD z-score (reference method). */
export const robustZDetectorSchema = z.strictObject({
  type: z.literal('robust-z'),
  baseline: count(366).optional(),
  threshold: positive.optional(),
  minSd: z.number().min(0).optional(),
  thresholdScale: positive.optional(),
});

/** The naive rule "today >= 2 x yesterday" (reference only: fires on weekends, misses real surges). */
export const ratioToPreviousDetectorSchema = z.strictObject({
  type: z.literal('ratio-to-previous'),
  ratio: z.number().gt(1).optional(),
  thresholdScale: positive.optional(),
});

export const detectorSchema = z.discriminatedUnion('type', [
  seasonalCusumDetectorSchema,
  ratioToMedianDetectorSchema,
  earsDetectorSchema,
  robustZDetectorSchema,
  ratioToPreviousDetectorSchema,
]);
export type DetectorConfig = z.infer<typeof detectorSchema>;

export { DEFAULT_DETECTOR } from './defaults';
