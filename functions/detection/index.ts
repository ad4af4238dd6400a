import type { DetectorConfig } from './config';
import { DEFAULT_DETECTOR } from './defaults';
import { ratioToMedian } from './ratio-to-median';
import { ears, ratioToPrevious, robustZ } from './references';
import { seasonalCusum } from './seasonal-cusum';
import type { Detector } from './types';

export type { Detector, DetectionContext, Evaluation, SeriesPoint } from './types';
export { advanceEpisode, DEFAULT_RESOLVE_AFTER, type Episode, type EpisodeEvent, type SeriesDetectionState } from './episodes';
export { builtInHolidays, type HolidayCalendar } from './holidays';

/** Builds the detector a series' configuration asks for. */
export function createDetector(config: DetectorConfig = DEFAULT_DETECTOR): Detector {
  switch (config.type) {
    case 'seasonal-cusum': {
      const { type: _type, ...options } = config;
      return seasonalCusum(options);
    }
    case 'ratio-to-median': {
      const { type: _type, ...options } = config;
      return ratioToMedian(options);
    }
    case 'ears': {
      const { type: _type, variant, ...options } = config;
      return ears(variant, options);
    }
    case 'robust-z': {
      const { type: _type, ...options } = config;
      return robustZ(options);
    }
    case 'ratio-to-previous': {
      const { type: _type, ...options } = config;
      return ratioToPrevious(options);
    }
  }
}
