import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * What Lambda code loads at import: the modules reachable through static imports from an entry.
 * Built with code splitting so that dynamically imported modules land in chunks of their own and
 * can be told apart (NodejsFunction itself builds one file, with those modules behind lazy initialisers).
 */
const root = fileURLToPath(new URL('../../', import.meta.url));

async function metafileOf(entry: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [resolve(root, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    splitting: true,
    outdir: resolve(root, 'bench/.out/contents-test'),
    write: false,
    metafile: true,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  return result.metafile;
}

/** Input files loaded when the entry is imported, and those loaded only through import(). */
async function reach(entry: string): Promise<{ eager: string[]; lazy: string[] }> {
  const { outputs } = await metafileOf(entry);
  const start = Object.keys(outputs).find((name) => outputs[name]!.entryPoint !== undefined)!;
  const eagerOutputs = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (eagerOutputs.has(name)) continue;
    eagerOutputs.add(name);
    for (const imported of outputs[name]!.imports) {
      if (!imported.external && imported.kind === 'import-statement') queue.push(imported.path);
    }
  }
  const inputsOf = (names: string[]) => names.flatMap((name) => Object.keys(outputs[name]?.inputs ?? {}));
  return { eager: inputsOf([...eagerOutputs]), lazy: inputsOf(Object.keys(outputs).filter((name) => !eagerOutputs.has(name))) };
}

const fromPackage = (name: string) => (path: string) => path.includes(`node_modules/${name}/`);

describe('what Lambda code loads at import', () => {
  it.each([
    'functions/sources/compiled.ts',
    'functions/detection/index.ts',
    'functions/alerting/render.ts',
    'functions/alerting/series-alert.ts',
    'functions/alerting/announcement-alert.ts',
    'functions/alerting/source-health-alert.ts',
    'functions/sources/fetcher.ts',
    'functions/sources/parsers/lazy.ts',
  ])('%s does not load zod', async (entry) => {
    const { eager, lazy } = await reach(entry);
    expect([...eager, ...lazy].filter(fromPackage('zod'))).toEqual([]);
  });

  it('the synth-side compiler does load the zod schema (the check above can see zod)', async () => {
    const { eager } = await reach('functions/sources/compile.ts');
    expect(eager.some(fromPackage('zod'))).toBe(true);
  });

  it("the query API's parameter validation loads zod/mini, not zod's full API or its messages", async () => {
    const { eager } = await reach('functions/query/handler.ts');
    const zod = eager.filter(fromPackage('zod'));
    expect(zod.some((path) => path.includes('zod/v4/mini/'))).toBe(true);
    expect(zod.filter((path) => path.includes('zod/v4/classic/') || path.includes('zod/v4/locales/'))).toEqual([]);
  });

  it("the fetcher loads undici's client, not the package index with fetch and WebSocket", async () => {
    const { eager } = await reach('functions/sources/fetcher.ts');
    const undici = eager.filter(fromPackage('undici'));
    expect(undici.some((path) => path.endsWith('lib/dispatcher/agent.js'))).toBe(true);
    const unused = ['undici/index.js', 'lib/web/fetch/index.js', 'lib/web/websocket/', 'lib/web/eventsource/', 'lib/mock/', 'lib/cache/'];
    expect(undici.filter((path) => unused.some((part) => path.includes(part)))).toEqual([]);
  });

  it('parseDocument loads cheerio only when an HTML or feed parser is first used', async () => {
    const { eager, lazy } = await reach('functions/sources/parsers/lazy.ts');
    for (const name of ['cheerio', 'htmlparser2', 'entities']) {
      expect(eager.filter(fromPackage(name)), name).toEqual([]);
      expect(lazy.some(fromPackage(name)), name).toBe(true);
    }
  });

  it('the fetch function carries the HTTP client and no parser; the parse function the parsers and no HTTP client', async () => {
    const fetch = await reach('functions/fetch/handler.ts');
    const parse = await reach('functions/parse/handler.ts');
    const all = (r: { eager: string[]; lazy: string[] }) => [...r.eager, ...r.lazy];
    expect(fetch.eager.some(fromPackage('undici'))).toBe(true);
    for (const name of ['cheerio', 'htmlparser2', 'entities', 'css-select']) expect(all(fetch).filter(fromPackage(name)), name).toEqual([]);
    expect(all(fetch).filter((path) => path.includes('functions/sources/parsers/'))).toEqual([]);
    expect(all(parse).filter(fromPackage('undici'))).toEqual([]);
    expect(all(parse).filter((path) => path.endsWith('functions/sources/fetcher.ts'))).toEqual([]);
    expect(parse.lazy.some(fromPackage('cheerio'))).toBe(true);
  });
});
