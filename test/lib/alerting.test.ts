import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Alerting, type AlertingProps } from '../../lib/constructs/alerting';

type Resource = { Properties: Record<string, any> };

function synth(props: Partial<AlertingProps>) {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-north-1' } });
  new Alerting(stack, 'Alerting', { alertEmails: [], alertSms: [], operatorEmails: [], ...props });
  return Template.fromStack(stack);
}

function subscriptionsOf(template: Template): Map<string, Record<string, any>> {
  const resources = Object.values(template.findResources('AWS::SNS::Subscription')) as Resource[];
  return new Map(resources.map((r) => [`${r.Properties.Protocol} ${r.Properties.Endpoint}`, r.Properties]));
}

describe('alert subscriptions with filter policies', () => {
  const template = synth({
    alertEmails: ['everything@example.org'],
    alertSms: ['+358401234567'],
    operatorEmails: ['ops@example.org'],
    subscriptions: [
      { protocol: 'email', endpoint: 'closures@example.org', filter: { kind: ['announcement'], topics: ['closure', 'restriction'] } },
      { protocol: 'sms', endpoint: '+358409876543', filter: { country: ['FI'], severity: ['critical'] } },
      { protocol: 'https', endpoint: 'https://hooks.example.org/borderwatch', filter: { kind: ['surge', 'drop'] } },
      { protocol: 'https', endpoint: 'https://archive.example.org/all' },
    ],
  });
  const subscriptions = subscriptionsOf(template);

  it('gives an email subscription its filter and the email flood-control class', () => {
    expect(subscriptions.get('email closures@example.org')!.FilterPolicy).toEqual({ kind: ['announcement'], topics: ['closure', 'restriction'], channels: ['email'] });
  });

  it('gives an SMS subscription its filter and the SMS flood-control class', () => {
    expect(subscriptions.get('sms +358409876543')!.FilterPolicy).toEqual({ country: ['FI'], severity: ['critical'], channels: ['sms'] });
  });

  it('gives an HTTPS subscription only its own filter: machines receive every alert flood control holds back from people', () => {
    expect(subscriptions.get('https https://hooks.example.org/borderwatch')!.FilterPolicy).toEqual({ kind: ['surge', 'drop'] });
    expect(subscriptions.get('https https://archive.example.org/all')!.FilterPolicy).toBeUndefined();
  });

  it('keeps the plain email and SMS lists working, with flood control', () => {
    expect(subscriptions.get('email everything@example.org')!.FilterPolicy).toEqual({ channels: ['email'] });
    expect(subscriptions.get('sms +358401234567')!.FilterPolicy).toEqual({ channels: ['sms'] });
  });

  it('leaves the operators’ subscriptions unfiltered', () => {
    expect(subscriptions.get('email ops@example.org')!.FilterPolicy).toBeUndefined();
  });

  it('gives every subscription its own dead-letter queue', () => {
    const queues = new Set([...subscriptions.values()].map((s) => JSON.stringify(s.RedrivePolicy.deadLetterTargetArn)));
    expect(queues.size).toBe(subscriptions.size);
    expect(subscriptions.size).toBe(7);
  });
});

describe('alert subscriptions SNS would reject', () => {
  it('fail synth when the same endpoint is subscribed twice', () => {
    expect(() => synth({ alertEmails: ['a@example.org'], subscriptions: [{ protocol: 'email', endpoint: 'A@example.org', filter: { country: ['FI'] } }] })).toThrow(
      'alert subscription email "A@example.org" is configured twice',
    );
  });

  it('fail synth when an SMS filter uses more attributes than SNS allows next to flood control', () => {
    const filter = { kind: ['surge'], severity: ['critical'], country: ['FI'], source: ['s'], series: ['x'] };
    expect(() => synth({ subscriptions: [{ protocol: 'sms', endpoint: '+358401234567', filter }] })).toThrow(/filters on 5 attributes .* SNS allows 5 per subscription, and sms subscriptions use one for flood control/);
  });

  it('fail synth when a filter has more than 150 combinations of values', () => {
    const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    expect(() => synth({ subscriptions: [{ protocol: 'https', endpoint: 'https://x.example.org', filter: { source: many(20, 's'), series: many(8, 'x') } }] })).toThrow(
      /160 combinations of filter values; SNS allows 150/,
    );
  });
});
