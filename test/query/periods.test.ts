import { describe, expect, it } from 'vitest';
import { isReversed, parseSince, periodOf, periodProblem, periodStart } from '../../functions/query/periods';

const now = new Date('2022-09-30T12:00:00.000Z');

describe('period bounds', () => {
  it.each(['2022-09-22', '2024-02-29', '2022-W38', '2020-W53', '2022-09', '2022'])('accepts %s', (text) => {
    expect(periodProblem(text)).toBeUndefined();
  });

  it.each([
    ['2022-02-29', 'is not a calendar date'],
    ['2022-13', 'is not a month'],
    ['2022-W53', 'is not an ISO week of that year'],
    ['22-09-2022', 'must be a date (2022-09-22), an ISO week (2022-W38), a month (2022-09) or a year (2022)'],
  ])('rejects %s', (text, problem) => {
    expect(periodProblem(text)).toBe(problem);
  });

  it('treats a month as covering its days when checking order', () => {
    expect(isReversed('2022-09-15', '2022-09')).toBe(false);
    expect(isReversed('2022-10-01', '2022-09')).toBe(true);
  });

  it('names the period of a date in each granularity', () => {
    const date = new Date('2023-01-01T10:00:00.000Z');
    expect([periodOf(date, 'day'), periodOf(date, 'week'), periodOf(date, 'month')]).toEqual(['2023-01-01', '2022-W52', '2023-01']);
  });

  it('starts an ISO week on its Monday', () => {
    expect(periodStart('2022-W38')?.toISOString()).toBe('2022-09-19T00:00:00.000Z');
  });
});

describe('since', () => {
  it.each([
    ['36h', '2022-09-29T00:00:00.000Z'],
    ['7d', '2022-09-23T12:00:00.000Z'],
    ['2w', '2022-09-16T12:00:00.000Z'],
    ['2022-09-20', '2022-09-20T00:00:00.000Z'],
    ['2022-09-20T08:00:00+03:00', '2022-09-20T05:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseSince(text, now)).toEqual({ at: new Date(iso) });
  });

  it.each(['7', '7 days', '2022-09-20T08:00', '-7d', '2022-02-30'])('rejects %s', (text) => {
    expect(parseSince(text, now)).toHaveProperty('problem');
  });
});
