import { SourceError, excerpt } from '../../core/errors';
import type { Observation } from '../../core/model';
import { parseCalendarDate, parseNumber, periodOf } from '../normalize';
import type { ParseContext } from './types';

/** A row of a table or an item of a JSON array: named fields, and where it was in the document. */
export interface SourceRecord {
  fields: Record<string, unknown>;
  location: string;
}

function fieldText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * Maps records to observations of the source's series. A record belongs to a series when it
 * matches the series' `where` fields. Duplicated records with the same value collapse into one;
 * the same period with two different values is an error, since we could not say which is true.
 */
export function recordsToObservations(records: SourceRecord[], context: ParseContext, url: string): Observation[] {
  const { source, snapshotId } = context;
  const parser = source.parser;
  const fail = (message: string, field: string, value: unknown, record: SourceRecord) =>
    new SourceError(`${message} (${record.location})`, {
      sourceId: source.id,
      stage: 'parse',
      url,
      field,
      value: excerpt(value),
    });

  const bySeriesPeriod = new Map<string, Observation>();
  for (const record of records) {
    const matching = source.series.filter((series) =>
      Object.entries(series.where ?? {}).every(([field, expected]) => fieldText(record.fields[field]).trim() === expected),
    );
    if (matching.length === 0) continue;
    if (!(parser.date in record.fields)) throw fail('field missing', parser.date, undefined, record);
    if (!(parser.value in record.fields)) throw fail('field missing', parser.value, undefined, record);
    const rawDate = record.fields[parser.date];
    const date = parseCalendarDate(fieldText(rawDate), parser.dateFormat);
    if (!date) throw fail(`not a date${parser.dateFormat === 'auto' ? '' : ` in format ${parser.dateFormat}`}`, parser.date, rawDate, record);
    const rawValue = record.fields[parser.value];
    const value = parseNumber(rawValue);
    if (value === undefined) throw fail('not a number', parser.value, rawValue, record);
    if (value === null) continue; // The source says "no figure": missing is not zero.
    if (value < 0) throw fail('a count cannot be negative', parser.value, rawValue, record);
    for (const series of matching) {
      const period = periodOf(date, series.granularity);
      const key = `${series.id}\u0000${period}`;
      const previous = bySeriesPeriod.get(key);
      if (previous && previous.value !== value) {
        throw fail(`conflicting values for series "${series.id}" period ${period}: ${previous.value} and ${value}`, parser.value, rawValue, record);
      }
      bySeriesPeriod.set(key, { seriesId: series.id, period, value, unit: series.unit, sourceId: source.id, snapshotId });
    }
  }
  return [...bySeriesPeriod.values()].sort((a, b) => (a.seriesId === b.seriesId ? a.period.localeCompare(b.period) : a.seriesId.localeCompare(b.seriesId)));
}
