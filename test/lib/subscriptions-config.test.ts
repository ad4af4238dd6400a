import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readAppConfig } from '../../lib/config';

const CONTACT = { 'borderwatch:contactUrl': 'https://example.org/borderwatch-contact' };
const configFrom = (context: Record<string, unknown>) => readAppConfig(new App({ context }).node);

describe('the borderwatch:subscriptions context key', () => {
  it('reads subscriptions with filters from the JSON string `-c key=value` delivers', () => {
    const value = JSON.stringify([{ protocol: 'sms', endpoint: '+358401234567', filter: { country: ['FI'], topics: ['closure'] } }]);
    expect(configFrom({ ...CONTACT, 'borderwatch:subscriptions': value }).subscriptions).toEqual([
      { protocol: 'sms', endpoint: '+358401234567', filter: { country: ['FI'], topics: ['closure'] } },
    ]);
  });

  it('reads them as JSON from cdk.json', () => {
    const subscriptions = [{ protocol: 'https', endpoint: 'https://hooks.example.org/bw' }];
    expect(configFrom({ ...CONTACT, 'borderwatch:subscriptions': subscriptions }).subscriptions).toEqual(subscriptions);
  });

  it('rejects an endpoint that does not fit its protocol, naming the key, the position and the value', () => {
    const bad = [{ protocol: 'https', endpoint: 'http://hooks.example.org' }];
    expect(() => configFrom({ ...CONTACT, 'borderwatch:subscriptions': bad })).toThrow(
      /Invalid CDK context "borderwatch:subscriptions": \[0\.endpoint\] must be an https URL \(got \[\{"protocol":"https","endpoint":"http:\/\/hooks\.example\.org"\}\]\)/,
    );
  });

  it('rejects a filter on an attribute alerts do not carry', () => {
    const bad = [{ protocol: 'email', endpoint: 'a@example.org', filter: { region: ['EU'] } }];
    expect(() => configFrom({ ...CONTACT, 'borderwatch:subscriptions': bad })).toThrow(/"borderwatch:subscriptions": \[0\.filter\] Unrecognized key: "region"/);
  });

  it('rejects a kind that never reaches the alert topic', () => {
    const bad = [{ protocol: 'email', endpoint: 'a@example.org', filter: { kind: ['source-health'] } }];
    expect(() => configFrom({ ...CONTACT, 'borderwatch:subscriptions': bad })).toThrow(/\[0\.filter\.kind\.0\] must be one of surge, drop, shift, announcement/);
  });

  it('rejects a filter SNS would refuse, before deploying', () => {
    const filter = { kind: ['surge'], severity: ['critical'], country: ['FI'], source: ['s'], series: ['x'] };
    expect(() => configFrom({ ...CONTACT, 'borderwatch:subscriptions': [{ protocol: 'email', endpoint: 'a@example.org', filter }] })).toThrow(
      /\[0\.filter\] filters on 5 attributes/,
    );
  });

  it('rejects a value that is not a JSON array', () => {
    expect(() => configFrom({ ...CONTACT, 'borderwatch:subscriptions': 'a@example.org' })).toThrow(/"borderwatch:subscriptions": must be a JSON array/);
  });
});
