import type { Announcement, Observation } from '../../core/model';
import type { SourceConfig } from '../config';
import type { FetchedDocument } from '../document';

export interface ParseContext {
  source: SourceConfig;
  snapshotId: string;
}

export interface ParseResult {
  /** Records (rows, items) the document held, before series matching. */
  rows: number;
  observations: Observation[];
  announcements: Announcement[];
}

/** A parser turns one fetched document into normalized observations and announcements, or throws a SourceError. */
export type Parser = (document: FetchedDocument, context: ParseContext) => ParseResult;
