import { describe, expect, it } from 'vitest';
import type { Observation } from '../../functions/core/model';
import { assessLayout } from '../../functions/sources/layout';

const observations = (n: number): Observation[] =>
  Array.from({ length: n }, (_, i) => ({ seriesId: 's', period: `2022-09-${String(i + 1).padStart(2, '0')}`, value: i, unit: 'persons', sourceId: 'src', snapshotId: 'x' }));

const result = (rows: number, extra: { skipped?: number; observations?: number; skippedExample?: string } = {}) => ({
  rows,
  observations: observations(extra.observations ?? rows),
  announcements: [],
  ...(extra.skipped !== undefined ? { skipped: extra.skipped } : {}),
  ...(extra.skippedExample !== undefined ? { skippedExample: extra.skippedExample } : {}),
});

describe('layout-change detection', () => {
  it('passes a parse like the previous one', () => {
    expect(assessLayout(result(30), 31)).toEqual({ suspect: false });
  });

  it('flags a parse that found no rows, saying how many there were before', () => {
    expect(assessLayout(result(0), 31)).toEqual({ suspect: true, reason: 'no rows found; the previous snapshot had 31' });
  });

  it('flags a parse that found no rows even without history', () => {
    expect(assessLayout(result(0)).suspect).toBe(true);
  });

  it('flags rows whose dates or values are of the wrong type', () => {
    const verdict = assessLayout(result(30, { skipped: 20, observations: 10, skippedExample: 'row 1: not a number "Medyka"' }), 30);
    expect(verdict).toEqual({ suspect: true, reason: '20 of 30 rows had a date or value of the wrong type (e.g. row 1: not a number "Medyka")' });
  });

  it('tolerates a few skipped rows such as a total line', () => {
    expect(assessLayout(result(31, { skipped: 1, observations: 30 }), 31).suspect).toBe(false);
  });

  it('flags rows that yield no observation at all (a renamed measure)', () => {
    expect(assessLayout(result(40, { observations: 0 }), 40).suspect).toBe(true);
  });

  it('flags a sharp fall in the row count', () => {
    expect(assessLayout(result(12), 31)).toEqual({ suspect: true, reason: 'row count fell from 31 to 12' });
  });

  it('flags a sharp rise in the row count (a selector now matching the whole page)', () => {
    expect(assessLayout(result(400), 31).reason).toBe('row count rose from 31 to 400');
  });

  it('does not compare small counts: a feed of 3 items growing to 9 is normal', () => {
    expect(assessLayout(result(9), 3).suspect).toBe(false);
  });
});
