import type { Announcement } from '../../core/model';
import { stableId } from '../../core/hash';
import type { FigurePattern, SourceConfig } from '../config';
import { capText, cleanText } from '../text';
import { DEFAULT_TOPICS, matchTopics } from '../topics';
import { extractFigures, mergeFigures, type FoundFigure } from './prose';
import type { ParseResult } from './types';

export interface AnnouncementDraft {
  /** The item's own identity: guid, Atom id, URL, or an id taken from the URL. */
  rawId: string;
  title: string;
  url: string;
  publishedAt: string;
  language: string;
  /** The item's full plain text (already stripped of tags). */
  text: string;
}

/** Normalizes a language tag to its primary subtag: "fi-FI" -> "fi", "" -> undefined. */
export function primaryLanguage(tag: string | undefined): string | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return primary && /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}

/** An announcement from a draft: a stable hashed id, a capped excerpt, and the topics it is about. */
export function toAnnouncement(draft: AnnouncementDraft, source: SourceConfig, snapshotId: string, excerptLength: number): Announcement {
  const title = cleanText(draft.title);
  const text = cleanText(draft.text);
  // One matcher for the whole project: the topics stored with an announcement are the ones alerts and queries use.
  const topics = matchTopics({ title, excerpt: text, language: draft.language }, source.topics ?? DEFAULT_TOPICS);
  return {
    sourceId: source.id,
    announcementId: stableId(draft.rawId),
    title: capText(title, 300),
    url: draft.url,
    publishedAt: draft.publishedAt,
    language: draft.language,
    excerpt: capText(text, excerptLength),
    snapshotId,
    ...(topics.length > 0 ? { topics } : {}),
  };
}

/**
 * What the item parsers (feed, html-list) collect: an announcement per readable item, the figures its
 * text holds (when the source declares patterns), and the items or figures skipped, with the first as
 * evidence for the layout check.
 */
export function announcementCollector(source: SourceConfig, snapshotId: string, excerptLength: number, figurePatterns: FigurePattern[]) {
  const announcements: Announcement[] = [];
  const figures: FoundFigure[] = [];
  let skipped = 0;
  let skippedExample: string | undefined;
  const skip = (why: string) => {
    skipped++;
    skippedExample ??= why;
  };
  return {
    skip,
    add(draft: AnnouncementDraft, where: string): void {
      announcements.push(toAnnouncement(draft, source, snapshotId, excerptLength));
      if (figurePatterns.length === 0) return;
      const outcome = extractFigures(`${draft.title}. ${draft.text}`, draft.publishedAt, source, snapshotId, figurePatterns);
      figures.push(...outcome.figures);
      for (let i = 0; i < outcome.skipped; i++) skip(`${where}: ${outcome.skippedExample ?? 'figure not readable'}`);
    },
    result(rows: number): ParseResult {
      return { rows, observations: mergeFigures(figures), announcements, skipped, ...(skippedExample !== undefined ? { skippedExample } : {}) };
    },
  };
}
