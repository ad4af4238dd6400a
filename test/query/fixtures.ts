import type { Alert, Announcement, Observation, Snapshot } from '../../functions/core/model';
import type { Store } from '../../functions/store/repository';

/** Press-reported Southeast Finland figures of September 2022 (demo/fi-border-2022, with sources). */
export const FINLAND_SERIES = 'fi.southeast.russians-entering';
export const FINLAND_SOURCE = 'demo-fi-southeast';
export const FINLAND_FIGURES: Array<[string, number]> = [
  ['2022-09-14', 2794],
  ['2022-09-15', 2874],
  ['2022-09-19', 2804],
  ['2022-09-20', 3099],
  ['2022-09-21', 4443],
  ['2022-09-22', 5959],
  ['2022-09-23', 7000],
  ['2022-09-24', 7700],
  ['2022-09-26', 7066],
];
export const MONTHLY_SERIES = 'us.san-ysidro.pedestrians';
const FINLAND_URL = 'https://www.raja.fi/demo/fi-border-2022.csv';

export function snapshotAt(sourceId: string, fetchedAt: string, outcome: Snapshot['outcome'] = 'ok'): Snapshot {
  return {
    sourceId,
    snapshotId: `${sourceId}@${fetchedAt}`,
    runAt: fetchedAt,
    fetchedAt,
    url: FINLAND_URL,
    httpStatus: outcome === 'failed' ? 503 : 200,
    contentHash: `sha256-${fetchedAt}`,
    size: 1234,
    contentType: 'text/csv',
    outcome,
    ...(outcome === 'failed' ? { error: { message: 'HTTP 503', stage: 'fetch' } } : { documentKey: `documents/${sourceId}/sha256-${fetchedAt}` }),
  };
}

export function alertOf(overrides: Partial<Alert> & Pick<Alert, 'alertId' | 'createdAt'>): Alert {
  return {
    kind: 'surge',
    subject: { type: 'series', id: FINLAND_SERIES },
    severity: 'warning',
    state: 'published',
    period: '2022-09-22',
    sourceId: FINLAND_SOURCE,
    country: 'FI',
    message: {
      subject: '[borderwatch] Surge: Russians entering Finland 5,959 on 2022-09-22 (x2.07)',
      sms: 'borderwatch Surge: Russians entering Finland 5,959 on 2022-09-22 vs 2,874 expected (x2.07).',
      email: 'Surge detected in Russians entering Finland.\n\nPeriod:    2022-09-22 (day)\nValue:     5,959 persons',
      json: { period: '2022-09-22' },
    },
    evidence: { value: 5959, expected: 2874, ratio: 2.07, url: FINLAND_URL, fetchedAt: '2022-09-23T06:00:00.000Z', contentHash: 'abc' },
    attempts: 1,
    ...overrides,
  };
}

const observation = (seriesId: string, period: string, value: number, unit = 'persons'): Observation => ({
  seriesId,
  period,
  value,
  unit,
  sourceId: seriesId === FINLAND_SERIES ? FINLAND_SOURCE : 'demo-bts-san-ysidro',
  snapshotId: `${FINLAND_SOURCE}@2022-09-27T06:00:00.000Z`,
});

/**
 * The Finland surge as the pipeline leaves it: the series, its figures, daily snapshots (one failed),
 * the surge alert of 22 September, a drop alert on a monthly series, and two announcements.
 */
export async function seedFinland(store: Store): Promise<void> {
  await store.putSeries({ seriesId: FINLAND_SERIES, sourceId: FINLAND_SOURCE, unit: 'persons', granularity: 'day', title: 'Russians entering Finland via Southeast Finland', country: 'FI' });
  await store.putSeries({ seriesId: MONTHLY_SERIES, sourceId: 'demo-bts-san-ysidro', unit: 'persons', granularity: 'month', title: 'San Ysidro pedestrians', country: 'US' });
  await store.writeObservations(FINLAND_FIGURES.map(([d, v]) => observation(FINLAND_SERIES, d, v)), '2022-09-27T06:00:00.000Z');
  await store.writeObservations(
    [['2020-01', 600_000], ['2020-02', 580_000], ['2020-03', 400_000], ['2020-04', 140_000]].map(([m, v]) => observation(MONTHLY_SERIES, m as string, v as number)),
    '2020-05-15T12:00:00.000Z',
  );
  for (const [day] of FINLAND_FIGURES) {
    const next = new Date(`${day}T06:00:00.000Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    await store.putSnapshot(snapshotAt(FINLAND_SOURCE, next.toISOString()));
  }
  await store.putSnapshot(snapshotAt(FINLAND_SOURCE, '2022-09-25T07:00:00.000Z', 'failed'));
  await store.recordAlert(alertOf({ alertId: 'fi-surge-0922', createdAt: '2022-09-23T06:00:05.000Z' }));
  await store.recordAlert(
    alertOf({
      alertId: 'sy-drop-2020-04',
      createdAt: '2020-05-15T12:00:05.000Z',
      kind: 'drop',
      severity: 'critical',
      subject: { type: 'series', id: MONTHLY_SERIES },
      sourceId: 'demo-bts-san-ysidro',
      country: 'US',
      period: '2020-04',
      message: { subject: '[borderwatch] Drop: San Ysidro pedestrians 140,000 on 2020-04 (x0.23)', sms: 'Drop', email: 'Drop detected.', json: { period: '2020-04' } },
      evidence: { url: 'https://data.bts.gov/resource/keg4-3bc2.json' },
    }),
  );
  const announcements: Announcement[] = [
    {
      sourceId: 'valtioneuvosto',
      announcementId: 'press-556-2022',
      title: 'President and Ministerial Committee discuss the effects of partial mobilisation',
      url: 'https://valtioneuvosto.fi/en/-/10616/president-and-ministerial-committee',
      publishedAt: '2022-09-23T16:39:00.000Z',
      language: 'en',
      excerpt: 'The Government will significantly restrict the entry of Russian citizens.',
      snapshotId: 'valtioneuvosto@2022-09-23T17:00:00.000Z',
      topics: ['entry-restrictions', 'visas'],
    },
    {
      sourceId: 'raja',
      announcementId: 'tiedote-2022-09-30',
      title: 'Entry restrictions in force from 00:00',
      url: 'https://raja.fi/tiedote',
      publishedAt: '2022-09-29T20:00:00.000Z',
      language: 'fi',
      excerpt: 'Restrictions in force.',
      snapshotId: 'raja@2022-09-29T21:00:00.000Z',
      topics: ['border-closure'],
    },
  ];
  await store.putAnnouncements(announcements);
}

/** `days` consecutive daily observations of one series ending on `lastDay`, in one write. */
export async function seedDailySeries(store: Store, seriesId: string, days: number, lastDay = '2025-12-31'): Promise<string[]> {
  await store.putSeries({ seriesId, sourceId: 'bench', unit: 'persons', granularity: 'day' });
  const end = new Date(`${lastDay}T00:00:00.000Z`).getTime();
  const periods = Array.from({ length: days }, (_, i) => new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
  await store.writeObservations(
    periods.map((period, i) => ({ seriesId, period, value: 2800 + ((i * 37) % 400), unit: 'persons', sourceId: 'bench', snapshotId: `bench@${lastDay}T06:00:00.000Z` })),
    `${lastDay}T06:00:00.000Z`,
  );
  return periods;
}
