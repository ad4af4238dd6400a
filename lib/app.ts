import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadSourcesFileWithSettings } from '../functions/sources/config';
import { serializeCompiledSources } from '../functions/sources/compiled';
import { BorderwatchStack } from './borderwatch-stack';
import { PROJECT_ROOT, readAppConfig } from './config';

/** The handler of each function, by role. */
export interface FunctionEntries {
  readonly dispatch: string;
  readonly fetch: string;
  readonly parse: string;
  readonly detect: string;
  readonly publish: string;
}

export const DEFAULT_ENTRIES: FunctionEntries = {
  dispatch: resolve(PROJECT_ROOT, 'functions/dispatch/handler.ts'),
  fetch: resolve(PROJECT_ROOT, 'functions/fetch/handler.ts'),
  parse: resolve(PROJECT_ROOT, 'functions/parse/handler.ts'),
  detect: resolve(PROJECT_ROOT, 'functions/detect/handler.ts'),
  publish: resolve(PROJECT_ROOT, 'functions/publish/handler.ts'),
};

export interface BuildAppOptions {
  /** Handlers to bundle instead of the real ones (tests). */
  readonly entries?: Partial<FunctionEntries>;
}

/**
 * Everything bin/app.ts does, callable from tests: validate context, validate the sources file
 * (a ConfigError fails synth with the source and field named), build the stack, and register the
 * cdk-nag AWS Solutions checks so a finding fails `cdk synth`.
 */
export function buildApp(app: App, options: BuildAppOptions = {}): BorderwatchStack {
  const config = readAppConfig(app.node);
  const sourcesFile = loadSourcesFileWithSettings(config.sourcesFile);
  const { sources } = sourcesFile;
  // The functions get the compiled file (validated, defaults applied): they read it without the schema library.
  mkdirSync(app.outdir, { recursive: true });
  const compiledSourcesFile = join(app.outdir, 'borderwatch-sources.compiled.json');
  writeFileSync(compiledSourcesFile, serializeCompiledSources(sourcesFile));
  const stack = new BorderwatchStack(app, 'Borderwatch', {
    description: 'borderwatch: watches official border statistics and announcements and alerts on anomalies',
    sources,
    sourcesFile: compiledSourcesFile,
    entries: { ...DEFAULT_ENTRIES, ...options.entries },
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
