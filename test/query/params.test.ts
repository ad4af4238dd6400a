import { describe, expect, it } from 'vitest';
import { QueryError } from '../../functions/query/errors';
import { parseParams } from '../../functions/query/params';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof QueryError) return `${error.status} ${error.message}`;
    throw error;
  }
  throw new Error('expected a QueryError');
}

describe('query parameters', () => {
  it('fill in defaults and turn numbers into numbers', () => {
    expect(parseParams('alerts', {})).toEqual({ limit: 50, format: 'json' });
    expect(parseParams('observations', { limit: '12', from: '2022-W38' })).toEqual({ from: '2022-W38', order: 'asc', limit: 12, format: 'json' });
    expect(parseParams('dashboard', {})).toEqual({ points: 120 });
  });

  it('ignore parameters given as undefined', () => {
    expect(parseParams('seriesList', { limit: undefined, cursor: undefined })).toEqual({ limit: 50, format: 'json' });
  });

  it('say in words that an empty value is not accepted', () => {
    expect(messageOf(() => parseParams('observations', { since: '' }))).toBe('400 parameter "since": must not be empty (got "")');
    expect(messageOf(() => parseParams('announcements', { topic: '' }))).toBe('400 parameter "topic": must not be empty (got "")');
  });

  it('refuse a topic longer than 100 characters', () => {
    expect(messageOf(() => parseParams('announcements', { topic: 'x'.repeat(101) }))).toMatch(/^400 parameter "topic": must be at most 100 characters \(got "x{80}"\)$/);
  });

  it('report a bad value before an unknown parameter', () => {
    expect(messageOf(() => parseParams('alerts', { limit: '0', sinse: '7d' }))).toBe('400 parameter "limit": must be at least 1 (got "0")');
  });

  it('refuse more than seven digits as not a whole number rather than overflowing', () => {
    expect(messageOf(() => parseParams('seriesList', { limit: '99999999' }))).toBe('400 parameter "limit": must be a whole number (got "99999999")');
  });
});
