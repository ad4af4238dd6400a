import { describe, expect, it } from 'vitest';
import { announcementAlert, announcementAlertId } from '../../functions/alerting/announcement-alert';
import { alertPayloadSchema } from '../../functions/alerting/payload';
import { smsEncoding, smsLength } from '../../functions/alerting/sms';
import { entryRestriction, governmentRelease } from './sept-2022';

const withTitle = (title: string, language = 'fi', extra: Partial<typeof entryRestriction.announcement> = {}) => ({
  ...entryRestriction,
  announcement: { ...entryRestriction.announcement, title, language, ...extra },
});

describe('announcement alert', () => {
  it('is raised for an announcement about a topic, with the topics and a critical severity for a restriction', () => {
    const alert = announcementAlert(entryRestriction)!;
    expect(alert).toMatchObject({ kind: 'announcement', severity: 'critical', topics: ['restriction'], sourceId: 'fi-border-guard-news', country: 'FI' });
  });

  it('is a warning when no topic means people may not get across', () => {
    expect(announcementAlert(governmentRelease)).toMatchObject({ severity: 'warning', topics: ['mobilization'] });
  });

  it('is not raised for an announcement about none of the topics', () => {
    expect(announcementAlert(withTitle('Katsaus Kaakkois-Suomen rajavartioston toimintaan maaliskuussa 2022'))).toBeUndefined();
  });

  it('is not raised for an announcement published more than three days before the fetch (a first fetch of an archive)', () => {
    expect(announcementAlert(withTitle('Maahantulon rajoitukset', 'fi', { publishedAt: '2022-09-25T11:00:00.000Z' }))).toBeUndefined();
  });

  it('is raised when the publication date cannot be read: a bad date never hides a closure', () => {
    expect(announcementAlert(withTitle('Maahantulon rajoitukset', 'fi', { publishedAt: 'torstaina' }))).toBeDefined();
  });

  it('has an id made of the source and the announcement id only, so it is alerted once however often it is seen', () => {
    const again = { ...entryRestriction, createdAt: '2022-09-30T00:00:00.000Z', snapshot: { ...entryRestriction.snapshot, snapshotId: 'later' } };
    expect(announcementAlert(again)!.alertId).toBe(announcementAlert(entryRestriction)!.alertId);
    expect(announcementAlert(entryRestriction)!.alertId).toBe(announcementAlertId('fi-border-guard-news', 'illustrative-2022-09-29'));
  });

  it('keeps the topics the parser found and adds those the matcher finds', () => {
    const alert = announcementAlert({ ...entryRestriction, announcement: { ...entryRestriction.announcement, topics: ['crossing-point'] } })!;
    expect(alert.topics).toEqual(['crossing-point', 'restriction']);
  });

  it('uses the source’s topics instead of the defaults when given', () => {
    const alert = announcementAlert({ ...entryRestriction, topics: { 'entry-rules': { fi: ['maahantulo'] } } })!;
    expect(alert.topics).toEqual(['entry-rules']);
    expect(alert.severity).toBe('warning');
  });

  it('romanizes a Cyrillic title in the SMS so it stays one GSM-7 segment with the date', () => {
    const alert = announcementAlert(withTitle('Финляндия закрывает границу для российских туристов', 'ru'))!;
    expect(alert.message.sms).toBe('borderwatch FI CLOSURE: Finliandiia zakryvaet granitsu dlia rossiiskikh turistov (2022-09-29) https://raja.fi/maahantulon-rajoitukset');
    expect(smsEncoding(alert.message.sms)).toBe('GSM-7');
  });

  it('romanizes a Cyrillic title in the ASCII subject, and shows both forms in the email', () => {
    const alert = announcementAlert(withTitle('Граница закрыта', 'ru'))!;
    expect(alert.message.subject).toBe('[borderwatch] FI closure: Granitsa zakryta (2022-09-29)');
    expect(alert.message.email).toContain('Title:     Граница закрыта\n           (Granitsa zakryta)');
  });

  it('keeps the SMS within 160 characters for a long title, shortening the title and never the date', () => {
    const alert = announcementAlert(withTitle(`Maahantulon rajoitukset ${'ja pitkä selitys '.repeat(20)}`))!;
    expect(smsLength(alert.message.sms)).toBeLessThanOrEqual(160);
    expect(alert.message.sms).toMatch(/\.\.\. \(2022-09-29\)/);
  });

  it('strips control characters and markup from the title and caps the excerpt', () => {
    const alert = announcementAlert(withTitle('Rajoitukset\r\nBcc: evil@example.org <img src=x>', 'fi', { excerpt: 'sana '.repeat(500) }))!;
    expect(alert.message.email).toContain('Title:     Rajoitukset Bcc: evil@example.org\n');
    expect(alert.message.subject).not.toMatch(/[\r\n]/);
    const payload = alertPayloadSchema.parse(alert.message.json);
    expect(payload.announcement!.excerpt.length).toBeLessThanOrEqual(600);
  });

  it('leaves out a link from the page that is not http(s)', () => {
    const alert = announcementAlert(withTitle('Rajoitukset', 'fi', { url: 'javascript:alert(document.cookie)' }))!;
    expect(alert.message.email).toContain('Link:      (no web address)');
    expect(alert.message.sms).not.toContain('javascript');
    expect(alertPayloadSchema.parse(alert.message.json).announcement!.url).toBe('');
  });

  it('gives machine subscribers a payload that follows the published schema', () => {
    const payload = alertPayloadSchema.parse(announcementAlert(entryRestriction)!.message.json);
    expect(payload).toMatchObject({ kind: 'announcement', topics: ['restriction'], announcement: { url: 'https://raja.fi/maahantulon-rajoitukset', language: 'fi' } });
  });
});
