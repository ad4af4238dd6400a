import { load } from 'cheerio/slim';
import { SourceError, excerpt } from '../../core/errors';
import type { Observation } from '../../core/model';
import type { FigurePattern, ParserOf, SourceConfig } from '../config';
import { documentText, type FetchedDocument } from '../document';
import {
  addDays,
  localDateTime,
  parseInstant,
  parseNumber,
  periodOf,
  relativeDayOffset,
  scaleOf,
  type CalendarDate,
} from '../normalize';
import { compileFigurePattern } from '../prose-pattern';
import { cleanText } from '../text';
import type { ParseContext, ParseResult } from './types';

/**
 * Figures inside prose: "Yesterday 8 314 Russians entered Finland via the Finnish-Russian land border",
 * "Eilen saapuneita oli 5 959", "Wczoraj tj. 09.05 -> 17 tys.", "Dziś do godz. 07.00 -> 3,7 tys.".
 * Each of a source's figure patterns picks a number out of the text for one series; the day it is for
 * comes from the pattern's date, its relative-day word, or its fixed day offset, read against the
 * text's publication time in the source's time zone.
 */

const compiled = new WeakMap<FigurePattern, RegExp>();

function regexOf(figure: FigurePattern): RegExp {
  let regex = compiled.get(figure);
  if (!regex) {
    regex = compileFigurePattern(figure);
    compiled.set(figure, regex);
  }
  return regex;
}

/** A figure found in a text, before merging with the figures of other texts of the same document. */
export interface FoundFigure extends Observation {
  /** The publication time of the text it came from: a later text wins for the same period. */
  publishedAt: string;
}

export interface FiguresOutcome {
  figures: FoundFigure[];
  /** Matches whose number, scale word or date could not be read. */
  skipped: number;
  skippedExample?: string;
}

function sameDay(a: CalendarDate, b: CalendarDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

function dateOfMatch(groups: Record<string, string | undefined>, figure: FigurePattern, published: CalendarDate): CalendarDate | undefined {
  if (groups.day !== undefined && groups.month !== undefined) {
    const day = Number(groups.day);
    const month = Number(groups.month);
    let year = groups.year !== undefined ? Number(groups.year) : published.year;
    // "31.12" in a post of 1.1 is last year's 31 December.
    if (groups.year === undefined && Date.UTC(year, month - 1, day) > Date.UTC(published.year, published.month - 1, published.day + 7)) year--;
    const candidate = addDays({ year, month, day }, 0);
    return candidate.year === year && candidate.month === month && candidate.day === day ? candidate : undefined;
  }
  if (groups.when !== undefined) {
    const offset = relativeDayOffset(groups.when);
    return offset === undefined ? undefined : addDays(published, offset);
  }
  return figure.dayOffset !== undefined ? addDays(published, figure.dayOffset) : undefined;
}

/** Finds the figures of a source's patterns in one text published at `publishedAt` (ISO instant). */
export function extractFigures(
  text: string,
  publishedAt: string,
  source: SourceConfig,
  snapshotId: string,
  figures: FigurePattern[],
): FiguresOutcome {
  const published = localDateTime(new Date(publishedAt), source.timeZone);
  const seriesById = new Map(source.series.map((series) => [series.id, series]));
  const found: FoundFigure[] = [];
  let skipped = 0;
  let skippedExample: string | undefined;
  const skip = (why: string, match: string) => {
    skipped++;
    skippedExample ??= `${why}: ${JSON.stringify(excerpt(match))}`;
  };
  for (const figure of figures) {
    const series = seriesById.get(figure.series);
    if (!series) continue; // The config schema guarantees it; a hand-built config may not.
    for (const match of text.matchAll(regexOf(figure))) {
      const groups = match.groups ?? {};
      const number = parseNumber(groups.value, { decimal: figure.decimal });
      const scale = scaleOf(groups.scale);
      if (number === undefined || number === null || scale === undefined) {
        skip('not a number', match[0]);
        continue;
      }
      const date = dateOfMatch(groups, figure, published);
      if (!date) {
        skip('no date', match[0]);
        continue;
      }
      const value = scale === 1 ? number : Math.round(number * scale);
      const provisional = figure.provisional || sameDay(date, published);
      found.push({
        seriesId: series.id,
        period: periodOf(date, series.granularity),
        value,
        unit: series.unit,
        sourceId: source.id,
        snapshotId,
        ...(provisional ? { provisional: true } : {}),
        publishedAt,
      });
    }
  }
  return { figures: found, skipped, ...(skippedExample !== undefined ? { skippedExample } : {}) };
}

/**
 * One observation per series and period from the figures of a whole document: a complete figure
 * beats a provisional one, and among equals the most recently published text wins (a correction).
 */
export function mergeFigures(figures: FoundFigure[]): Observation[] {
  const best = new Map<string, FoundFigure>();
  for (const figure of figures) {
    const key = `${figure.seriesId}\u0000${figure.period}`;
    const current = best.get(key);
    const better =
      !current ||
      (current.provisional && !figure.provisional) ||
      (Boolean(current.provisional) === Boolean(figure.provisional) && figure.publishedAt > current.publishedAt);
    if (better) best.set(key, figure);
  }
  return [...best.values()]
    .map(({ publishedAt: _publishedAt, ...observation }) => observation)
    .sort((a, b) => (a.seriesId === b.seriesId ? a.period.localeCompare(b.period) : a.seriesId.localeCompare(b.seriesId)));
}

/**
 * The `prose` parser: one page (HTML or plain text) read for figures only. The reference time for
 * "yesterday" is the page's own publication time when a selector finds it, else the fetch time.
 */
export function parseProse(document: FetchedDocument, context: ParseContext): ParseResult {
  const { source, snapshotId } = context;
  if (source.parser.type !== 'prose') throw new Error(`parseProse called for a ${source.parser.type} source`);
  const options: ParserOf<'prose'> = source.parser;
  const raw = documentText(document, source.charset);
  const isHtml = /html|xml/i.test(document.headers['content-type'] ?? '') || /^\s*</.test(raw);
  let text = cleanText(raw);
  let publishedAt = document.fetchedAt;
  if (isHtml) {
    const $ = load(raw);
    $('script, style, noscript, template').remove();
    text = cleanText($(options.content).text());
    if (options.published) {
      const stamp = cleanText($(options.published).first().text());
      const instant = parseInstant(stamp.replace(/^[^\d]*/, ''), source.timeZone);
      if (!instant) {
        throw new SourceError('publication time not readable', {
          sourceId: source.id,
          stage: 'parse',
          url: document.url,
          field: 'parser.published',
          value: excerpt(stamp),
        });
      }
      publishedAt = instant;
    }
  }
  if (!publishedAt) {
    throw new SourceError('no reference time for relative days: the document has no fetch time', {
      sourceId: source.id,
      stage: 'parse',
      url: document.url,
      field: 'fetchedAt',
    });
  }
  const outcome = extractFigures(text, publishedAt, source, snapshotId, options.figures);
  return {
    rows: outcome.figures.length,
    observations: mergeFigures(outcome.figures),
    announcements: [],
    skipped: outcome.skipped,
    ...(outcome.skippedExample !== undefined ? { skippedExample: outcome.skippedExample } : {}),
  };
}
