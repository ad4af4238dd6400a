import { SourceError, excerpt } from '../../core/errors';
import type { Observation } from '../../core/model';
import type { SeriesConfig } from '../config';
import { parseCalendarDate, parseNumber, periodOf, type DateFormat } from '../normalize';
import type { ParseContext } from './types';

/** A row of a table or an item of a JSON array: named fields, and where it was in the document. */
export interface SourceRecord {
  fields: Record<string, unknown>;
  location: string;
}

/** Which fields of a record hold its date and its value (a series may name its own value field). */
export interface RecordMapping {
  date: string;
  dateFormat: DateFormat;
  value: string;
  /**
   * `strict` (csv, json): a record with an unreadable date or value is an error. `lenient` (html-table):
   * it is skipped and counted, because HTML tables mix figures with sub-headers, totals and notes.
   */
  mode: 'strict' | 'lenient';
}

export interface RecordsOutcome {
  observations: Observation[];
  skipped: number;
  skippedExample?: string;
}

function fieldText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

const valueFieldOf = (series: SeriesConfig, mapping: RecordMapping) => series.value ?? mapping.value;

/**
 * Maps records to observations of the source's series. A record belongs to a series when it
 * matches the series' `where` fields. Duplicated records with the same value collapse into one;
 * the same period with two different values is an error, since we could not say which is true.
 */
export function recordsToObservations(
  records: SourceRecord[],
  context: ParseContext,
  url: string,
  mapping: RecordMapping,
): RecordsOutcome {
  const { source, snapshotId } = context;
  const fail = (message: string, field: string, value: unknown, record: SourceRecord) =>
    new SourceError(`${message} (${record.location})`, {
      sourceId: source.id,
      stage: 'parse',
      url,
      field,
      value: excerpt(value),
    });
  let skipped = 0;
  let skippedExample: string | undefined;
  /** In lenient mode a bad record is counted and passed over; in strict mode it is an error. */
  const reject = (error: SourceError): void => {
    if (mapping.mode === 'strict') throw error;
    skipped++;
    skippedExample ??= error.message;
  };

  const bySeriesPeriod = new Map<string, Observation>();
  for (const record of records) {
    const matching = source.series.filter((series) =>
      Object.entries(series.where ?? {}).every(([field, expected]) => fieldText(record.fields[field]).trim() === expected),
    );
    if (matching.length === 0) continue;
    if (!(mapping.date in record.fields)) throw fail('field missing', mapping.date, undefined, record);
    const rawDate = record.fields[mapping.date];
    const date = parseCalendarDate(fieldText(rawDate), mapping.dateFormat);
    if (!date) {
      reject(fail(`not a date${mapping.dateFormat === 'auto' ? '' : ` in format ${mapping.dateFormat}`}`, mapping.date, rawDate, record));
      continue;
    }
    let recordRejected = false;
    for (const series of matching) {
      const valueField = valueFieldOf(series, mapping);
      if (!(valueField in record.fields)) throw fail('field missing', valueField, undefined, record);
      const rawValue = record.fields[valueField];
      const value = parseNumber(rawValue);
      if (value === undefined || (value !== null && value < 0)) {
        if (!recordRejected) reject(fail(value === undefined ? 'not a number' : 'a count cannot be negative', valueField, rawValue, record));
        recordRejected = true;
        continue;
      }
      if (value === null) continue; // The source says "no figure": missing is not zero.
      const period = periodOf(date, series.granularity);
      const key = `${series.id}\u0000${period}`;
      const previous = bySeriesPeriod.get(key);
      if (previous && previous.value !== value) {
        throw fail(`conflicting values for series "${series.id}" period ${period}: ${previous.value} and ${value}`, valueField, rawValue, record);
      }
      bySeriesPeriod.set(key, { seriesId: series.id, period, value, unit: series.unit, sourceId: source.id, snapshotId });
    }
  }
  const observations = [...bySeriesPeriod.values()].sort((a, b) =>
    a.seriesId === b.seriesId ? a.period.localeCompare(b.period) : a.seriesId.localeCompare(b.seriesId),
  );
  return { observations, skipped, ...(skippedExample !== undefined ? { skippedExample } : {}) };
}
