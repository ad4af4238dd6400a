/**
 * Figure patterns as a user writes them in the sources file, with shorthands for what every border
 * bulletin contains: a number, a scale word, a relative day, a day-and-month date.
 */

/** A count as written in bulletins: "8314", "8 314", "8\u00a0314", "8\u202f314", "8,314", "23,6", "1 234,5". */
const NUMBER = String.raw`\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*`;

/** Scale words after a number (see `scaleOf` in normalize.ts for their values). */
const SCALE = String.raw`tys\.?|tysięcy|tysiąca|tuhatta|tusen|thousand|тыс\.?|тысяч[аи]?|mln\.?|million|miljoonaa|miljoner|млн\.?`;

/** Relative-day words (see `relativeDayOffset` in normalize.ts). */
const WHEN = String.raw`the day before yesterday|yesterday|today|toissapäivänä|eilen|tänään|i förrgår|förrgår|i går|igår|i dag|idag|позавчера|вчера|сегодня|przedwczoraj|wczoraj|dzisiaj|dziś`;

/** A day and month, with an optional year: "22.9.", "22.09", "22.9.2022". */
const DATE = String.raw`(?<day>\d{1,2})\.(?<month>\d{1,2})\.?(?:(?<year>\d{4}))?`;

const SHORTHANDS: Record<string, string> = {
  '{value}': `(?<value>${NUMBER})`,
  '{scale}': `(?<scale>${SCALE})`,
  '{when}': `(?<when>${WHEN})`,
  '{date}': DATE,
};

/** Expands the shorthands `{value}`, `{scale}`, `{when}`, `{date}` into regular-expression syntax. */
export function expandShorthands(pattern: string): string {
  return pattern.replace(/\{(value|scale|when|date)\}/g, (token) => SHORTHANDS[token] ?? token);
}

export interface FigurePatternShape {
  pattern: string;
  flags: string;
  dayOffset?: number;
}

/** Compiles a figure pattern (global, so every occurrence in a text is found). Throws on a bad pattern. */
export function compileFigurePattern(figure: FigurePatternShape): RegExp {
  const flags = new Set([...figure.flags, 'g', 'u']);
  return new RegExp(expandShorthands(figure.pattern), [...flags].join(''));
}

/** What is wrong with a figure pattern, in words for the sources-file error, or `undefined`. */
export function figurePatternProblem(figure: FigurePatternShape): string | undefined {
  let regex: RegExp;
  try {
    regex = compileFigurePattern(figure);
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message}`;
  }
  const groups = new Set([...regex.source.matchAll(/\(\?<([A-Za-z]\w*)>/g)].map((m) => m[1]));
  if (!groups.has('value')) return 'must capture the number as {value} or a group named "value"';
  const hasDate = groups.has('day') && groups.has('month');
  if (!hasDate && !groups.has('when') && figure.dayOffset === undefined) {
    return 'must say which day the figure is for: use {when}, {date}, or set "dayOffset"';
  }
  // A pattern that matches the empty string would loop over every position of a text.
  if (regex.test('')) return 'must not match an empty text';
  return undefined;
}
