import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileSourcesFile } from '../../functions/sources/compile';
import { CompiledSourcesError, COMPILED_SOURCES_FORMAT, parseCompiledSources, readCompiledSources } from '../../functions/sources/compiled';
import { ConfigError, loadSourcesFileWithSettings } from '../../functions/sources/config';

const root = fileURLToPath(new URL('../../', import.meta.url));
const sourcesFile = resolve(root, 'config/sources.json');
const dir = mkdtempSync(join(tmpdir(), 'bw-compiled-'));

function written(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problemOf(document: unknown): string {
  try {
    parseCompiledSources(document, 'sources.json');
  } catch (error) {
    if (error instanceof CompiledSourcesError) return error.message;
    throw error;
  }
  throw new Error('expected a CompiledSourcesError');
}

const compiled = () => JSON.parse(compileSourcesFile(sourcesFile)) as { settings: Record<string, unknown>; sources: Array<Record<string, unknown>> };

describe('the compiled sources file', () => {
  it('reads back exactly what the validating loader returns, defaults applied', () => {
    const path = written('compiled.json', compileSourcesFile(sourcesFile));
    const loaded = loadSourcesFileWithSettings(sourcesFile);
    expect(readCompiledSources(path)).toEqual(loaded);
    // Defaults the raw file leaves out are in the compiled one (enabled, languages, timeZone).
    expect(loaded.sources.every((s) => typeof s.enabled === 'boolean' && typeof s.timeZone === 'string')).toBe(true);
  });

  it('is tagged with its format', () => {
    expect(JSON.parse(compileSourcesFile(sourcesFile)).format).toBe(COMPILED_SOURCES_FORMAT);
  });

  it('is not written when the sources file is invalid: synth fails with the validation error', () => {
    const bad = written('bad-sources.json', JSON.stringify({ sources: [{ id: 'x', kind: 'statistics' }] }));
    expect(() => compileSourcesFile(bad)).toThrow(ConfigError);
  });

  it('refuses a raw sources file and says to deploy again', () => {
    const raw = resolve(root, 'config/sources.json');
    expect(() => readCompiledSources(raw)).toThrow(/looks like a raw sources file; deploy again so synth compiles it/);
  });

  it('refuses a file of another format version', () => {
    expect(problemOf({ ...compiled(), format: 'borderwatch.compiled-sources/v0' })).toMatch(/field "format" is "borderwatch.compiled-sources\/v0"/);
  });

  it('names the source and field when a source lacks what synth fills in', () => {
    const document = compiled();
    delete document.sources[1]!.enabled;
    expect(problemOf({ ...document, format: COMPILED_SOURCES_FORMAT })).toMatch(new RegExp(`source "${String(document.sources[1]!.id)}": field "enabled" is not a boolean`));
  });

  it('refuses an unknown parser type', () => {
    const document = compiled();
    document.sources[0]!.parser = { type: 'pdf' };
    expect(problemOf({ ...document, format: COMPILED_SOURCES_FORMAT })).toMatch(/field "parser.type" is "pdf"/);
  });

  it('refuses settings without the private-network flag', () => {
    const document = compiled();
    document.settings = { topics: {} };
    expect(problemOf({ ...document, format: COMPILED_SOURCES_FORMAT })).toMatch(/field "settings" needs "allowPrivateNetwork"/);
  });

  it('reports unreadable and malformed files with their path', () => {
    expect(() => readCompiledSources(join(dir, 'missing.json'))).toThrow(/cannot read compiled sources file .*missing\.json/);
    expect(() => readCompiledSources(written('broken.json', '{"format":'))).toThrow(/broken\.json is not valid JSON/);
  });
});
