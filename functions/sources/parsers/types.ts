import type { Announcement, Observation } from '../../core/model';
import type { SourceConfig } from '../config';
import type { FetchedDocument } from '../document';

export interface ParseContext {
  source: SourceConfig;
  snapshotId: string;
  /**
   * Rows of the previous ok snapshot of this source (SourceState.lastRowCount). Parsers do not need it;
   * the pipeline passes the same number to `assessLayout`.
   */
  previousRowCount?: number;
}

export interface ParseResult {
  /** Records (rows, items) the document held, before series matching. */
  rows: number;
  observations: Observation[];
  announcements: Announcement[];
  /**
   * Rows a lenient parser (html-table) passed over because a date or value was of the wrong type
   * (sub-headers, totals, footnotes; or a layout change). Strict parsers (csv, json) throw instead.
   */
  skipped?: number;
  /** The first skipped row, as evidence ("row 3: field "Date": not a date: "Total""). */
  skippedExample?: string;
}

/** A parser turns one fetched document into normalized observations and announcements, or throws a SourceError. */
export type Parser = (document: FetchedDocument, context: ParseContext) => ParseResult;
