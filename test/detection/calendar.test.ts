import { describe, expect, it } from 'vitest';
import { builtInHolidays, holidayDays } from '../../functions/detection/holidays';
import { periodIndex, weekdayOf } from '../../functions/detection/periods';

describe('holiday calendar', () => {
  it('knows the Finnish public holidays of 2022, plus Midsummer Eve and Christmas Eve', () => {
    expect(holidayDays('FI', 2022)).toEqual([
      '2022-01-01', '2022-01-06', '2022-04-15', '2022-04-17', '2022-04-18', '2022-05-01', '2022-05-26',
      '2022-06-05', '2022-06-24', '2022-06-25', '2022-11-05', '2022-12-06', '2022-12-24', '2022-12-25', '2022-12-26',
    ]);
  });

  it('computes moving US holidays (Thanksgiving 2014, Memorial Day 2014)', () => {
    expect(builtInHolidays('2014-11-27', 'US')).toBe(true);
    expect(builtInHolidays('2014-05-26', 'US')).toBe(true);
    expect(builtInHolidays('2014-11-26', 'US')).toBe(false);
  });

  it('finds Easter Monday in Poland (2024-04-01)', () => {
    expect(builtInHolidays('2024-04-01', 'PL')).toBe(true);
  });

  it('has no holidays for a country it does not know, or without a country', () => {
    expect(builtInHolidays('2022-12-25', 'ZZ')).toBe(false);
    expect(builtInHolidays('2022-12-25', undefined)).toBe(false);
  });
});

describe('period keys', () => {
  it('numbers consecutive days, ISO weeks and months one apart, across year ends', () => {
    expect(periodIndex('2021-01-01', 'day')! - periodIndex('2020-12-31', 'day')!).toBe(1);
    expect(periodIndex('2021-W01', 'week')! - periodIndex('2020-W53', 'week')!).toBe(1);
    expect(periodIndex('2022-01', 'month')! - periodIndex('2021-12', 'month')!).toBe(1);
  });

  it('rejects impossible dates and keys of another granularity', () => {
    expect(periodIndex('2022-02-30', 'day')).toBeUndefined();
    expect(periodIndex('2021-W53', 'week')).toBeUndefined();
    expect(periodIndex('2022-09', 'day')).toBeUndefined();
  });

  it('knows the weekday (2022-09-24 was a Saturday)', () => {
    expect(weekdayOf(periodIndex('2022-09-24', 'day')!)).toBe(5);
  });
});
