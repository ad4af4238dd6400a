import { describe, expect, it } from 'vitest';
import { SourceError } from '../../functions/core/errors';
import type { SourceConfig } from '../../functions/sources/config';
import type { FetchedDocument } from '../../functions/sources/document';
import { parserFor } from '../../functions/sources/parsers';
import { parseDocument } from '../../functions/sources/parsers/lazy';
import { defaultSource, documentOf, fixture, sourceOf } from './support/documents';

const csvSource = sourceOf({
  parser: { type: 'csv', date: 'Date', dateFormat: 'Mon YYYY', value: 'Value' },
  series: [{ id: 'csv-blaine', unit: 'persons', granularity: 'month', where: { 'Port Name': 'Blaine' } }],
});

const proseSource = sourceOf({
  timeZone: 'Europe/Helsinki',
  languages: ['ru'],
  parser: { type: 'prose', content: '.news', published: '.date', figures: [{ series: 'ru-bulletin-entries', pattern: '{when} до \\d{2}:\\d{2} въехали {value}' }] },
  series: [{ id: 'ru-bulletin-entries', unit: 'persons', granularity: 'day' }],
});

// One real document per parser type.
const cases: Array<[SourceConfig['parser']['type'], SourceConfig, FetchedDocument]> = [
  ['csv', csvSource, documentOf('Port Name,Date,Value\n"Blaine",Aug 2021,"71,757"\n', { contentType: 'text/csv' })],
  ['json', defaultSource('unhcr-ukraine-border-crossings'), documentOf(fixture('unhcr/timeseries.json'), { contentType: 'application/json' })],
  ['feed', defaultSource('fi-border-guard-fi'), documentOf(fixture('raja-fi/rss-fi.xml'), { contentType: 'application/rss+xml' })],
  ['html-list', defaultSource('pl-border-guard-news'), documentOf(fixture('strazgraniczna/aktualnosci.html'), { contentType: 'text/html' })],
  ['html-table', defaultSource('pl-border-guard-traffic-table'), documentOf(fixture('strazgraniczna/ruch-graniczny.html'), { contentType: 'text/html' })],
  ['prose', proseSource, documentOf(fixture('charset/vchera-windows-1251.html'), { contentType: 'text/html' })],
];

describe('parseDocument (parsers loaded on first use)', () => {
  it.each(cases)('gives the same result as the eager %s parser', async (type, source, document) => {
    expect(source.parser.type).toBe(type);
    const context = { source, snapshotId: `${source.id}@t` };
    const lazy = await parseDocument(source, document, context);
    expect(lazy.rows).toBeGreaterThan(0);
    expect(lazy).toEqual(parserFor(source)(document, context));
  });

  it("rejects with the parser's SourceError, naming source, field and value", async () => {
    const document = documentOf('Port Name,Date,Value\nBlaine,Aug 2021,lots\n');
    const parsed = parseDocument(csvSource, document, { source: csvSource, snapshotId: 's' });
    await expect(parsed).rejects.toBeInstanceOf(SourceError);
    await expect(parsed).rejects.toMatchObject({ sourceId: 'test-source', field: 'Value', value: 'lots' });
  });
});
