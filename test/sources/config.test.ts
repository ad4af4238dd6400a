import { describe, expect, it } from 'vitest';
import { ConfigError, parseSourcesFileDocument } from '../../functions/sources/config';
import { defaultsFile } from './support/documents';

const valid = {
  id: 'raja-fi',
  title: 'Finnish Border Guard',
  country: 'FI',
  kind: 'announcements',
  url: 'https://raja.fi/rss',
  schedule: 'rate(10 minutes)',
  parser: { type: 'feed' },
};

function problemsOf(source: Record<string, unknown>, file: Record<string, unknown> = {}): string {
  try {
    parseSourcesFileDocument({ sources: [source], ...file });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the proposed default sources', () => {
  it('validate, with the contact URL for the User-Agent', () => {
    expect(defaultsFile.sources.map((s) => s.id)).toEqual([
      'fi-border-guard-fi',
      'fi-border-guard-en',
      'fi-government-en',
      'us-bts-border-crossings',
      'unhcr-ukraine-border-crossings',
      'pl-border-guard-news',
      'pl-border-guard-traffic-table',
    ]);
    expect(defaultsFile.settings).toMatchObject({ contact: 'https://github.com/borderwatch/borderwatch', allowPrivateNetwork: false });
  });
});

describe('sources-file settings', () => {
  it('refuse private networks unless the file says otherwise', () => {
    expect(parseSourcesFileDocument({ sources: [valid] }).settings.allowPrivateNetwork).toBe(false);
  });

  it('merge the file’s topics into each source, a source’s own topic replacing the file’s', () => {
    const { sources } = parseSourcesFileDocument({
      topics: { closure: { en: ['close'] }, visas: { en: ['visa'] } },
      sources: [{ ...valid, topics: { closure: { fi: ['sulke'] } } }],
    });
    expect(sources[0]!.topics).toEqual({ closure: { fi: ['sulke'] }, visas: { en: ['visa'] } });
  });

  it('name a contact that is not a URL', () => {
    expect(problemsOf(valid, { contact: 'call us' })).toContain('field "contact"');
  });
});

describe('an invalid source names the source and the field', () => {
  it('for an unknown time zone', () => {
    expect(problemsOf({ ...valid, timeZone: 'Europe/Helsingfors' })).toContain('source "raja-fi": field "timeZone": must be an IANA time zone');
  });

  it('for a charset the runtime cannot decode', () => {
    expect(problemsOf({ ...valid, charset: 'klingon-8' })).toContain('source "raja-fi": field "charset"');
  });

  it('for a figure pattern that points at an undeclared series', () => {
    const source = { ...valid, parser: { type: 'feed', figures: [{ series: 'nowhere', pattern: '{when} {value}' }] } };
    expect(problemsOf(source)).toContain('source "raja-fi": field "parser.figures.0.series": series "nowhere" is not declared');
  });

  it('for a figure pattern without a number', () => {
    const source = {
      ...valid,
      series: [{ id: 's', unit: 'persons', granularity: 'day' }],
      parser: { type: 'feed', figures: [{ series: 's', pattern: '{when} many' }] },
    };
    expect(problemsOf(source)).toContain('field "parser.figures.0.pattern": must capture the number');
  });

  it('for a figure pattern that does not say which day', () => {
    const source = {
      ...valid,
      series: [{ id: 's', unit: 'persons', granularity: 'day' }],
      parser: { type: 'feed', figures: [{ series: 's', pattern: '{value} Russians' }] },
    };
    expect(problemsOf(source)).toContain('must say which day the figure is for');
  });

  it('for a figure pattern that is not a regular expression', () => {
    const source = {
      ...valid,
      series: [{ id: 's', unit: 'persons', granularity: 'day' }],
      parser: { type: 'feed', figures: [{ series: 's', pattern: '{when} ({value}' }] },
    };
    expect(problemsOf(source)).toContain('not a valid regular expression');
  });

  it('for an option of another parser type', () => {
    expect(problemsOf({ ...valid, parser: { type: 'feed', items: 'li' } })).toContain('source "raja-fi": field "parser"');
  });

  it('for an unknown parser type, with the value given', () => {
    expect(problemsOf({ ...valid, parser: { type: 'pdf' } })).toMatch(/source "raja-fi": field "parser.type": .*\(got "pdf"\)/);
  });

  it('for topic stems given as a string instead of a list', () => {
    expect(problemsOf({ ...valid, topics: { closure: { fi: 'sulke' } } })).toContain('source "raja-fi": field "topics.closure.fi"');
  });

  it('for a source without an id, by its position', () => {
    const { id: _id, ...anonymous } = valid;
    expect(problemsOf(anonymous)).toContain('source #1: field "id"');
  });
});
