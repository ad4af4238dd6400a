import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import { renderAtomFeed } from '../../functions/query/atom';
import { publicAlert } from '../../functions/query/queries';
import { alertOf } from './fixtures';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const hostile = publicAlert(
  alertOf({
    alertId: 'hostile',
    createdAt: '2022-09-24T06:00:00.000Z',
    message: { subject: 'Surge <script>alert(1)</script> & "quotes" \u0001', sms: 'a < b && c > d', email: 'line one\nline two ]]> <b>', json: {} },
    evidence: { url: 'https://example.org/data.csv?a=1&b="2"' },
  }),
);
const surge = publicAlert(alertOf({ alertId: 'fi-surge-0922', createdAt: '2022-09-23T06:00:05.000Z' }));

function feed(alerts = [hostile, surge], extra: { nextUrl?: string } = {}) {
  const xml = renderAtomFeed({
    alerts,
    selfUrl: 'https://api.example.org/alerts.atom?kind=surge&severity=warning',
    alternateUrl: 'https://api.example.org/',
    filter: { kind: 'surge', severity: 'warning' },
    now: new Date('2022-09-30T12:00:00.000Z'),
    ...extra,
  });
  return { xml, $: load(xml, { xml: { xmlMode: true, decodeEntities: true } }) };
}

describe('the Atom feed of alerts (RFC 4287)', () => {
  it('declares XML 1.0 in UTF-8 and the Atom namespace on the feed element', () => {
    const { xml, $ } = feed();
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed ')).toBe(true);
    expect($.root().children().toArray().map((e) => e.name)).toEqual(['feed']);
    expect($('feed').attr('xmlns')).toBe('http://www.w3.org/2005/Atom');
    expect($('feed').attr('xml:lang')).toBe('en');
  });

  it('has exactly one id, title and updated on the feed, the id an absolute IRI and updated a timestamp', () => {
    const { $ } = feed();
    for (const name of ['id', 'title', 'updated']) expect($('feed > ' + name)).toHaveLength(1);
    expect($('feed > id').text()).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect($('feed > updated').text()).toMatch(RFC3339);
  });

  it('names the filter in the feed title', () => {
    expect(feed().$('feed > title').text()).toBe('borderwatch alerts (kind: surge, severity: warning)');
  });

  it('dates the feed by its newest alert', () => {
    expect(feed().$('feed > updated').text()).toBe('2022-09-24T06:00:00.000Z');
  });

  it('dates an empty feed by the request time', () => {
    expect(feed([]).$('feed > updated').text()).toBe('2022-09-30T12:00:00.000Z');
  });

  it('has a feed-level author, so entries need none', () => {
    expect(feed().$('feed > author > name').text()).toBe('borderwatch');
  });

  it('links to itself and to the dashboard, with & escaped in the href', () => {
    const { xml, $ } = feed();
    expect($('feed > link[rel="self"]').attr('href')).toBe('https://api.example.org/alerts.atom?kind=surge&severity=warning');
    expect($('feed > link[rel="self"]').attr('type')).toBe('application/atom+xml');
    expect($('feed > link[rel="alternate"]').attr('href')).toBe('https://api.example.org/');
    expect(xml).toContain('alerts.atom?kind=surge&amp;severity=warning');
  });

  it('links to the next page when there is one', () => {
    expect(feed(undefined, { nextUrl: 'https://api.example.org/alerts.atom?cursor=abc' }).$('feed > link[rel="next"]').attr('href')).toBe('https://api.example.org/alerts.atom?cursor=abc');
  });

  it('gives every entry one id, title and updated, and ids that stay the same across renders', () => {
    const { $ } = feed();
    const entries = $('feed > entry').toArray();
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      for (const name of ['id', 'title', 'updated']) expect($(entry).children(name)).toHaveLength(1);
      expect($(entry).children('updated').text()).toMatch(RFC3339);
    }
    const ids = entries.map((e) => $(e).children('id').text());
    expect(new Set(ids).size).toBe(2);
    expect(feed().$('feed > entry > id').toArray().map((e) => $(e).text())).toEqual(ids);
  });

  it('links each entry to the source document, its evidence', () => {
    const { $ } = feed();
    expect($('entry').eq(0).children('link[rel="alternate"]').attr('href')).toBe('https://example.org/data.csv?a=1&b="2"');
  });

  it('carries text from the web as escaped text that reads back unchanged, minus characters XML forbids', () => {
    const { xml, $ } = feed();
    const entry = $('entry').eq(0);
    expect(entry.children('title').attr('type')).toBe('text');
    expect(entry.children('title').text()).toBe('Surge <script>alert(1)</script> & "quotes" ');
    expect(entry.children('summary').text()).toBe('a < b && c > d');
    expect(entry.children('content').text()).toBe('line one\nline two ]]> <b>');
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('\u0001');
  });

  it('categorises entries by kind and severity', () => {
    const { $ } = feed();
    expect($('entry').eq(1).children('category').toArray().map((c) => $(c).attr('term'))).toEqual(['surge', 'warning']);
  });
});
