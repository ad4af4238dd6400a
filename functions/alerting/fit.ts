/**
 * Fitting a message into a fixed room (an SMS segment, an email subject) without cutting what
 * matters: the figures are kept whole, a long name gives up words first, a link is kept whole or left
 * out. Words and numbers are never cut in half.
 */

/** One part of a message, in reading order. */
export interface Part {
  text: string;
  /**
   * `keep`: never shortened (the figures). `shorten`: gives up whole words from its end (a name, a
   * title). `drop`: kept whole or left out (a link).
   */
  fit: 'keep' | 'shorten' | 'drop';
  /** For `shorten` parts: shorter than this, the part is left out rather than kept as a stub. */
  minLength?: number;
}

/** How a channel counts text and how much it holds. */
export interface Measure {
  length(text: string): number;
  /** The room for this text (for SMS it depends on the encoding the text needs). */
  budget(text: string): number;
  /** Appended where a part was shortened; must fit the channel's alphabet. */
  ellipsis: string;
}

/** Drops trailing punctuation and an unclosed parenthesis left by a cut: "Finland (Imatra," -> "Finland". */
function trimDangling(text: string): string {
  let out = text.replace(/[\s,.;:(–-]+$/, '');
  const open = out.lastIndexOf('(');
  if (open >= 0 && out.indexOf(')', open) < 0) out = out.slice(0, open).replace(/[\s,.;:(–-]+$/, '');
  return out;
}

/** Shortens to at most `max` as `measure` counts, at a word boundary, with the ellipsis when it cut. */
export function shortenWords(text: string, max: number, measure: Pick<Measure, 'length' | 'ellipsis'>): string {
  if (measure.length(text) <= max) return text;
  const room = max - measure.length(measure.ellipsis);
  if (room <= 0) return '';
  let kept = '';
  for (const word of text.split(' ')) {
    const next = kept === '' ? word : `${kept} ${word}`;
    if (measure.length(next) > room) break;
    kept = next;
  }
  kept = trimDangling(kept);
  return kept === '' ? '' : `${kept}${measure.ellipsis}`;
}

const joinParts = (parts: ReadonlyArray<{ text: string }>) =>
  parts
    .map((part) => part.text)
    .filter((text) => text !== '')
    .join(' ');

/**
 * Joins the parts with spaces so the result fits: first `shorten` parts give up words (never below
 * their minimum length), then `drop` parts are left out from the last one, then `shorten` parts are
 * left out. Only when the `keep` parts alone do not fit is the result cut, at a word boundary.
 */
export function fitParts(parts: readonly Part[], measure: Measure): string {
  const live = parts.map((part) => ({ ...part, text: part.text.replace(/\s+/g, ' ').trim() })).filter((part) => part.text !== '');
  const fits = (text: string) => measure.length(text) <= measure.budget(text);

  const all = joinParts(live);
  if (fits(all)) return all;

  // Gives each shortenable part (last first) the room the others leave. A part that would fall below
  // its minimum is only left out when `mayLeaveOut` (after every droppable part is gone).
  const shortenToFit = (items: Part[], mayLeaveOut: boolean): string | undefined => {
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i]!;
      if (item.fit !== 'shorten') continue;
      const others = joinParts(items.filter((_, j) => j !== i));
      const room = measure.budget(joinParts(items)) - measure.length(others) - (others === '' ? 0 : 1);
      const short = shortenWords(item.text, room, measure);
      if (short !== '' && measure.length(short) >= (item.minLength ?? 1)) items[i] = { ...item, text: short };
      else if (mayLeaveOut) items[i] = { ...item, text: '' };
      const joined = joinParts(items);
      if (fits(joined)) return joined;
    }
    return undefined;
  };

  const attempt = shortenToFit(live.map((part) => ({ ...part })), false);
  if (attempt !== undefined) return attempt;
  // Leave out droppable parts, the last one first, and shorten the others again from their full text.
  const droppable = live.map((part, index) => (part.fit === 'drop' ? index : -1)).filter((index) => index >= 0);
  for (let k = droppable.length - 1; k >= 0; k--) {
    const from = droppable[k]!;
    const kept = live.filter((part, index) => part.fit !== 'drop' || index < from).map((part) => ({ ...part }));
    const shortened = fits(joinParts(kept)) ? joinParts(kept) : shortenToFit(kept, false);
    if (shortened !== undefined) return shortened;
  }
  const withoutDrops = shortenToFit(live.filter((part) => part.fit !== 'drop').map((part) => ({ ...part })), true);
  if (withoutDrops !== undefined) return withoutDrops;
  const essentials = joinParts(live.filter((part) => part.fit === 'keep'));
  return fits(essentials) ? essentials : shortenWords(essentials, measure.budget(essentials), measure);
}
