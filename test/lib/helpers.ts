import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import { PROJECT_ROOT } from '../../lib/config';

export const fixture = (name: string) => resolve(PROJECT_ROOT, 'test/lib/fixtures', name);

export const FIXTURE_SOURCES = fixture('sources.json');
export const FIXTURE_HANDLER = fixture('fixture-handler.ts');
/** Every function bundled from the small fixture: for tests about configuration, not about the handlers. */
export const FIXTURE_ENTRIES = { dispatch: FIXTURE_HANDLER, fetch: FIXTURE_HANDLER, detect: FIXTURE_HANDLER, publish: FIXTURE_HANDLER };

/** The context `cdk synth` sees (cdk.json, feature flags included), so tests synthesize what deploys. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/** An App with cdk.json's context, the fixture sources file, and `overrides` on top. */
export function testApp(overrides: Record<string, unknown> = {}): App {
  return new App({
    context: { ...cdkJsonContext(), 'borderwatch:sourcesFile': FIXTURE_SOURCES, ...overrides },
  });
}

/** Builds the real app (config, sources, stack, cdk-nag) with the real handlers. */
export function buildTestApp(overrides: Record<string, unknown> = {}) {
  const app = testApp(overrides);
  const stack = buildApp(app);
  return { app, stack };
}
