import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../functions/sources/config';
import { assessLayout } from '../../functions/sources/layout';
import { parserFor } from '../../functions/sources/parsers';
import { defaultSource, documentOf, sourceOf } from './support/documents';

/**
 * Optional: the real documents in ../shared/data (files from other public repositories, which must not
 * be committed here) read in place. A clone without that folder runs none of these and says so.
 * Override the folder with BORDERWATCH_DATA.
 */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dataRoot = process.env.BORDERWATCH_DATA ?? resolve(repoRoot, '../shared/data');

const datasets = {
  unhcrDaily: 'unhcr_ukraine/api-responses/unhcr_api_timeseries_sv54_pg5457_day_asof_2022-04-25.json',
  unhcrCumulative: 'unhcr_ukraine/api-responses/unhcr_api_timeseries_sv54_pg5478_day_asof_2022-08.json',
  polishHomepage: 'poland_border_guard/site/strazgraniczna_pl_homepage_2018-03-17_news_sections.html',
  polishTraffic: 'poland_border_guard/site/border_traffic_UA_PL_01_03_sample_first_rows.csv',
  btsCanada: 'bts-border-crossing-entry-data/2019-2023/Border_Crossing_Entry_Data_US-Canada_2019-2023.csv',
  bts2018: 'bts-border-crossing-entry-data/bts_entry_data_2018_Nateczhou_verbatim.csv',
  bts2020: 'bts-border-crossing-entry-data/bts_entry_data_2020-2021_Jassi50_verbatim_noheader.csv',
} as const;

const has = (name: keyof typeof datasets) => existsSync(resolve(dataRoot, datasets[name]));
const read = (name: keyof typeof datasets) => new Uint8Array(readFileSync(resolve(dataRoot, datasets[name])));
const parse = (source: SourceConfig, body: Uint8Array, contentType: string, url = source.url) =>
  parserFor(source)(documentOf(body, { contentType, url }), { source, snapshotId: `${source.id}@real` });

// Said at collection time, since vitest runs no hooks for a file whose tests are all left out.
const missing = Object.keys(datasets).filter((name) => !has(name as keyof typeof datasets));
if (missing.length > 0) {
  console.warn(`integration: shared data not found under ${dataRoot}; skipped datasets: ${missing.join(', ')} (set BORDERWATCH_DATA to run them)`);
}

describe('real UNHCR API responses', () => {
  const source = defaultSource('unhcr-ukraine-border-crossings');

  it.runIf(has('unhcrDaily'))('reads the daily border-crossing series of 2022-04-25: 61 days from 79,982 to 31,587', () => {
    const { observations } = parse(source, read('unhcrDaily'), 'application/json');
    expect(observations).toHaveLength(61);
    expect(observations[0]).toMatchObject({ period: '2022-02-24', value: 79982 });
    expect(observations.at(-1)).toMatchObject({ period: '2022-04-25', value: 31587 });
  });

  it.runIf(has('unhcrCumulative'))('reads the irregular cumulative series with the same config', () => {
    const { observations } = parse(source, read('unhcrCumulative'), 'application/json');
    expect(observations).toHaveLength(69);
    expect(observations.at(-1)).toMatchObject({ period: '2022-08-03', value: 6307137 });
  });
});

describe('real strazgraniczna.pl news listing', () => {
  const source = defaultSource('pl-border-guard-news');

  it.runIf(has('polishHomepage'))('reads the six news items of the Aktualności panel with dates and ids, and looks sound', () => {
    const result = parse(source, read('polishHomepage'), 'text/html', 'https://www.strazgraniczna.pl/');
    expect(result.announcements.map((a) => a.url.match(/aktualnosci\/(\d+),/)?.[1])).toEqual(['6282', '6281', '6280', '6279', '6278', '6276']);
    expect(result.announcements[2]).toMatchObject({ title: 'Pracowali "na czarno" na budowach', publishedAt: '2018-03-15T23:00:00.000Z', language: 'pl' });
    expect(assessLayout(result, 6)).toEqual({ suspect: false });
  });
});

describe('real Polish Border Guard traffic file (first rows)', () => {
  const dorohusk = (where: Record<string, string>) =>
    sourceOf({
      parser: { type: 'csv', date: 'Date', dateFormat: 'iso', value: 'Number of persons (checked-in)' },
      series: [
        {
          id: 'dorohusk-ua-arrivals',
          unit: 'persons',
          granularity: 'day',
          where: { 'Border crossing': 'Dorohusk-Jagodzin', 'Direction to / from Poland': 'arrival in Poland', 'Citizenship (code)': 'UA', ...where },
        },
      ],
    });

  it.runIf(has('polishTraffic'))('reads quoted CSV fields and picks one crossing, type, direction and citizenship', () => {
    const source = dorohusk({ 'Type of border crossing': 'road' });
    expect(parse(source, read('polishTraffic'), 'text/csv').observations).toMatchObject([{ period: '2022-01-01', value: 389 }]);
  });

  it.runIf(has('polishTraffic'))('reports road and railway rows of one day as a conflict, naming the line, when the series does not tell them apart', () => {
    expect(() => parse(dorohusk({}), read('polishTraffic'), 'text/csv')).toThrow('conflicting values for series "dorohusk-ua-arrivals" period 2022-01-01: 389 and 13 (line 16)');
  });
});

describe('real BTS Border Crossing Entry Data', () => {
  const blaine = (parser: Record<string, unknown>) =>
    sourceOf({
      country: 'US',
      parser: { type: 'csv', date: 'Date', value: 'Value', ...parser } as never,
      series: [{ id: 'blaine-pvp', unit: 'persons', granularity: 'month', where: { 'Port Code': '3004', Measure: 'Personal Vehicle Passengers' } }],
    });

  it.runIf(has('btsCanada'))('reads the 2019-2023 export ("Mon YYYY") and finds the August 2021 reopening at Blaine', () => {
    const { observations, rows } = parse(blaine({ dateFormat: 'Mon YYYY' }), read('btsCanada'), 'text/csv');
    expect(rows).toBe(32915);
    const byPeriod = new Map(observations.map((o) => [o.period, o.value]));
    expect([byPeriod.get('2021-07'), byPeriod.get('2021-08')]).toEqual([32905, 71757]);
  });

  it.runIf(has('bts2018'))('reads the 2019-era export with "MM/DD/YYYY 12:00:00 AM" dates', () => {
    const { observations } = parse(blaine({ dateFormat: 'MM/DD/YYYY' }), read('bts2018'), 'text/csv');
    expect(observations.find((o) => o.period === '2018-12')?.value).toBe(637811);
  });

  it.runIf(has('bts2020'))('reads the header-less 2020-2021 file with declared columns: the COVID closure at Blaine', () => {
    const columns = ['Port Name', 'State', 'Port Code', 'Border', 'Date', 'Measure', 'Value', 'Latitude', 'Longitude', 'Point'];
    const { observations } = parse(blaine({ dateFormat: 'iso', columns }), read('bts2020'), 'text/csv');
    const byPeriod = new Map(observations.map((o) => [o.period, o.value]));
    expect([byPeriod.get('2020-03'), byPeriod.get('2020-04')]).toEqual([198460, 9785]);
  });
});
