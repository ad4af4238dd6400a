import { resolve } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadSourcesFile } from '../functions/sources/config';
import { BorderwatchStack } from './borderwatch-stack';
import { PROJECT_ROOT, readAppConfig } from './config';

export const DEFAULT_SCRAPE_ENTRY = resolve(PROJECT_ROOT, 'functions/scrape/handler.ts');

export interface BuildAppOptions {
  /** @default functions/scrape/handler.ts */
  readonly scrapeEntry?: string;
}

/**
 * Everything bin/app.ts does, callable from tests: validate context, validate the sources file
 * (a ConfigError fails synth with the source and field named), build the stack, and register the
 * cdk-nag AWS Solutions checks so a finding fails `cdk synth`.
 */
export function buildApp(app: App, options: BuildAppOptions = {}): BorderwatchStack {
  const config = readAppConfig(app.node);
  const sources = loadSourcesFile(config.sourcesFile);
  const stack = new BorderwatchStack(app, 'Borderwatch', {
    description: 'borderwatch: watches official border statistics and announcements and alerts on anomalies',
    sources,
    sourcesFile: config.sourcesFile,
    scrapeEntry: options.scrapeEntry ?? DEFAULT_SCRAPE_ENTRY,
    alertEmails: config.alertEmails,
    alertSms: config.alertSms,
    subscriptions: config.subscriptions,
    operatorEmails: config.operatorEmails,
    contactUrl: config.contactUrl,
    logRetention: config.logRetention,
    queryApiPublic: config.queryApiPublic,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
