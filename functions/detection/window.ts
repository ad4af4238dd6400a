import type { Granularity } from '../core/model';
import { periodIndex } from './periods';
import type { SeriesPoint } from './types';

/** A point that passed validation, with its period as an integer index. */
export interface CleanPoint {
  period: string;
  index: number;
  value: number;
  provisional: boolean;
}

export interface CleanWindow {
  /** Valid history strictly before the point under test, oldest first, one point per period. */
  history: CleanPoint[];
  /** The point under test, when it is valid. */
  current?: CleanPoint;
  /** Why the point under test cannot be judged. */
  invalidReason?: string;
  /** History points dropped as invalid (NaN, negative, non-finite, malformed period) or superseded duplicates. */
  dropped: { invalid: number; duplicates: number; outOfOrder: number };
}

function invalidValue(value: number): boolean {
  return typeof value !== 'number' || !Number.isFinite(value) || value < 0;
}

/**
 * Real windows are messy: a store may hand over a duplicate period, an unsorted page, a NaN.
 * Bad history points are treated as missing (never as zero); a duplicate period keeps the later
 * one (the newer revision); a point dated at or after the point under test is ignored.
 */
export function cleanWindow(points: readonly SeriesPoint[], granularity: Granularity): CleanWindow {
  const dropped = { invalid: 0, duplicates: 0, outOfOrder: 0 };
  const last = points.at(-1);
  if (!last) return { history: [], invalidReason: 'no point to evaluate', dropped };
  const currentIndex = periodIndex(last.period, granularity);
  let invalidReason: string | undefined;
  if (currentIndex === undefined) invalidReason = `period "${last.period}" is not a ${granularity} key`;
  else if (invalidValue(last.value)) invalidReason = `value ${String(last.value)} is not a finite count >= 0`;

  const byIndex = new Map<number, CleanPoint>();
  for (const p of points.slice(0, -1)) {
    const index = periodIndex(p.period, granularity);
    if (index === undefined || invalidValue(p.value)) {
      dropped.invalid++;
      continue;
    }
    if (currentIndex !== undefined && index >= currentIndex) {
      dropped.outOfOrder++;
      continue;
    }
    if (byIndex.has(index)) dropped.duplicates++;
    byIndex.set(index, { period: p.period, index, value: p.value, provisional: p.provisional === true });
  }
  const history = [...byIndex.values()].sort((a, b) => a.index - b.index);
  if (invalidReason !== undefined || currentIndex === undefined) return { history, invalidReason: invalidReason ?? 'invalid', dropped };
  return {
    history,
    current: { period: last.period, index: currentIndex, value: last.value, provisional: last.provisional === true },
    dropped,
  };
}
