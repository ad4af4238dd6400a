import { describe, expect, it } from 'vitest';
import { decideChannels } from '../../functions/alerting/cooldown';
import type { Alert } from '../../functions/core/model';

type Recent = Parameters<typeof decideChannels>[1][number];

const now = new Date('2022-09-23T12:00:00.000Z');
const surge = { alertId: 'new', kind: 'surge', subject: { type: 'series', id: 'fi.southeast' }, sourceId: 'fi-src', severity: 'warning' } as const satisfies Partial<Alert>;
const earlier = (hoursAgo: number, extra: Partial<Recent> = {}): Recent => ({
  ...surge,
  alertId: `old-${hoursAgo}`,
  createdAt: new Date(now.getTime() - hoursAgo * 3_600_000).toISOString(),
  ...extra,
});

describe('flood control', () => {
  it('lets the first alert about a series reach every subscriber class', () => {
    expect(decideChannels(surge, [], now)).toEqual(['email', 'sms']);
  });

  it('holds back a second SMS about the same series within six hours, and still emails it', () => {
    expect(decideChannels(surge, [earlier(2)], now)).toEqual(['email']);
  });

  it('sends the SMS again once the cooldown has passed', () => {
    expect(decideChannels(surge, [earlier(7)], now)).toEqual(['email', 'sms']);
  });

  it('sends the SMS when the severity rose above every recent one', () => {
    expect(decideChannels({ ...surge, severity: 'critical' }, [earlier(1), earlier(2)], now)).toEqual(['email', 'sms']);
  });

  it('is not held back by a recent alert that was itself held back from SMS', () => {
    expect(decideChannels(surge, [earlier(1, { channels: ['email'] })], now)).toEqual(['email', 'sms']);
  });

  it('is not held back by alerts about another series', () => {
    expect(decideChannels(surge, [earlier(1, { subject: { type: 'series', id: 'fi.north-karelia' } })], now)).toEqual(['email', 'sms']);
  });

  it('lets a drop through after a surge of the same series: another kind is news', () => {
    expect(decideChannels({ ...surge, kind: 'drop' }, [earlier(1)], now)).toEqual(['email', 'sms']);
  });

  it('counts announcements of the same source together, one SMS per source in the cooldown', () => {
    const announcement = { alertId: 'a2', kind: 'announcement', subject: { type: 'announcement', id: 'fi-src/2' }, sourceId: 'fi-src', severity: 'critical' } as const;
    const previous = earlier(1, { kind: 'announcement', alertId: 'a1', subject: { type: 'announcement', id: 'fi-src/1' }, severity: 'critical' });
    expect(decideChannels(announcement, [previous], now)).toEqual(['email']);
    expect(decideChannels({ ...announcement, sourceId: 'other-src' }, [previous], now)).toEqual(['email', 'sms']);
  });

  it('never holds back source-health alerts (one per failure streak already)', () => {
    const health = { alertId: 'h2', kind: 'source-health', subject: { type: 'source', id: 'fi-src' }, sourceId: 'fi-src', severity: 'critical' } as const;
    expect(decideChannels(health, [earlier(1, { ...health, alertId: 'h1' })], now)).toEqual(['email', 'sms']);
  });

  it('applies an email cooldown when the policy sets one', () => {
    expect(decideChannels(surge, [earlier(1)], now, { hours: { sms: 6, email: 2 } })).toEqual([]);
  });
});
