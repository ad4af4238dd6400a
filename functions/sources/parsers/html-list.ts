import { load } from 'cheerio/slim';
import { SourceError, excerpt } from '../../core/errors';
import type { ParserOf } from '../config';
import { documentText, type FetchedDocument } from '../document';
import { parseCalendarDate, parseInstant, zonedInstant } from '../normalize';
import { cleanText } from '../text';
import { announcementCollector, primaryLanguage } from './announcements';
import type { ParseContext, ParseResult } from './types';

/**
 * A news listing on an HTML page (e.g. strazgraniczna.pl's "Aktualności": `li.dataBox > a` with an
 * `h3` title, a `p` lead and a `span.data` date "16.03.2018") read as announcements. Items without a
 * title or a link are skipped and counted. Figure patterns, if any, read each item's title and lead.
 */

/** `&` selects the item itself; anything else is searched inside the item. */
function within<T extends { find(selector: string): T; first(): T }>(item: T, selector: string): T {
  return selector === '&' ? item : item.find(selector).first();
}

export function parseHtmlList(document: FetchedDocument, context: ParseContext): ParseResult {
  const { source, snapshotId } = context;
  if (source.parser.type !== 'html-list') throw new Error(`parseHtmlList called for a ${source.parser.type} source`);
  const options: ParserOf<'html-list'> = source.parser;
  const base = document.finalUrl || document.url;
  const fail = (message: string, field: string, value: string) =>
    new SourceError(message, { sourceId: source.id, stage: 'parse', url: document.url, field, value: excerpt(value) });

  const $ = load(documentText(document, source.charset));
  const pageLanguage = primaryLanguage($('html').attr('lang'));
  const language = pageLanguage ?? source.languages[0] ?? 'und';
  const idPattern = options.idPattern !== undefined ? new RegExp(options.idPattern, 'u') : undefined;
  const items = $(options.items);

  const collected = announcementCollector(source, snapshotId, options.excerptLength, options.figures);

  items.each((index, element) => {
    const item = $(element);
    const where = `item ${index + 1}`;
    const title = cleanText(within(item, options.title).text());
    const href = within(item, options.link).attr('href')?.trim();
    let url: string | undefined;
    try {
      url = href ? new URL(href, base).toString() : undefined;
    } catch {
      url = undefined;
    }
    if (title === '' || !url || !/^https?:/.test(url)) {
      collected.skip(`${where}: no ${title === '' ? 'title' : 'link'}`);
      return;
    }
    let publishedAt = document.fetchedAt;
    if (options.date !== undefined) {
      const rawDate = cleanText(within(item, options.date).text());
      const instant =
        options.dateFormat === 'auto'
          ? parseInstant(rawDate, source.timeZone)
          : (() => {
              const date = parseCalendarDate(rawDate, options.dateFormat);
              return date ? zonedInstant({ ...date, hour: 0, minute: 0, second: 0 }, source.timeZone).toISOString() : undefined;
            })();
      if (!instant) throw fail(`publication date not readable (${where})`, 'parser.date', rawDate);
      publishedAt = instant;
    }
    const text = options.excerpt !== undefined ? cleanText(within(item, options.excerpt).text()) : '';
    const rawId = idPattern ? (url.match(idPattern)?.[1] ?? url) : url;
    collected.add({ rawId: `${new URL(url).host}:${rawId}`, title, url, publishedAt, language, text }, where);
  });

  return collected.result(items.length);
}
