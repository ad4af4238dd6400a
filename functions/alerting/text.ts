/** Text from the web is untrusted: these helpers make it safe for SMS, email and SNS fields. */

/** Strips control characters (keeping nothing that could start a new header line) and collapses spaces. */
export function cleanText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/<[^>]*>/g, ' ')
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

const TRANSLITERATION: Record<string, string> = {
  ä: 'a', ö: 'o', å: 'a', Ä: 'A', Ö: 'O', Å: 'A', ü: 'u', Ü: 'U', é: 'e', É: 'E', ß: 'ss',
  '–': '-', '—': '-', '×': 'x', '’': "'", '‘': "'", '“': '"', '”': '"', '…': '...', '→': '->', '≥': '>=', '≤': '<=',
};

/**
 * SNS email subjects must be printable ASCII, without line breaks, under 100 characters. Letters with
 * diacritics are transliterated; anything else non-ASCII is dropped.
 */
export function asciiSubject(text: string, max = 99): string {
  const ascii = cleanText(text)
    .normalize('NFC')
    .replace(/[^\x20-\x7e]/g, (ch) => TRANSLITERATION[ch] ?? (ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '')))
    .replace(/\s+/g, ' ')
    .trim();
  return truncateWords(ascii, max, '...');
}

/** Formats a count with thin grouping that every SMS alphabet has: 5959 -> "5,959". */
export function formatCount(value: number): string {
  const rounded = Math.abs(value) >= 100 || Number.isInteger(value) ? Math.round(value) : Math.round(value * 10) / 10;
  return rounded.toLocaleString('en-US');
}

export function formatRatio(ratio: number): string {
  return `x${ratio >= 10 ? Math.round(ratio) : (Math.round(ratio * 100) / 100).toFixed(2).replace(/0$/, '')}`;
}
