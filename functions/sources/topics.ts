import type { TopicsConfig } from './config';

/**
 * Topics of an announcement from keyword stems per language. A stem matches at the start of a word,
 * case-insensitively, in any script: "sulke" matches "Sulkee" and "sulkemisesta", "закры" matches
 * "закрытие". Stems with spaces match phrases ("tourist visa").
 */

interface CompiledTopic {
  topic: string;
  byLanguage: Map<string, RegExp>;
  any: RegExp;
}

const compiled = new WeakMap<TopicsConfig, CompiledTopic[]>();

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function stemsRegex(stems: string[]): RegExp {
  const alternatives = stems.map((stem) => escape(stem.trim().toLowerCase()).replace(/\s+/g, '\\s+'));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})`, 'iu');
}

function compile(topics: TopicsConfig): CompiledTopic[] {
  let list = compiled.get(topics);
  if (!list) {
    list = Object.entries(topics).map(([topic, languages]) => {
      const byLanguage = new Map(Object.entries(languages).map(([language, stems]) => [language, stemsRegex(stems)] as const));
      return { topic, byLanguage, any: stemsRegex(Object.values(languages).flat()) };
    });
    compiled.set(topics, list);
  }
  return list;
}

/**
 * The topics a text is about, in the order they are declared. The stems of the text's language are
 * used when the topic has some for it; otherwise the stems of every language (a Russian release
 * matched by a topic that lists only Finnish and English stems would otherwise be missed silently).
 */
export function matchTopics(text: string, language: string, topics: TopicsConfig | undefined): string[] {
  if (!topics) return [];
  return compile(topics)
    .filter(({ byLanguage, any }) => (byLanguage.get(language) ?? any).test(text))
    .map(({ topic }) => topic);
}
