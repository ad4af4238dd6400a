import { stableId } from '../core/hash';
import type { Alert, Announcement, Severity } from '../core/model';
import { ALERT_SCHEMA } from './alert-schema';
import type { AlertPayload } from './payload';
import { footerLines, provenanceLines, provenancePayload, sourcePayload, type AlertSource, type ProvenanceSnapshot } from './render';
import { fitSms, toGsm } from './sms';
import { DEFAULT_TOPICS, matchTopics, type TopicsConfig } from '../sources/topics';
import { capText, fitSubject, safeUrl, toAscii } from './text';

/** Topics that mean people may not get across: their announcements are critical. */
export const CRITICAL_TOPICS: readonly string[] = ['closure', 'restriction'];

export interface AnnouncementAlertInput {
  announcement: Announcement;
  source: AlertSource;
  /** The fetch that found the announcement (the feed or page), for provenance. */
  snapshot: ProvenanceSnapshot;
  /** The source's topics; `DEFAULT_TOPICS` when it declares none. */
  topics?: TopicsConfig;
  createdAt: string;
  /** Which topics make an announcement critical (others are warnings). */
  criticalTopics?: readonly string[];
  /**
   * Announcements published longer than this before the fetch are not alerted: the first fetch of a
   * feed or an archive page brings old items that are news to nobody. @default DEFAULT_MAX_AGE_MS
   */
  maxAgeMs?: number;
}

/** Three days: a release found late (a feed that was down over a weekend) still alerts. */
export const DEFAULT_MAX_AGE_MS = 3 * 24 * 3_600_000;

/** Title and excerpt are page text: cleaned, capped, never trusted. */
const TITLE_MAX = 300;
const EXCERPT_MAX = 600;

/** The id of the alert for an announcement: one per source and announcement, however often it is seen. */
export function announcementAlertId(sourceId: string, announcementId: string): string {
  return stableId('announcement', sourceId, announcementId);
}

/**
 * The alert for an official announcement about one of the topics (closure, restriction, visa, ...),
 * or undefined when it is about none or is older than `maxAgeMs` at the fetch (an unreadable
 * publication date does not hold an alert back). Topics are those the parser found (`announcement.topics`) and
 * those `matchTopics` finds with the given topics, in that order, each once.
 */
export function announcementAlert(input: AnnouncementAlertInput): Alert | undefined {
  const { announcement, source, snapshot } = input;
  const age = Date.parse(snapshot.fetchedAt) - Date.parse(announcement.publishedAt);
  if (age > (input.maxAgeMs ?? DEFAULT_MAX_AGE_MS)) return undefined;
  const found = matchTopics(announcement, input.topics ?? DEFAULT_TOPICS);
  const topics = [...new Set([...(announcement.topics ?? []), ...found])].map((t) => capText(t, 40)).filter((t) => t !== '');
  if (topics.length === 0) return undefined;

  const alertId = announcementAlertId(source.id, announcement.announcementId);
  const critical = input.criticalTopics ?? CRITICAL_TOPICS;
  const severity: Severity = topics.some((t) => critical.includes(t)) ? 'critical' : 'warning';
  const title = capText(announcement.title, TITLE_MAX) || '(untitled)';
  const excerpt = capText(announcement.excerpt, EXCERPT_MAX);
  const language = capText(announcement.language, 10);
  const published = capText(announcement.publishedAt, 40);
  const link = safeUrl(announcement.url);
  const country = source.country;
  const about = topics.join(', ');
  const date = published.slice(0, 10);

  const subject = fitSubject([
    { text: `[borderwatch] ${country ? `${country} ` : ''}${about}:`, fit: 'keep' },
    { text: title, fit: 'shorten', minLength: 16 },
    { text: date ? `(${date})` : '', fit: 'keep' },
  ]);
  // Titles in Cyrillic (or anything outside GSM-7) are romanized: one Cyrillic letter would halve the
  // SMS (70 characters), and the topic, date and link say what matters.
  const sms = fitSms([
    { text: `borderwatch ${country ? `${country} ` : ''}${topics.join('/').toUpperCase()}:`, fit: 'keep' },
    { text: toGsm(title), fit: 'shorten', minLength: 20 },
    { text: date ? `(${date})` : '', fit: 'keep' },
    { text: link ?? '', fit: 'drop' },
  ]);
  const email = [
    `New announcement from ${capText(source.title, 200)}, about ${about}.`,
    '',
    `Title:     ${title}`,
    ...(toAscii(title) !== title && /[\u0400-\u04ff]/.test(title) ? [`           (${toAscii(title)})`] : []),
    `Published: ${published}`,
    `Language:  ${language || 'unknown'}`,
    `Topics:    ${about}`,
    `Link:      ${link ?? '(no web address)'}`,
    ...(excerpt ? ['', 'Excerpt:', ...wrap(excerpt, 76).map((line) => `  ${line}`)] : []),
    '',
    ...provenanceLines(source, snapshot),
    ...footerLines({ alertId, kind: 'announcement', severity, ...(country ? { country } : {}), subjectId: `${source.id}/${announcement.announcementId}` }),
  ].join('\n');
  const payload: AlertPayload = {
    schema: ALERT_SCHEMA,
    alertId,
    kind: 'announcement',
    severity,
    createdAt: input.createdAt,
    headline: subject.replace(/^\[borderwatch\] /, ''),
    ...(country ? { country } : {}),
    source: sourcePayload(source),
    subject: { type: 'announcement', id: `${source.id}/${announcement.announcementId}` },
    topics,
    announcement: { id: announcement.announcementId, title, url: link ?? '', publishedAt: published, language, excerpt },
    provenance: provenancePayload(snapshot),
  };
  return {
    alertId,
    kind: 'announcement',
    subject: { type: 'announcement', id: `${source.id}/${announcement.announcementId}` },
    severity,
    state: 'pending',
    createdAt: input.createdAt,
    sourceId: source.id,
    ...(country ? { country } : {}),
    topics,
    message: { subject, sms, email, json: payload },
    evidence: {
      announcementId: announcement.announcementId,
      title,
      url: link,
      publishedAt: published,
      snapshotId: snapshot.snapshotId,
      feedUrl: snapshot.url,
      fetchedAt: snapshot.fetchedAt,
      contentHash: snapshot.contentHash,
    },
    attempts: 0,
  };
}

/** Wraps plain text at spaces to lines of at most `width` characters (longer words stay whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
