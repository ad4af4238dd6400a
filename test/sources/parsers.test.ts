import { describe, expect, it } from 'vitest';
import { SourceError } from '../../functions/core/errors';
import { parserFor } from '../../functions/sources/parsers';
import type { SourceConfig } from '../../functions/sources/config';
import type { FetchedDocument } from '../../functions/sources/document';
import { defaultSource, documentOf, fixture, sourceOf } from './support/documents';

const parse = (source: SourceConfig, document: FetchedDocument) => parserFor(source)(document, { source, snapshotId: `${source.id}@t` });

function thrown(action: () => unknown): SourceError {
  try {
    action();
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
  throw new Error('expected a SourceError');
}

describe('Finnish Border Guard feed (fi-border-guard-fi, RSS 2.0)', () => {
  const source = defaultSource('fi-border-guard-fi');
  const document = documentOf(fixture('raja-fi/rss-fi.xml'), { contentType: 'application/rss+xml;charset=UTF-8', url: source.url });
  const result = parse(source, document);

  it('reads every item as an announcement', () => {
    expect(result.rows).toBe(3);
    expect(result.announcements.map((a) => a.title)).toEqual([
      'Kaakkois-Suomen rajanylityspaikoilla vilkasta',
      'Valtioneuvosto rajoittaa venäläisten matkailijoiden maahantuloa',
      'Katsaus Kaakkois-Suomen rajavartioston toimintaan elokuussa 2022',
    ]);
  });

  it('gives each item a stable id from its guid, the same on every parse', () => {
    const again = parse(source, document);
    expect(again.announcements.map((a) => a.announcementId)).toEqual(result.announcements.map((a) => a.announcementId));
    expect(new Set(result.announcements.map((a) => a.announcementId)).size).toBe(3);
  });

  it('strips tags and decodes entities in the excerpt', () => {
    expect(result.announcements[0]!.excerpt).toBe(
      'Tilanne 23.9.2022 klo 09.00. Eilen saapuneita oli 5 959 Venäjän kansalaista Kaakkois-Suomen rajanylityspaikkojen kautta. Liikenne jatkuu vilkkaana & jonoja on odotettavissa.',
    );
  });

  it('reads the RFC-822 publication date as an ISO instant and the channel language', () => {
    expect(result.announcements[1]).toMatchObject({ publishedAt: '2022-09-29T13:05:00.000Z', language: 'fi', url: 'https://raja.fi/-/valtioneuvosto-rajoittaa-maahantuloa' });
  });

  it('tags the closure announcement with the closure and entry-rules topics from Finnish stems', () => {
    expect(result.announcements[1]!.topics).toEqual(['closure', 'entry-rules']);
  });

  it('turns "Eilen saapuneita oli 5 959" published on 23.9. into the figure for 22.9.', () => {
    expect(result.observations).toEqual([
      { seriesId: 'fi-southeast-russians-arrived', period: '2022-09-22', value: 5959, unit: 'persons', sourceId: source.id, snapshotId: `${source.id}@t` },
    ]);
  });
});

describe('Finnish Border Guard feed (fi-border-guard-en)', () => {
  const source = defaultSource('fi-border-guard-en');
  const result = parse(source, documentOf(fixture('raja-fi/rss-en.xml'), { contentType: 'application/rss+xml', url: source.url }));

  it('reads the September 2022 wording into daily figures for the day before publication', () => {
    expect(result.observations.map(({ seriesId, period, value }) => ({ seriesId, period, value }))).toEqual([
      { seriesId: 'fi-eastern-land-border-russians-entered', period: '2022-09-23', value: 7000 },
      { seriesId: 'fi-eastern-land-border-russians-entered', period: '2022-09-24', value: 8314 },
      { seriesId: 'fi-eastern-land-border-russians-exited', period: '2022-09-24', value: 4200 },
    ]);
  });

  it('tags "closes the border ... from midnight" with the closure topic', () => {
    expect(result.announcements[2]!.topics).toContain('closure');
  });
});

describe('Finnish Government feeds', () => {
  const source = sourceOf({ ...defaultSource('fi-government-en'), id: 'fi-government-test' });

  it('reads a Liferay RSS feed with curly-quote entities', () => {
    const result = parse(source, documentOf(fixture('valtioneuvosto/rss-en.xml'), { contentType: 'application/rss+xml' }));
    expect(result.announcements[0]!.excerpt).toContain('Russia’s partial mobilisation');
  });

  it('reads an Atom feed: id, alternate link resolved against the feed URL, xml:lang', () => {
    const result = parse(source, documentOf(fixture('valtioneuvosto/atom.xml'), { contentType: 'application/atom+xml', url: 'https://valtioneuvosto.fi/sv/feed' }));
    expect(result.announcements[0]).toMatchObject({
      title: 'Regeringen begränsar inresan för ryska turister',
      url: 'https://valtioneuvosto.fi/sv/-/10616/regeringen-begransar-inresan',
      publishedAt: '2022-09-23T16:39:00.000Z',
      language: 'sv',
      excerpt: 'Pressmeddelande 556/2022. Gränsen stängs för turister & inresan begränsas.',
    });
  });

  it('reads an Atom time without a zone in the source’s time zone', () => {
    const result = parse(source, documentOf(fixture('valtioneuvosto/atom.xml')));
    expect(result.announcements[1]!.publishedAt).toBe('2022-09-29T21:00:00.000Z');
  });

  it('caps a long excerpt at a word boundary', () => {
    const long = `<rss><channel><item><title>T</title><link>https://e.org/1</link><description>${'sana '.repeat(200)}</description><pubDate>Thu, 29 Sep 2022 12:00:00 GMT</pubDate></item></channel></rss>`;
    const excerpt = parse(source, documentOf(long)).announcements[0]!.excerpt;
    expect(excerpt.length).toBeLessThanOrEqual(280);
    expect(excerpt.endsWith('sana…')).toBe(true);
  });

  it('names the field and value of a publication date it cannot read', () => {
    const bad = '<rss><channel><item><title>T</title><link>https://e.org/1</link><pubDate>sometime soon</pubDate></item></channel></rss>';
    expect(thrown(() => parse(source, documentOf(bad)))).toMatchObject({ sourceId: 'fi-government-test', field: 'pubDate', value: 'sometime soon' });
  });

  it('refuses a document that is not a feed', () => {
    expect(thrown(() => parse(source, documentOf('<html><body>Maintenance</body></html>'))).field).toBe('(root element)');
  });
});

describe('BTS Border Crossing Entry Data (Socrata JSON)', () => {
  const source = defaultSource('us-bts-border-crossings');
  const result = parse(source, documentOf(fixture('bts/socrata-keg4-3bc2.json'), { contentType: 'application/json' }));

  it('maps port and measure to series and reads string values as numbers', () => {
    expect(result.observations.map(({ seriesId, period, value }) => `${seriesId} ${period} ${value}`)).toEqual([
      'us-ca-blaine-personal-vehicle-passengers 2021-07 32905',
      'us-ca-blaine-personal-vehicle-passengers 2021-08 71757',
      'us-mx-san-ysidro-pedestrians 2021-07 498800',
      'us-mx-san-ysidro-pedestrians 2021-08 512400',
    ]);
  });

  it('counts every record as a row, including those of no series', () => {
    expect(result.rows).toBe(5);
  });
});

describe('UNHCR time-series API', () => {
  const source = defaultSource('unhcr-ukraine-border-crossings');

  it('reads data.timeseries into a daily series', () => {
    const result = parse(source, documentOf(fixture('unhcr/timeseries.json'), { contentType: 'application/json' }));
    expect(result.observations.map((o) => [o.period, o.value])).toEqual([
      ['2022-02-24', 80000],
      ['2022-02-25', 110000],
      ['2022-02-26', 120500],
      ['2022-02-27', 65000],
    ]);
  });

  it('names the path when the records are not where the config says', () => {
    expect(thrown(() => parse(source, documentOf('{"data":{}}'))).field).toBe('data.timeseries');
  });
});

describe('Polish Border Guard news listing (html-list)', () => {
  const source = defaultSource('pl-border-guard-news');
  const result = parse(source, documentOf(fixture('strazgraniczna/aktualnosci.html'), { contentType: 'text/html', url: 'https://www.strazgraniczna.pl/pl/aktualnosci' }));

  it('reads the news items (and not the notices scroller) as announcements', () => {
    expect(result.announcements.map((a) => a.url)).toEqual([
      'https://www.strazgraniczna.pl/pl/aktualnosci/10412,Ruch-graniczny-na-granicy-z-Ukraina.html',
      'https://www.strazgraniczna.pl/pl/aktualnosci/10398,Zatrzymani-za-nielegalne-przekroczenie-granicy.html',
      'https://www.strazgraniczna.pl/pl/aktualnosci/10390,Tymczasowe-zamkniecie-przejscia.html',
    ]);
  });

  it('reads a date-only DD.MM.YYYY as midnight in Warsaw and the page language', () => {
    expect(result.announcements[0]).toMatchObject({ publishedAt: '2022-05-09T22:00:00.000Z', language: 'pl' });
  });

  it('keeps the id stable when the slug of the URL changes', () => {
    const renamed = new TextDecoder().decode(fixture('strazgraniczna/aktualnosci.html')).replace('10412,Ruch-graniczny-na-granicy-z-Ukraina', '10412,Ruch-graniczny');
    const again = parse(source, documentOf(renamed, { url: 'https://www.strazgraniczna.pl/pl/aktualnosci' }));
    expect(again.announcements[0]!.announcementId).toBe(result.announcements[0]!.announcementId);
  });

  it('decodes entities in titles and excerpts', () => {
    expect(result.announcements[1]!.excerpt).toBe('Funkcjonariusze zatrzymali trzy osoby "na gorącym uczynku".');
  });

  it('tags the crossing closure with the closure topic from Polish stems', () => {
    expect(result.announcements[2]!.topics).toEqual(['closure']);
  });

  it('reads the daily post template: yesterday’s full figure, today’s provisional one, and the other direction', () => {
    expect(result.observations.map(({ seriesId, period, value, provisional }) => ({ seriesId, period, value, provisional }))).toEqual([
      { seriesId: 'pl-pl-to-ua-persons-checked-out', period: '2022-05-09', value: 15000, provisional: undefined },
      { seriesId: 'pl-ua-to-pl-persons-checked-in', period: '2022-05-09', value: 17000, provisional: undefined },
      { seriesId: 'pl-ua-to-pl-persons-checked-in', period: '2022-05-10', value: 3700, provisional: true },
    ]);
  });

  it('finds no rows when the list selector no longer matches', () => {
    const redesigned = parse(source, documentOf('<html><body><div class="news-grid"><article>x</article></div></body></html>'));
    expect(redesigned.rows).toBe(0);
  });
});

describe('Polish Border Guard traffic table (html-table)', () => {
  const source = defaultSource('pl-border-guard-traffic-table');
  const result = parse(source, documentOf(fixture('strazgraniczna/ruch-graniczny.html')));

  it('matches columns by header text and series by crossing point', () => {
    expect(result.observations.map(({ seriesId, period, value }) => `${seriesId} ${period} ${value}`)).toEqual([
      'pl-dorohusk-entries 2022-05-08 3015',
      'pl-medyka-entries 2022-05-08 6120',
      'pl-medyka-entries 2022-05-09 4410',
      'pl-medyka-exits 2022-05-08 4480',
      'pl-medyka-exits 2022-05-09 3870',
    ]);
  });

  it('treats "–" as no figure rather than zero', () => {
    expect(result.observations.some((o) => o.seriesId === 'pl-dorohusk-entries' && o.period === '2022-05-09')).toBe(false);
  });

  it('skips and counts the total row instead of failing', () => {
    expect(result).toMatchObject({ rows: 5, skipped: 1 });
  });

  it('finds a column whatever its case and spacing', () => {
    const shouting = new TextDecoder().decode(fixture('strazgraniczna/ruch-graniczny.html')).replace('<th>Wjazd do Polski</th>', '<th> WJAZD  do\nPOLSKI </th>');
    expect(parse(source, documentOf(shouting)).observations).toHaveLength(5);
  });

  it('names the missing column and lists the headers it found when a column is renamed', () => {
    const renamed = new TextDecoder().decode(fixture('strazgraniczna/ruch-graniczny.html')).replace('<th>Data</th>', '<th>Dzień</th>');
    const error = thrown(() => parse(source, documentOf(renamed)));
    expect(error).toMatchObject({ sourceId: 'pl-border-guard-traffic-table', field: 'data' });
    expect(error.message).toContain('Dzień');
  });

  it('does not read the rows of a table nested in a cell', () => {
    const nested = new TextDecoder().decode(fixture('strazgraniczna/ruch-graniczny.html')).replace('<td>Medyka</td><td>6&nbsp;120</td>', '<td>Medyka<table><tr><td>1.1.2000</td><td>x</td></tr></table></td><td>6&nbsp;120</td>');
    expect(parse(source, documentOf(nested)).rows).toBe(5);
  });

  it('reads rows and cells through custom selectors', () => {
    const custom = sourceOf({ ...defaultSource('pl-border-guard-traffic-table'), id: 'custom-selectors', parser: { ...defaultSource('pl-border-guard-traffic-table').parser, rows: 'tr:not(:has(th[colspan]))', cells: 'td, th' } as never });
    expect(parse(custom, documentOf(fixture('strazgraniczna/ruch-graniczny.html')))).toMatchObject({ rows: 4, skipped: 0 });
  });

  it('reads a headerless table by column position', () => {
    const positional = sourceOf({
      parser: { type: 'html-table', headerRow: -1, date: '#1', value: '#2' },
      series: [{ id: 'positional', unit: 'persons', granularity: 'day' }],
    });
    const html = '<table><tr><td>2022-09-22</td><td>5 959</td></tr><tr><td>2022-09-21</td><td>4 443</td></tr></table>';
    expect(parse(positional, documentOf(html)).observations.map((o) => o.value)).toEqual([4443, 5959]);
  });
});

describe('prose page (Russian, windows-1251)', () => {
  const source = sourceOf({
    timeZone: 'Europe/Helsinki',
    languages: ['ru'],
    parser: {
      type: 'prose',
      content: '.news',
      published: '.date',
      figures: [
        { series: 'ru-bulletin-entries', pattern: '{when} в Финляндию через сухопутную границу въехали {value} граждан' },
        { series: 'ru-bulletin-entries', pattern: '{when} до \\d{2}:\\d{2} въехали {value}' },
      ],
    },
    series: [{ id: 'ru-bulletin-entries', unit: 'persons', granularity: 'day' }],
  });
  const result = parse(source, documentOf(fixture('charset/vchera-windows-1251.html'), { contentType: 'text/html' }));

  it('reads "Вчера ... 8 314" from a windows-1251 page as the figure for the day before publication', () => {
    expect(result.observations[0]).toMatchObject({ period: '2022-09-24', value: 8314 });
  });

  it('marks "Сегодня до 07:00" as a provisional figure for the publication day', () => {
    expect(result.observations[1]).toMatchObject({ period: '2022-09-25', value: 1200, provisional: true });
  });
});

describe('CSV', () => {
  const source = sourceOf({
    parser: { type: 'csv', date: 'Date', dateFormat: 'Mon YYYY', value: 'Value' },
    series: [{ id: 'csv-blaine', unit: 'persons', granularity: 'month', where: { 'Port Name': 'Blaine' } }],
  });

  it('reads quoted fields with commas', () => {
    const csv = 'Port Name,Date,Value\n"Blaine",Aug 2021,"71,757"\nSumas,Aug 2021,5\n';
    expect(parse(source, documentOf(csv)).observations).toMatchObject([{ period: '2021-08', value: 71757 }]);
  });

  it('names source, field and value of a value that is not a number', () => {
    const csv = 'Port Name,Date,Value\nBlaine,Aug 2021,lots\n';
    expect(thrown(() => parse(source, documentOf(csv)))).toMatchObject({ sourceId: 'test-source', field: 'Value', value: 'lots' });
  });
});
