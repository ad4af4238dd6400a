import { createHash } from 'node:crypto';
import type { PublicAlert } from './queries';
import { xmlAttr, xmlText } from './xml';

export const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';

export interface AtomFeedInput {
  alerts: readonly PublicAlert[];
  /** The feed's own URL (absolute), rel="self". */
  selfUrl: string;
  /** The dashboard's URL (absolute), rel="alternate". */
  alternateUrl: string;
  /** The next page (RFC 5005 paging), when there is one. */
  nextUrl?: string;
  /** What the feed is filtered on, for its title, e.g. { kind: 'surge' }. */
  filter: Record<string, string | undefined>;
  /** When the feed has no entry, its `updated` (the request time). */
  now: Date;
}

/** A deterministic urn:uuid (name-based, RFC 9562 v8 layout) so feed and entry ids never change. */
export function urnUuid(name: string): string {
  const hex = createHash('sha256').update(`borderwatch:${name}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const SEVERITY_SCHEME = 'https://github.com/borderwatch/borderwatch/blob/main/docs/querying.md#severity';
const KIND_SCHEME = 'https://github.com/borderwatch/borderwatch/blob/main/docs/querying.md#kind';

function entryLink(alert: PublicAlert): string | undefined {
  const url = alert.evidence.url;
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : undefined;
}

/**
 * An Atom 1.0 feed (RFC 4287) of alerts, newest first. Entries carry the SMS text as summary and the
 * full email text (figures, baseline, source URL, fetch time, snapshot hash) as content; the link
 * points at the source document, the evidence. Everything from the web is escaped.
 */
export function renderAtomFeed(input: AtomFeedInput): string {
  const filterText = Object.entries(input.filter)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  const feedKey = Object.entries(input.filter)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const updated = input.alerts.reduce((max, a) => (a.createdAt > max ? a.createdAt : max), '') || input.now.toISOString();
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `  <id>${urnUuid(`feed:alerts?${feedKey}`)}</id>`,
    `  <title type="text">${xmlText(`borderwatch alerts${filterText ? ` (${filterText})` : ''}`)}</title>`,
    '  <subtitle type="text">Changes in official border statistics and announcements, with the evidence.</subtitle>',
    `  <updated>${xmlText(new Date(updated).toISOString())}</updated>`,
    '  <author><name>borderwatch</name><uri>https://github.com/borderwatch/borderwatch</uri></author>',
    '  <generator uri="https://github.com/borderwatch/borderwatch">borderwatch</generator>',
    `  <link rel="self" type="application/atom+xml" href="${xmlAttr(input.selfUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlAttr(input.alternateUrl)}"/>`,
    ...(input.nextUrl ? [`  <link rel="next" type="application/atom+xml" href="${xmlAttr(input.nextUrl)}"/>`] : []),
  ];
  for (const alert of input.alerts) {
    const link = entryLink(alert);
    const published = new Date(alert.createdAt).toISOString();
    lines.push(
      '  <entry>',
      `    <id>${urnUuid(`alert:${alert.alertId}`)}</id>`,
      `    <title type="text">${xmlText(alert.message.subject)}</title>`,
      `    <updated>${published}</updated>`,
      `    <published>${published}</published>`,
      ...(link ? [`    <link rel="alternate" href="${xmlAttr(link)}"/>`] : []),
      `    <category scheme="${KIND_SCHEME}" term="${xmlAttr(alert.kind)}"/>`,
      `    <category scheme="${SEVERITY_SCHEME}" term="${xmlAttr(alert.severity)}"/>`,
      `    <summary type="text">${xmlText(alert.message.sms)}</summary>`,
      `    <content type="text">${xmlText(alert.message.email)}</content>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
