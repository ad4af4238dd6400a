import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../functions/query/csv';

describe('CSV', () => {
  it('quotes cells with commas, quotes or line breaks (RFC 4180)', () => {
    expect(toCsv([{ header: 'title', value: (r: string) => r }], ['a, "b"\nc'])).toBe('title\r\n"a, ""b""\nc"\r\n');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(['=HYPERLINK("x")', '+1', '-cmd', '@SUM(A1)'].map(csvCell)).toEqual(['"\'=HYPERLINK(""x"")"', "'+1", "'-cmd", "'@SUM(A1)"]);
  });

  it('writes numbers as numbers, negative ones included', () => {
    expect([csvCell(-5), csvCell(5959), csvCell(false), csvCell(undefined)]).toEqual(['-5', '5959', 'false', '']);
  });
});
