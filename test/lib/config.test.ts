import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/sources/config';
import { buildApp } from '../../lib/app';
import { ContextError, PROJECT_ROOT, readAppConfig } from '../../lib/config';
import { FIXTURE_ENTRIES, fixture } from './helpers';

const CONTACT = { 'borderwatch:contactUrl': 'https://example.org/borderwatch-contact' };
const configFrom = (context: Record<string, unknown>) => readAppConfig(new App({ context }).node);

describe('context', () => {
  it('applies the documented defaults when only the contact URL is given', () => {
    expect(configFrom(CONTACT)).toEqual({
      sourcesFile: `${PROJECT_ROOT}config/sources.json`,
      alertEmails: [],
      alertSms: [],
      subscriptions: [],
      operatorEmails: [],
      contactUrl: 'https://example.org/borderwatch-contact',
      logRetention: RetentionDays.ONE_MONTH,
      queryApiPublic: false,
    });
  });

  it('resolves a relative sources file against the project root, not the working directory', () => {
    const config = configFrom({ ...CONTACT, 'borderwatch:sourcesFile': 'test/lib/fixtures/sources.json' });
    expect(config.sourcesFile).toBe(fixture('sources.json'));
  });

  it('accepts lists and numbers as the strings that `cdk synth -c key=value` delivers', () => {
    const config = configFrom({
      ...CONTACT,
      'borderwatch:alertEmails': 'a@example.org, b@example.org',
      'borderwatch:alertSms': '["+358401234567"]',
      'borderwatch:logRetentionDays': '90',
    });
    expect(config.alertEmails).toEqual(['a@example.org', 'b@example.org']);
    expect(config.alertSms).toEqual(['+358401234567']);
    expect(config.logRetention).toBe(RetentionDays.THREE_MONTHS);
  });

  it('rejects a bad email naming the key, the position and the value', () => {
    expect(() => configFrom({ ...CONTACT, 'borderwatch:alertEmails': ['ok@example.org', 'not-an-email'] })).toThrow(
      /"borderwatch:alertEmails": \[1\] must be an email address \(got \["ok@example.org","not-an-email"\]\)/,
    );
  });

  it('rejects a phone number that is not E.164', () => {
    expect(() => configFrom({ ...CONTACT, 'borderwatch:alertSms': ['040 123 4567'] })).toThrow(/"borderwatch:alertSms": \[0\] must be an E\.164 phone number/);
  });

  it('requires a contact URL, because a scraper should say who runs it', () => {
    expect(() => configFrom({})).toThrow(ContextError);
    expect(() => configFrom({})).toThrow(/"borderwatch:contactUrl": .*\(it is missing\)/);
  });

  it('rejects a plain-http contact URL', () => {
    expect(() => configFrom({ 'borderwatch:contactUrl': 'http://example.org' })).toThrow(/"borderwatch:contactUrl": must be an https URL/);
  });

  it('rejects a retention period CloudWatch Logs does not offer', () => {
    expect(() => configFrom({ ...CONTACT, 'borderwatch:logRetentionDays': 31 })).toThrow(
      /"borderwatch:logRetentionDays": must be a CloudWatch Logs retention period: one of 1, 3, 5, 7, 14, 30, 60, 90.*\(got 31\)/,
    );
  });

  it('rejects an unknown borderwatch key so a typo cannot silently drop subscribers', () => {
    expect(() => configFrom({ ...CONTACT, 'borderwatch:alertEmail': ['a@example.org'] })).toThrow(/Unknown CDK context key "borderwatch:alertEmail"/);
  });
});

describe('building the app', () => {
  const build = (context: Record<string, unknown>) => () => buildApp(new App({ context }), { entries: FIXTURE_ENTRIES });

  it('fails with the ConfigError naming the source and field when the sources file is invalid', () => {
    const attempt = build({ ...CONTACT, 'borderwatch:sourcesFile': fixture('invalid-sources.json') });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/source "fi-demo": field "schedule": must be an EventBridge Scheduler expression.*\(got "every hour"\)/);
  });

  it('fails naming the path when the sources file does not exist', () => {
    expect(build({ ...CONTACT, 'borderwatch:sourcesFile': 'config/no-such-file.json' })).toThrow(/cannot read sources file .*config\/no-such-file\.json/);
  });

  it('fails on invalid context before reading the sources file', () => {
    expect(build({ 'borderwatch:contactUrl': 'nope', 'borderwatch:sourcesFile': fixture('invalid-sources.json') })).toThrow(ContextError);
  });
});
