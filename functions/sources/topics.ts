import type { Announcement } from '../core/model';

/**
 * Topics of announcements: topic -> language (ISO 639-1) -> stems. The same shape as the sources
 * file's `topics`, so a sources file can start from (or override topics of) `DEFAULT_TOPICS`.
 *
 * How a stem matches, always case-insensitively and on whole words (a word is a run of letters and
 * digits in any script; hyphens, spaces and punctuation separate words):
 * - `rajoit`   a word that starts with it: "rajoitukset", "Rajoituksia", "rajoitetaan".
 * - `*rajoit`  also inside a word, for compounds: "maahantulorajoitukset", "gränsstängning".
 * - `ban$`     the whole word only: "ban" but not "bank" or "banner".
 * - `tourist visa`  a phrase: its words in order, separated by any spaces or punctuation.
 */
export type TopicsConfig = Record<string, Record<string, readonly string[]>>;

/**
 * Topics worth an alert to people crossing a border, in Finnish, Swedish, English and Russian.
 * Chosen so that inflected forms match (Finnish cases and compounds, Russian endings) while common
 * words that merely start the same way do not: the Russian stems list the case forms of "виза"
 * because "виз" would also match "визит" (a visit); Finnish "kiinni" (closed) is left out because
 * border-guard releases say "otettiin kiinni" (apprehended) far more often; conscripts and reservists
 * are left out of mobilization because border guards train their own every month.
 */
export const DEFAULT_TOPICS = {
  closure: {
    fi: ['sulke', 'sulje', '*sulku'],
    sv: ['stäng', '*stängning', '*stängd', '*stängs'],
    en: ['closure', 'closed$', 'closes$', 'closing$', 'close the border', 'shut$', 'shuts$', 'shutdown'],
    ru: ['закры', 'закро'],
  },
  restriction: {
    fi: ['*rajoit', '*kielto', 'kieltä', 'kiellet', 'käännyt'],
    sv: ['*begräns', '*förbud', 'inreserestrik', 'restrikt'],
    en: ['restrict', 'ban$', 'bans$', 'banned$', 'barred$', 'suspend', 'refused entry', 'denied entry', 'entry restrictions'],
    ru: ['огранич', 'запрет', 'запрещ', 'приостанов'],
  },
  visa: {
    fi: ['*viisum', 'schengen'],
    sv: ['*visum', 'schengen'],
    en: ['visa', 'schengen'],
    ru: ['виза$', 'визы$', 'визе$', 'визу$', 'визой$', 'визам$', 'визами$', 'визах$', 'виз$', 'визов', 'шенген'],
  },
  mobilization: {
    fi: ['mobilisa', 'liikekannalle'],
    sv: ['mobiliser', 'inkallelse'],
    en: ['mobiliz', 'mobilis', 'call-up'],
    ru: ['мобилиз', 'призыв', '*призыв', 'военкомат', 'повестк'],
  },
  asylum: {
    fi: ['*turvapaik', '*pakolai'],
    sv: ['*asyl', '*flykting'],
    en: ['asylum', 'refugee', 'international protection'],
    ru: ['убежищ', 'беженц', 'беженец', 'беженк'],
  },
} as const satisfies TopicsConfig;

interface CompiledTopic {
  topic: string;
  byLanguage: ReadonlyMap<string, RegExp>;
  any: RegExp;
}

const WORD = '[\\p{L}\\p{N}]';
const compiledCache = new WeakMap<TopicsConfig, CompiledTopic[]>();

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Lower case, NFC, and ё as е (Russian texts use both); the same folding for texts and stems. */
function fold(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/ё/g, 'е');
}

function stemPattern(raw: string): string | undefined {
  let stem = fold(raw.trim());
  const inside = stem.startsWith('*');
  if (inside) stem = stem.slice(1);
  const whole = stem.endsWith('$');
  if (whole) stem = stem.slice(0, -1);
  const words = stem.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  if (words.length === 0) return undefined;
  const body = words.map(escapeRegExp).join(`(?:(?!${WORD}).)+`);
  return `${inside ? '' : `(?<!${WORD})`}${body}${whole ? `(?!${WORD})` : ''}`;
}

function compileStems(stems: readonly string[]): RegExp {
  const patterns = stems.map(stemPattern).filter((p): p is string => p !== undefined);
  // A topic without usable stems matches nothing (never everything).
  return patterns.length === 0 ? /(?!)/u : new RegExp(patterns.join('|'), 'u');
}

function compile(topics: TopicsConfig): CompiledTopic[] {
  let compiled = compiledCache.get(topics);
  if (!compiled) {
    compiled = Object.entries(topics).map(([topic, languages]) => ({
      topic,
      byLanguage: new Map(Object.entries(languages).map(([language, stems]) => [language, compileStems(stems)])),
      any: compileStems(Object.values(languages).flat()),
    }));
    compiledCache.set(topics, compiled);
  }
  return compiled;
}

/** The primary subtag of a language tag: "fi-FI" -> "fi". */
function primaryLanguage(tag: string): string {
  return tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

/**
 * The topics an announcement is about (title and excerpt), in the order the config declares them.
 * The stems of the announcement's language are used when the topic has some for it; otherwise
 * (language unknown, or a topic without stems in it) the stems of every language, so a release in a
 * language the config forgot is still matched rather than silently missed.
 */
export function matchTopics(announcement: Pick<Announcement, 'title' | 'excerpt' | 'language'>, topics: TopicsConfig = DEFAULT_TOPICS): string[] {
  const text = fold(`${announcement.title}\n${announcement.excerpt}`);
  const language = primaryLanguage(announcement.language);
  return compile(topics)
    .filter(({ byLanguage, any }) => (byLanguage.get(language) ?? any).test(text))
    .map(({ topic }) => topic);
}
