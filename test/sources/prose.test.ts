import { describe, expect, it } from 'vitest';
import { extractFigures, mergeFigures } from '../../functions/sources/parsers/prose';
import { sourceOf } from './support/documents';

const source = sourceOf({
  kind: 'announcements',
  timeZone: 'Europe/Helsinki',
  parser: { type: 'feed' },
  series: [
    { id: 'entries', unit: 'persons', granularity: 'day' },
    { id: 'entries-weekly', unit: 'persons', granularity: 'week' },
  ],
});

/** A figure pattern as the schema would fill it in. */
const figure = (pattern: string, extra: Record<string, unknown> = {}) => ({
  series: 'entries',
  pattern,
  flags: 'iu',
  decimal: 'auto' as const,
  provisional: false,
  ...extra,
});

const found = (text: string, publishedAt: string, ...figures: ReturnType<typeof figure>[]) =>
  extractFigures(text, publishedAt, source, 'snap', figures).figures.map(({ period, value, provisional }) => ({ period, value, ...(provisional ? { provisional } : {}) }));

describe('figures in prose', () => {
  it('reads "Yesterday 8 314 Russians entered Finland" as the figure of the day before publication', () => {
    expect(found('Yesterday 8 314 Russians entered Finland via the Finnish-Russian land border.', '2022-09-25T06:30:00Z', figure('{when} {value} Russians entered'))).toEqual([
      { period: '2022-09-24', value: 8314 },
    ]);
  });

  it('resolves "yesterday" in the source’s time zone: 23:30 UTC on the 24th is already the 25th in Helsinki', () => {
    expect(found('Eilen saapuneita oli 5 959', '2022-09-24T23:30:00Z', figure('{when} saapuneita oli {value}'))).toEqual([{ period: '2022-09-24', value: 5959 }]);
  });

  it('reads the Swedish "igår"', () => {
    expect(found('Igår reste 4 443 ryska medborgare in.', '2022-09-22T06:00:00Z', figure('{when} reste {value} ryska'))).toEqual([{ period: '2022-09-21', value: 4443 }]);
  });

  it('reads the Russian "Вчера"', () => {
    expect(found('Вчера границу пересекли 2 874 человека', '2022-09-16T07:00:00Z', figure('{when} границу пересекли {value}'))).toEqual([{ period: '2022-09-15', value: 2874 }]);
  });

  it('marks a figure for the publication day ("today until 07:00") provisional', () => {
    expect(found('Today until 07:00 1 200 Russians entered.', '2022-09-25T06:00:00Z', figure('{when} until \\d{2}:\\d{2} {value} Russians'))).toEqual([
      { period: '2022-09-25', value: 1200, provisional: true },
    ]);
  });

  it('reads the Polish template "Wczoraj tj. 09.05 -> 17 tys." with the explicit date and the scale word', () => {
    expect(found('Wczoraj tj. 09.05 -> 17 tys. spadek o 28%', '2022-05-10T07:00:00Z', figure('{when} tj\\. {date} -> {value} {scale}', { decimal: 'comma' }))).toEqual([
      { period: '2022-05-09', value: 17000 },
    ]);
  });

  it('reads a decimal comma before a scale word: "23,6 tys." is 23 600', () => {
    expect(found('w dn. 08.05 - 23,6 tys.', '2022-05-10T07:00:00Z', figure('w dn\\. {date} - {value} {scale}', { decimal: 'comma' }))).toEqual([
      { period: '2022-05-08', value: 23600 },
    ]);
  });

  it('puts a day-and-month without a year into the previous year when it would lie in the future', () => {
    expect(found('W dn. 31.12 odprawiono 20 tys.', '2023-01-01T08:00:00Z', figure('W dn\\. {date} odprawiono {value} {scale}'))).toEqual([
      { period: '2022-12-31', value: 20000 },
    ]);
  });

  it('uses a fixed day offset when the sentence names no day', () => {
    expect(found('Rajan ylitti 3 099 Venäjän kansalaista.', '2022-09-21T07:00:00Z', figure('ylitti {value} Venäjän', { dayOffset: -1 }))).toEqual([
      { period: '2022-09-20', value: 3099 },
    ]);
  });

  it('files the figure under the series’ own granularity', () => {
    const outcome = extractFigures('Eilen 5 959', '2022-09-23T06:00:00Z', source, 'snap', [figure('{when} {value}', { series: 'entries-weekly' })]);
    expect(outcome.figures[0]).toMatchObject({ seriesId: 'entries-weekly', period: '2022-W38' });
  });

  it('finds nothing in a text without the wording', () => {
    expect(found('Rajalla oli rauhallista.', '2022-09-23T06:00:00Z', figure('{when} saapuneita oli {value}'))).toEqual([]);
  });
});

describe('merging figures of several texts', () => {
  const base = { seriesId: 'entries', unit: 'persons', sourceId: 's', snapshotId: 'snap' };

  it('prefers a complete figure over a provisional one for the same day', () => {
    const merged = mergeFigures([
      { ...base, period: '2022-09-25', value: 1200, provisional: true, publishedAt: '2022-09-25T06:00:00Z' },
      { ...base, period: '2022-09-25', value: 7100, publishedAt: '2022-09-26T06:00:00Z' },
    ]);
    expect(merged).toEqual([{ ...base, period: '2022-09-25', value: 7100 }]);
  });

  it('prefers the later text when two complete figures disagree (a correction)', () => {
    const merged = mergeFigures([
      { ...base, period: '2022-09-24', value: 8400, publishedAt: '2022-09-25T12:00:00Z' },
      { ...base, period: '2022-09-24', value: 8314, publishedAt: '2022-09-25T06:00:00Z' },
    ]);
    expect(merged.map((o) => o.value)).toEqual([8400]);
  });
});
