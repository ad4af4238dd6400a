import type { DetectorConfig } from './config';

/**
 * What a series gets when the sources file says nothing: the detector that won the evaluation.
 * Apart from the schema (config.ts) so that the detection runtime, which only needs this value,
 * does not load zod.
 */
export const DEFAULT_DETECTOR: DetectorConfig = { type: 'seasonal-cusum' };
