import { fitParts, shortenWords, type Part } from './fit';

/** Text from the web is untrusted: these helpers make it safe for SMS, email and SNS fields. */

/** Strips control characters (keeping nothing that could start a new header line) and collapses spaces. */
export function cleanText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    // Tags only (a letter or "/" after "<"): "queues < 2 h" in a release is text, not markup. Messages
    // are plain text; the HTML and XML outputs (dashboard, Atom) escape what remains.
    .replace(/<\/?[A-Za-z][^<>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Shortens at a word boundary and never inside a number; adds an ellipsis when it cut. */
export function truncateWords(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  const room = max - ellipsis.length;
  if (room <= 0) return ellipsis.slice(0, max);
  const cut = text.slice(0, room + 1);
  const boundary = cut.lastIndexOf(' ');
  const head = boundary > 0 ? cut.slice(0, boundary) : text.slice(0, room);
  return `${head.replace(/[\s,.;:–-]+$/, '')}${ellipsis}`;
}

// Typographic characters with a plain ASCII stand-in.
const STAND_INS: Record<string, string> = {
  '–': '-', '—': '-', '‐': '-', '‑': '-', '−': '-', '×': 'x', '’': "'", '‘': "'", '‚': "'", '´': "'", '`': "'",
  '“': '"', '”': '"', '„': '"', '«': '"', '»': '"', '…': '...', '→': '->', '≥': '>=', '≤': '<=', '·': '-', '•': '-',
  '\u00a0': ' ', '\u2009': ' ', '\u202f': ' ', ß: 'ss', æ: 'ae', Æ: 'AE', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D',
};

// Russian (and Ukrainian/Belarusian) Cyrillic, romanized as Finnish authorities and the press of the
// region do in names (ICAO-like): readable by people who do not read Cyrillic.
const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'i', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'iu', я: 'ia', і: 'i', ї: 'i', є: 'ie', ґ: 'g', ў: 'u',
};

/**
 * One character in ASCII: typographic punctuation gets a stand-in, Cyrillic is romanized, other
 * letters lose their diacritics ("ä" -> "a"); what has no ASCII form becomes "".
 */
export function romanize(ch: string): string {
  if (/^[\x20-\x7e]$/.test(ch)) return ch;
  const standIn = STAND_INS[ch];
  if (standIn !== undefined) return standIn;
  const lower = ch.toLowerCase();
  const cyrillic = CYRILLIC[lower];
  if (cyrillic !== undefined) {
    return ch === lower || cyrillic === '' ? cyrillic : `${cyrillic.charAt(0).toUpperCase()}${cyrillic.slice(1)}`;
  }
  return ch.normalize('NFD').replace(/[^\x20-\x7e]/g, '');
}

/** The whole text in printable ASCII (see `romanize`), spaces collapsed. */
export function toAscii(text: string): string {
  return [...cleanText(text).normalize('NFC')].map(romanize).join('').replace(/\s+/g, ' ').trim();
}

/** SNS rejects email subjects that are not printable ASCII or are 100 characters or longer. */
export const SUBJECT_MAX = 99;

/**
 * SNS email subjects must be printable ASCII, without line breaks, under 100 characters. Letters with
 * diacritics lose them, Cyrillic is romanized, anything else non-ASCII is dropped.
 */
export function asciiSubject(text: string, max = SUBJECT_MAX): string {
  return shortenWords(toAscii(text), max, { length: (t) => t.length, ellipsis: '...' });
}

/** An email subject from parts (see `fitParts`): figures kept whole, a long name shortened. */
export function fitSubject(parts: readonly Part[]): string {
  const ascii = parts.map((part) => ({ ...part, text: toAscii(part.text) }));
  return fitParts(ascii, { length: (t) => t.length, budget: () => SUBJECT_MAX, ellipsis: '...' });
}

/** Page text for a message: cleaned (see `cleanText`) and at most `max` characters, cut between words. */
export function capText(text: string, max: number): string {
  return truncateWords(cleanText(text), max);
}

/**
 * A link from a page, fit to put in a message: http(s) only, no credentials, at most 512 characters,
 * in its canonical (percent-encoded) form so it cannot carry spaces or line breaks. Otherwise undefined.
 */
export function safeUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password) return undefined;
  const href = url.href;
  return href.length <= 512 ? href : undefined;
}

/** Formats a count with thin grouping that every SMS alphabet has: 5959 -> "5,959". */
export function formatCount(value: number): string {
  const rounded = Math.abs(value) >= 100 || Number.isInteger(value) ? Math.round(value) : Math.round(value * 10) / 10;
  return rounded.toLocaleString('en-US');
}

export function formatRatio(ratio: number): string {
  return `x${ratio >= 10 ? Math.round(ratio) : (Math.round(ratio * 100) / 100).toFixed(2).replace(/0$/, '')}`;
}
