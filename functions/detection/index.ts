import { DEFAULT_DETECTOR, type DetectorConfig } from './config';
import { ratioToMedian } from './ratio-to-median';
import type { Detector } from './types';

export type { Detector, DetectionContext, Evaluation, SeriesPoint } from './types';
export { advanceEpisode, type Episode, type EpisodeEvent, type SeriesDetectionState } from './episodes';

/** Builds the detector a series' configuration asks for. */
export function createDetector(config: DetectorConfig = DEFAULT_DETECTOR): Detector {
  switch (config.type) {
    case 'ratio-to-median': {
      const { type: _type, ...options } = config;
      return ratioToMedian(options);
    }
  }
}
