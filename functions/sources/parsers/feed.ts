import { load, type Cheerio } from 'cheerio/slim';
import type { Element } from 'domhandler';
import { SourceError, excerpt } from '../../core/errors';
import type { ParserOf } from '../config';
import { documentText, type FetchedDocument } from '../document';
import { parseInstant } from '../normalize';
import { htmlToText } from '../text';
import { announcementCollector, primaryLanguage } from './announcements';
import type { ParseContext, ParseResult } from './types';

/**
 * RSS 2.0 and Atom feeds as announcements. Each item gets a stable id (guid, Atom id, else its link),
 * its title and URL, its publication time as an ISO instant (RFC-822 dates, ISO dates, and zone-less
 * local times read in the source's time zone), its language (item, feed, else the source's first), and
 * an excerpt with tags stripped and entities decoded. Figure patterns, if any, read the item's full text.
 */

/** The first child element among `names` with non-blank text (namespaced names escaped for CSS). */
function childText(item: Cheerio<Element>, ...names: string[]): string {
  for (const name of names) {
    const text = item.children(name.replace(':', '\\:')).first().text().trim();
    if (text !== '') return text;
  }
  return '';
}

function atomLink(entry: Cheerio<Element>): string {
  const links = entry.children('link');
  const alternate = links.filter((_, el) => (el.attribs.rel ?? 'alternate') === 'alternate').first();
  return (alternate.attr('href') ?? links.first().attr('href') ?? '').trim();
}

function absolute(href: string, base: string): string | undefined {
  try {
    const url = new URL(href, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

export function parseFeed(document: FetchedDocument, context: ParseContext): ParseResult {
  const { source, snapshotId } = context;
  if (source.parser.type !== 'feed') throw new Error(`parseFeed called for a ${source.parser.type} source`);
  const options: ParserOf<'feed'> = source.parser;
  const text = documentText(document, source.charset);
  const base = document.finalUrl || document.url;
  const fail = (message: string, field: string, value?: string) =>
    new SourceError(message, { sourceId: source.id, stage: 'parse', url: document.url, field, ...(value !== undefined ? { value: excerpt(value) } : {}) });

  const $ = load(text, { xml: true });
  const root = $.root().children().first();
  const rootName = (root.prop('tagName') ?? '').toLowerCase();
  const isAtom = rootName === 'feed';
  if (!isAtom && rootName !== 'rss' && rootName !== 'rdf:rdf') {
    throw fail('document is not an RSS or Atom feed', '(root element)', rootName || excerpt(text, 60));
  }
  const feedLanguage = primaryLanguage(isAtom ? root.attr('xml:lang') : $('channel').first().children('language').text());
  const items = isAtom ? root.children('entry') : $('item');

  const collected = announcementCollector(source, snapshotId, options.excerptLength, options.figures);

  items.each((index, element) => {
    const item = $(element);
    const where = `item ${index + 1}`;
    const title = htmlToText(childText(item, 'title'));
    const href = isAtom ? atomLink(item) : childText(item, 'link');
    const url = href ? absolute(href, base) : undefined;
    const rawId = (isAtom ? childText(item, 'id') : childText(item, 'guid')) || url || '';
    const rawDate = isAtom ? childText(item, 'published', 'updated') : childText(item, 'pubDate', 'dc:date', 'published', 'updated');
    const body = isAtom ? childText(item, 'content', 'summary') : childText(item, 'content:encoded', 'description');
    if (title === '' || rawId === '' || !url) {
      collected.skip(`${where}: no ${title === '' ? 'title' : 'link or id'}`);
      return;
    }
    const publishedAt = rawDate ? parseInstant(rawDate, source.timeZone) : document.fetchedAt || undefined;
    if (!publishedAt) {
      // A date we cannot read is a format change worth an error, not a silently wrong "yesterday".
      throw fail(`publication date not readable (${where})`, isAtom ? 'published' : 'pubDate', rawDate);
    }
    const language = primaryLanguage(isAtom ? (item.attr('xml:lang') ?? undefined) : childText(item, 'dc:language')) ?? feedLanguage ?? source.languages[0] ?? 'und';
    const plain = htmlToText(body);
    collected.add({ rawId, title, url, publishedAt, language, text: plain }, where);
  });

  return collected.result(items.length);
}
