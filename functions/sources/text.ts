import { load } from 'cheerio/slim';

/**
 * Text from the web, made safe and plain: tags stripped, entities decoded, whitespace collapsed,
 * control characters removed. Uses cheerio's htmlparser2-only build (no parse5, no charset sniffing:
 * bodies are decoded before they get here).
 */

/** Elements after which a reader sees a break; a space is put there so "<p>a</p><p>b</p>" reads "a b". */
const BLOCK_END = /<\/(p|div|li|h[1-6]|tr|td|th|dd|dt|blockquote|section|article|header|footer|table|ul|ol)\s*>|<br\s*\/?>/gi;

/**
 * Collapses whitespace (line breaks, NBSP and narrow NBSP too: "8\u202f314" becomes "8 314", which
 * parseNumber reads the same) and drops control characters.
 */
export function cleanText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The visible text of an HTML fragment: no tags, no scripts or styles, entities decoded. */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return cleanText(html);
  const $ = load(html.replace(BLOCK_END, (tag) => `${tag} `), null, false);
  $('script, style, noscript, template').remove();
  return cleanText($.root().text());
}

/** Shortens text at a word boundary to at most `max` characters, ending with "…" when cut. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
