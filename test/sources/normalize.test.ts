import { describe, expect, it } from 'vitest';
import { localDateTime, parseInstant, parseNumber, relativeDayOffset, scaleOf } from '../../functions/sources/normalize';

describe('numbers as border bulletins write them', () => {
  it.each([
    ['8314', 8314],
    ['8 314', 8314],
    ['8\u00a0314', 8314],
    ['8\u202f314', 8314],
    ['8,314', 8314],
    ['1 234,5', 1234.5],
    ['1.234,5', 1234.5],
    ['1,234.5', 1234.5],
    ['23,6', 23.6],
  ])('reads %j as %d', (raw, expected) => {
    expect(parseNumber(raw)).toBe(expected);
  });

  it.each(['', '–', '—', '-', 'n/a', '..'])('reads %j as missing, not zero', (raw) => {
    expect(parseNumber(raw)).toBeNull();
  });

  it('reads "3,275" as three point two seven five when the source writes decimal commas', () => {
    expect(parseNumber('3,275', { decimal: 'comma' })).toBe(3.275);
  });

  it('reports text that is not a number as unreadable', () => {
    expect(parseNumber('Razem')).toBeUndefined();
  });
});

describe('instants', () => {
  it('reads an RFC-822 date with a numeric offset', () => {
    expect(parseInstant('Sun, 25 Sep 2022 09:30:00 +0300')).toBe('2022-09-25T06:30:00.000Z');
  });

  it('reads an RFC-822 date with a zone abbreviation', () => {
    expect(parseInstant('Sat, 24 Sep 2022 09:40:00 EEST')).toBe('2022-09-24T06:40:00.000Z');
  });

  it('reads an ISO instant with an offset regardless of the source time zone', () => {
    expect(parseInstant('2022-09-22T09:00:00+03:00', 'America/New_York')).toBe('2022-09-22T06:00:00.000Z');
  });

  it('reads a date without a time as local midnight in the source time zone', () => {
    expect(parseInstant('22.9.2022', 'Europe/Helsinki')).toBe('2022-09-21T21:00:00.000Z');
  });

  it('reads a Finnish publication time "D.M.YYYY HH.MM" in Helsinki winter time', () => {
    expect(parseInstant('4.1.2022 11.30', 'Europe/Helsinki')).toBe('2022-01-04T09:30:00.000Z');
  });

  it('reads a zone-less ISO local time in the source time zone across the autumn DST change', () => {
    expect(parseInstant('2022-10-30T12:00:00', 'Europe/Helsinki')).toBe('2022-10-30T10:00:00.000Z');
    expect(parseInstant('2022-10-29T12:00:00', 'Europe/Helsinki')).toBe('2022-10-29T09:00:00.000Z');
  });

  it('reads "Sep 2021" as the first day of the month', () => {
    expect(parseInstant('Sep 2021', 'UTC')).toBe('2021-09-01T00:00:00.000Z');
  });

  it('gives the local calendar day of an instant: 22:30 UTC is already the next day in Helsinki', () => {
    expect(localDateTime(new Date('2022-09-22T22:30:00Z'), 'Europe/Helsinki')).toMatchObject({ year: 2022, month: 9, day: 23, hour: 1 });
  });

  it('refuses an impossible date', () => {
    expect(parseInstant('31.2.2022')).toBeUndefined();
  });
});

describe('words', () => {
  it.each([
    ['Yesterday', -1],
    ['eilen', -1],
    ['igår', -1],
    ['i går', -1],
    ['Вчера', -1],
    ['Wczoraj', -1],
    ['today', 0],
    ['Tänään', 0],
    ['Сегодня', 0],
    ['Dziś', 0],
  ])('reads the relative day %j as %d days from publication', (word, offset) => {
    expect(relativeDayOffset(word)).toBe(offset);
  });

  it.each([
    ['tys.', 1000],
    ['mln', 1_000_000],
    ['тыс.', 1000],
    [undefined, 1],
  ])('reads the scale word %j as %d', (word, scale) => {
    expect(scaleOf(word)).toBe(scale);
  });
});
