import type { SourceConfig } from '../sources/config';
import type { SeriesInfo } from '../store/repository';

// Kept apart from the fetch stage so the detect function does not bundle the fetcher and the parsers.

export function seriesInfo(source: SourceConfig, series: SourceConfig['series'][number]): SeriesInfo {
  return {
    seriesId: series.id,
    sourceId: source.id,
    unit: series.unit,
    granularity: series.granularity,
    country: source.country,
    ...(series.title ? { title: series.title } : {}),
    ...(series.labels ? { labels: series.labels } : {}),
  };
}

export const alertSourceOf = (source: SourceConfig) => ({ id: source.id, title: source.title, url: source.url, country: source.country });
