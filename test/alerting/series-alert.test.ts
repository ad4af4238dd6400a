import { describe, expect, it } from 'vitest';
import { alertPayloadSchema } from '../../functions/alerting/payload';
import { seriesAlert } from '../../functions/alerting/series-alert';
import { smsEncoding, smsLength } from '../../functions/alerting/sms';
import { septemberSurge } from './sept-2022';

describe('series alert', () => {
  it('has the same id however often the same episode opening is seen', () => {
    const later = { ...septemberSurge, createdAt: '2022-09-24T06:15:00.000Z', snapshot: { ...septemberSurge.snapshot, snapshotId: 'other' } };
    expect(seriesAlert(later).alertId).toBe(seriesAlert(septemberSurge).alertId);
  });

  it('has another id when the episode escalates', () => {
    const escalated = { ...septemberSurge, event: { ...septemberSurge.event, type: 'escalated' as const, evaluation: { ...septemberSurge.event.evaluation, severity: 'critical' as const } } };
    expect(seriesAlert(escalated).alertId).not.toBe(seriesAlert(septemberSurge).alertId);
  });

  it('puts the figures and the ratio in an ASCII subject under 100 characters', () => {
    const { subject } = seriesAlert(septemberSurge).message;
    expect(subject).toBe('[borderwatch] Surge: Russians entering Finland via Southeast Finland... 5,959 on 2022-09-22 (x2.07)');
    expect(subject).toMatch(/^[\x20-\x7e]{1,99}$/);
  });

  it('fits the SMS in one GSM-7 segment with the figures, the baseline and the ratio', () => {
    const { sms } = seriesAlert(septemberSurge).message;
    expect(sms).toBe('borderwatch SURGE FI: Russians entering Finland via Southeast Finland (Imatra, Nuijamaa, Vaalimaa) 5,959 on 2022-09-22 vs 2,874 expected (x2.07).');
    expect(smsEncoding(sms)).toBe('GSM-7');
    expect(smsLength(sms)).toBeLessThanOrEqual(160);
  });

  it('lists the baseline values and the provenance in the email', () => {
    const { email } = seriesAlert({ ...septemberSurge, snapshot: { ...septemberSurge.snapshot, contentHash: 'ab'.repeat(32) } }).message;
    expect(email).toContain('Expected:  2,874');
    expect(email).toContain('Ratio:     x2.07 (5,959 / 2,874)');
    expect(email).toContain('  2022-09-21      4,443');
    expect(email).toContain('URL:       https://www.iltalehti.fi/kotimaa/a/f7febc8b-802a-45d8-91d0-84c8c9044207');
    expect(email).toContain('Fetched:   2022-09-23T06:15:00.000Z');
    expect(email).toContain('Snapshot:  fi-southeast-daily@2022-09-23T06:15:00.000Z (sha256 abababababababab…)');
  });

  it('gives machine subscribers a payload that follows the published schema', () => {
    const payload = alertPayloadSchema.parse(seriesAlert(septemberSurge).message.json);
    expect(payload.series).toMatchObject({ value: 5959, expected: 2874, period: '2022-09-22', episode: { openedPeriod: '2022-09-22', event: 'opened' } });
    expect(payload.provenance).toEqual({ snapshotId: 'fi-southeast-daily@2022-09-23T06:15:00.000Z', url: septemberSurge.snapshot.url, fetchedAt: '2022-09-23T06:15:00.000Z' });
  });

  it('cleans a series title from a page so it cannot add lines or markup to the email', () => {
    const hostile = { ...septemberSurge, series: { ...septemberSurge.series, title: 'Vaalimaa<script>x</script>\r\nBcc: evil@example.org' } };
    const { email, subject } = seriesAlert(hostile).message;
    expect(email.split('\n')[0]).toBe('Surge in Vaalimaa x Bcc: evil@example.org.');
    expect(subject).not.toMatch(/[\r\n<>]/);
  });

  it('leaves out a link that is not http(s)', () => {
    const hostile = { ...septemberSurge, snapshot: { ...septemberSurge.snapshot, url: 'javascript:alert(1)' } };
    const alert = seriesAlert(hostile);
    expect(alert.message.email).toContain('URL:       (not a web address)');
    expect(alert.message.sms).not.toContain('javascript');
  });
});
