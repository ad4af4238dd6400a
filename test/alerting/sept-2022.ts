/**
 * The September 2022 inputs of the example alerts in docs/alerts/, built only from what the shared
 * data folder documents (/work/shared/data/fi-border-2022: figures, events timeline, page structure).
 *
 * - Surge: the Southeast Finland daily figures (Imatra, Nuijamaa, Vaalimaa) 14.-22.9.2022 as reported
 *   by the Southeast Finland Border Guard District and quoted by the press; 5,959 on 22.9 against the
 *   median 2,874 of the five previous reported days. The source URL is the press report of 5,959; the
 *   fetch time is that of a morning run; no content hash is shown because no document was fetched.
 * - Government release: valtioneuvosto.fi press release 556/2022 of 23.9.2022 (English 19.39 Finnish
 *   time). Its title is reconstructed from the release's URL slug (capitals and the apostrophe
 *   restored); its text is not reproduced, so the excerpt is empty.
 * - Entry restriction: a Border Guard release that the restrictions apply from 00:00 on 30.9.2022. Its
 *   title and publication time are ILLUSTRATIVE, written in the documented shape of raja.fi releases;
 *   they are not a quote. The link is the Border Guard's documented entry-restrictions page, the feed
 *   the Border Guard's documented Finnish press-release RSS feed.
 */
import type { SeriesAlertInput } from '../../functions/alerting/series-alert';
import type { AnnouncementAlertInput } from '../../functions/alerting/announcement-alert';

const baseline = [
  { period: '2022-09-14', value: 2794 },
  { period: '2022-09-15', value: 2874 },
  { period: '2022-09-19', value: 2804 },
  { period: '2022-09-20', value: 3099 },
  { period: '2022-09-21', value: 4443 },
];

export const SURGE_RATIO = 5959 / 2874;

export const septemberSurge: SeriesAlertInput = {
  event: {
    type: 'opened',
    evaluation: {
      period: '2022-09-22',
      status: 'anomaly',
      value: 5959,
      direction: 'up',
      kind: 'surge',
      severity: 'warning',
      expected: 2874,
      ratio: SURGE_RATIO,
      evidence: { rule: 'value >= 2 x or <= 0.5 x median of previous 5', baseline, minBaseline: 10 },
    },
    episode: { direction: 'up', kind: 'surge', openedPeriod: '2022-09-22', lastPeriod: '2022-09-22', peakRatio: SURGE_RATIO, severity: 'warning' },
  },
  series: {
    seriesId: 'fi.southeast.russians-entering',
    sourceId: 'fi-southeast-daily',
    unit: 'persons',
    granularity: 'day',
    title: 'Russians entering Finland via Southeast Finland (Imatra, Nuijamaa, Vaalimaa)',
    country: 'FI',
  },
  source: {
    id: 'fi-southeast-daily',
    title: 'Southeast Finland Border Guard District: daily entries of Russian citizens (as reported by the press)',
    url: 'https://www.iltalehti.fi/kotimaa/a/f7febc8b-802a-45d8-91d0-84c8c9044207',
    country: 'FI',
  },
  snapshot: {
    snapshotId: 'fi-southeast-daily@2022-09-23T06:15:00.000Z',
    fetchedAt: '2022-09-23T06:15:00.000Z',
    url: 'https://www.iltalehti.fi/kotimaa/a/f7febc8b-802a-45d8-91d0-84c8c9044207',
  },
  createdAt: '2022-09-23T06:15:02.000Z',
};

const governmentRelease556 =
  'https://valtioneuvosto.fi/en/-/10616/president-and-ministerial-committee-on-foreign-and-security-policy-discuss-the-effects-of-russia-s-war-and-partial-mobilisation-on-the-assessment-of-russian-tourists';

export const governmentRelease: AnnouncementAlertInput = {
  announcement: {
    sourceId: 'fi-government-press',
    announcementId: 'press-release-556-2022',
    title: "President and Ministerial Committee on Foreign and Security Policy discuss the effects of Russia's war and partial mobilisation on the assessment of Russian tourists",
    url: governmentRelease556,
    publishedAt: '2022-09-23T16:39:00.000Z',
    language: 'en',
    excerpt: '',
    snapshotId: 'fi-government-press@2022-09-23T16:45:00.000Z',
  },
  // The Government's feed address is not documented in the shared data: the release page stands for it.
  source: { id: 'fi-government-press', title: 'Finnish Government (valtioneuvosto.fi): press releases in English', url: governmentRelease556, country: 'FI' },
  snapshot: { snapshotId: 'fi-government-press@2022-09-23T16:45:00.000Z', fetchedAt: '2022-09-23T16:45:00.000Z', url: governmentRelease556 },
  createdAt: '2022-09-23T16:45:01.000Z',
};

const borderGuardFeed = 'https://raja.fi/uutiset-ja-tiedotteet/-/asset_publisher/kBNrdPA9Hj7T/rss';

export const entryRestriction: AnnouncementAlertInput = {
  announcement: {
    sourceId: 'fi-border-guard-news',
    announcementId: 'illustrative-2022-09-29',
    title: 'Venäläisten matkailijoiden maahantulon rajoitukset voimaan 30.9.2022 klo 00.00',
    url: 'https://raja.fi/maahantulon-rajoitukset',
    publishedAt: '2022-09-29T12:00:00.000Z',
    language: 'fi',
    excerpt: '',
    snapshotId: 'fi-border-guard-news@2022-09-29T12:15:00.000Z',
  },
  source: { id: 'fi-border-guard-news', title: 'Finnish Border Guard (Rajavartiolaitos): news and press releases', url: borderGuardFeed, country: 'FI' },
  snapshot: { snapshotId: 'fi-border-guard-news@2022-09-29T12:15:00.000Z', fetchedAt: '2022-09-29T12:15:00.000Z', url: borderGuardFeed },
  createdAt: '2022-09-29T12:15:01.000Z',
};
