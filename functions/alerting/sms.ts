/**
 * SMS budgets. One segment holds 160 characters of the GSM 03.38 7-bit alphabet (a character of its
 * extension table, such as `€ [ ] { } ~ | ^ \`, takes two of them), or 70 UTF-16 code units as soon as
 * one character falls outside it: one Cyrillic letter, a curly quote or an en dash turns the whole
 * message into UCS-2 and more than halves the room. So SMS texts are built from parts, made GSM-7
 * where that keeps them readable (romanization), and shortened at word boundaries only.
 */
import { fitParts, type Measure, type Part } from './fit';
import { romanize } from './text';

// The GSM 03.38 default alphabet (without ESC), in the order of the table.
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
// Reached through ESC: each costs two septets.
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export const GSM_SEGMENT = 160;
export const UCS2_SEGMENT = 70;

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export function smsEncoding(text: string): SmsEncoding {
  for (const ch of text) {
    if (!GSM_BASIC.has(ch) && !GSM_EXTENSION.has(ch)) return 'UCS-2';
  }
  return 'GSM-7';
}

/** The length the carrier counts: septets for GSM-7 (extension characters count two), UTF-16 units for UCS-2. */
export function smsLength(text: string): number {
  if (smsEncoding(text) === 'UCS-2') return text.length;
  let septets = 0;
  for (const ch of text) septets += GSM_EXTENSION.has(ch) ? 2 : 1;
  return septets;
}

/** How much of this text one segment holds, in the encoding the text needs. */
export function smsBudget(text: string): number {
  return smsEncoding(text) === 'GSM-7' ? GSM_SEGMENT : UCS2_SEGMENT;
}

const EXTENSION_STAND_INS: Record<string, string> = { '€': 'EUR', '[': '(', ']': ')', '{': '(', '}': ')' };

/**
 * The text in the GSM 03.38 basic alphabet: Finnish and Swedish letters stay (ä ö å are GSM-7),
 * Cyrillic is romanized, typographic punctuation gets a plain stand-in, other letters lose their
 * diacritics, anything else (emoji, other scripts) is dropped. Extension characters are replaced too,
 * so every character costs exactly one septet.
 */
export function toGsm(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (ch === '\n' || ch === '\r' || ch === '\t') out += ' ';
    else if (GSM_BASIC.has(ch)) out += ch;
    else if (GSM_EXTENSION.has(ch)) out += EXTENSION_STAND_INS[ch] ?? ' ';
    else out += [...romanize(ch)].filter((c) => GSM_BASIC.has(c)).join('');
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

/** Measures SMS text as the carrier does: one segment, in the encoding the text needs. */
export const SMS_MEASURE: Measure = {
  length: smsLength,
  budget: smsBudget,
  ellipsis: '...',
};

/**
 * Builds an SMS that fits one segment where it can (see `fitParts`): 160 GSM-7 characters, or 70 as
 * soon as one character needs UCS-2. Numbers and words are never cut in half.
 */
export function fitSms(parts: readonly Part[]): string {
  return fitParts(parts, SMS_MEASURE);
}
