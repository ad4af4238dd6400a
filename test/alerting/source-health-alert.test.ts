import { describe, expect, it } from 'vitest';
import { alertPayloadSchema } from '../../functions/alerting/payload';
import { sourceHealthAlert, type SourceHealthInput } from '../../functions/alerting/source-health-alert';

const failing = (consecutiveFailures: number, lastOkAt: string | undefined = '2022-09-20T06:00:00.000Z', outcome: 'failed' | 'suspect' | 'ok' = 'failed'): SourceHealthInput => ({
  source: { id: 'fi-border-guard-news', title: 'Finnish Border Guard: news', url: 'https://raja.fi/uutiset-ja-tiedotteet/-/asset_publisher/kBNrdPA9Hj7T/rss', country: 'FI' },
  state: { consecutiveFailures, lastOutcome: outcome, ...(lastOkAt ? { lastOkAt } : {}) },
  snapshot: {
    snapshotId: `fi-border-guard-news@run-${consecutiveFailures}`,
    fetchedAt: `2022-09-2${consecutiveFailures}T06:00:00.000Z`,
    url: 'https://raja.fi/uutiset-ja-tiedotteet/-/asset_publisher/kBNrdPA9Hj7T/rss',
    outcome,
    ...(outcome === 'failed' ? { httpStatus: 503, error: { stage: 'fetch', message: 'HTTP 503 Service Unavailable' } } : {}),
  },
  createdAt: `2022-09-2${consecutiveFailures}T06:00:01.000Z`,
});

describe('source-health alert', () => {
  it('is not raised before the failure threshold', () => {
    expect(sourceHealthAlert(failing(2))).toBeUndefined();
  });

  it('is raised at the threshold, critical, about the source', () => {
    expect(sourceHealthAlert(failing(3))).toMatchObject({ kind: 'source-health', severity: 'critical', subject: { type: 'source', id: 'fi-border-guard-news' } });
  });

  it('has one id for the whole failure streak, so later failing runs record nothing new', () => {
    expect(sourceHealthAlert(failing(5))!.alertId).toBe(sourceHealthAlert(failing(3))!.alertId);
  });

  it('has a new id for the next streak, after a good fetch', () => {
    expect(sourceHealthAlert(failing(3, '2022-10-01T06:00:00.000Z'))!.alertId).not.toBe(sourceHealthAlert(failing(3))!.alertId);
  });

  it('is raised at once when the layout looks changed, with the same id as failures of that streak', () => {
    const layout = sourceHealthAlert(failing(1, undefined, 'suspect'))!;
    expect(layout).toMatchObject({ severity: 'warning', evidence: { reason: 'layout' } });
    expect(sourceHealthAlert(failing(4, undefined))!.alertId).toBe(layout.alertId);
  });

  it('is not raised for a good fetch', () => {
    expect(sourceHealthAlert(failing(0, '2022-09-20T06:00:00.000Z', 'ok'))).toBeUndefined();
  });

  it('says what failed, how often and since when', () => {
    const alert = sourceHealthAlert(failing(3))!;
    expect(alert.message.subject).toBe('[borderwatch ops] Source fi-border-guard-news: 3 failed fetches in a row (last good 2022-09-20)');
    expect(alert.message.sms).toBe('borderwatch OPS fi-border-guard-news: 3 failed fetches in a row, last good fetch 2022-09-20T06:00:00.000Z. fetch: HTTP 503 Service Unavailable');
    expect(alert.message.email).toContain('Error:     fetch: HTTP 503 Service Unavailable');
    expect(alertPayloadSchema.parse(alert.message.json).sourceHealth).toEqual({ reason: 'failing', consecutiveFailures: 3, lastOutcome: 'failed', lastOkAt: '2022-09-20T06:00:00.000Z', error: 'fetch: HTTP 503 Service Unavailable' });
  });
});
