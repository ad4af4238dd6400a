import type { ParseResult } from './parsers/types';

/**
 * Has the page layout changed under us? A parser that "succeeds" on a redesigned page is worse than one
 * that fails: it reports zero rows, or reads the wrong column, and the detector sees a collapse that is
 * not real. The pipeline calls `assessLayout` after every parse; a suspect result is stored as a
 * `suspect` snapshot with its evidence (hash, size, sample: see `documentEvidence`), not as data.
 */

export interface LayoutThresholds {
  /** Below this share of the previous row count the drop is suspect (0.5: half the rows vanished). */
  minRowRatio: number;
  /** Above this multiple of the previous row count the growth is suspect (a selector now matches the whole page). */
  maxRowRatio: number;
  /** Row counts this small on both sides are not compared (an RSS feed of 3 items growing to 9 is normal). */
  minRowsToCompare: number;
  /** Above this share of rows skipped for a date or value of the wrong type, a column probably moved. */
  maxSkippedShare: number;
}

export const DEFAULT_LAYOUT_THRESHOLDS: LayoutThresholds = {
  minRowRatio: 0.5,
  maxRowRatio: 4,
  minRowsToCompare: 10,
  maxSkippedShare: 0.25,
};

export interface LayoutAssessment {
  suspect: boolean;
  reason?: string;
}

/** Pure: looks at what a parse found, and at the row count of the previous ok snapshot. */
export function assessLayout(
  result: Pick<ParseResult, 'rows' | 'observations' | 'announcements' | 'skipped' | 'skippedExample'>,
  previousRowCount?: number,
  thresholds: LayoutThresholds = DEFAULT_LAYOUT_THRESHOLDS,
): LayoutAssessment {
  const { rows } = result;
  const skipped = result.skipped ?? 0;
  const example = result.skippedExample ? ` (e.g. ${result.skippedExample})` : '';
  if (rows === 0) {
    const before = previousRowCount ? `; the previous snapshot had ${previousRowCount}` : '';
    return { suspect: true, reason: `no rows found${before}${example}` };
  }
  if (skipped > 0 && skipped / rows > thresholds.maxSkippedShare) {
    return { suspect: true, reason: `${skipped} of ${rows} rows had a date or value of the wrong type${example}` };
  }
  if (result.observations.length === 0 && result.announcements.length === 0) {
    // Rows are there but none matched a series (a renamed measure, a moved column) or none was readable.
    return { suspect: true, reason: `${rows} rows but no observation or announcement in them${example}` };
  }
  if (previousRowCount !== undefined && previousRowCount > 0 && Math.max(rows, previousRowCount) >= thresholds.minRowsToCompare) {
    const ratio = rows / previousRowCount;
    if (ratio < thresholds.minRowRatio) {
      return { suspect: true, reason: `row count fell from ${previousRowCount} to ${rows}` };
    }
    if (ratio > thresholds.maxRowRatio) {
      return { suspect: true, reason: `row count rose from ${previousRowCount} to ${rows}` };
    }
  }
  return { suspect: false };
}
