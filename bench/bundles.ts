/**
 * Bundle size and cold start of each Lambda function, side by side with a naive bundle of the same
 * code (AWS SDK bundled, cheerio's full entry) built and measured in the same run.
 *
 * Per run and variant, one fresh `node` process imports the bundle (module import time) and then
 * calls the handler once with an event that only reads DynamoDB (DynamoDB Local): that is import +
 * first invocation, i.e. what a cold start costs before the function's real work. Medians of `--runs`
 * runs, alternating the variants so machine noise hits both alike. The SDK share is the import time of
 * the @aws-sdk packages the production bundle leaves external, alone in a fresh process.
 *
 * Run: npx tsx bench/bundles.ts [--runs 15] [--no-invoke]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../functions/detection/stats';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { compileSourcesFile } from '../functions/sources/compile';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT = join(ROOT, 'bench/.out');

export interface FunctionEntry {
  name: string;
  /** Handler file, relative to the project root. A missing file is skipped with a note (functions still being written). */
  entry: string;
  /** An event whose handling touches nothing but DynamoDB, for the first-invocation measure; none: import only. */
  firstEvent?: unknown;
  /** Files the CDK construct puts next to the bundle: name in the bundle -> file relative to the project root, or the content. */
  files?: Record<string, string | (() => string)>;
}

const httpGet = (rawPath: string, query: Record<string, string> = {}) => ({
  rawPath,
  queryStringParameters: query,
  requestContext: { domainName: 'bench.example.org', http: { method: 'GET' } },
});

/** What synth writes next to handlers that read the compiled sources file (readCompiledSources). */
export const compiledSources = () => compileSourcesFile(join(ROOT, 'config/sources.json'));

/** The Lambda functions; add an entry per new handler. */
export const FUNCTIONS: FunctionEntry[] = [
  // First events touch nothing but DynamoDB: an empty batch, or the sweeper looking for pending alerts.
  { name: 'dispatch', entry: 'functions/dispatch/handler.ts', files: { 'sources.json': compiledSources } },
  { name: 'fetch', entry: 'functions/fetch/handler.ts', firstEvent: { Records: [] }, files: { 'sources.json': compiledSources } },
  { name: 'parse', entry: 'functions/parse/handler.ts', firstEvent: { Records: [] }, files: { 'sources.json': compiledSources } },
  { name: 'detect', entry: 'functions/detect/handler.ts', firstEvent: { Records: [] }, files: { 'sources.json': compiledSources } },
  { name: 'publish', entry: 'functions/publish/handler.ts', firstEvent: { sweep: true } },
  { name: 'query', entry: 'functions/query/handler.ts', firstEvent: httpGet('/series', { limit: '5' }) },
];

const BANNER = "import { createRequire as __bwRequire } from 'node:module'; const require = __bwRequire(import.meta.url);";

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: BANNER },
  metafile: true,
  logLevel: 'error',
};

/** What the CDK construct builds: SDK from the runtime. */
const production: BuildOptions = { ...common, external: ['@aws-sdk/*'] };
/** The naive way: everything bundled, cheerio's full entry. */
const naive: BuildOptions = { ...common, alias: { 'cheerio/slim': 'cheerio' } };

/** The package an input file belongs to ("@aws-sdk/client-sns", "undici"), or "(project)". */
export function packageOf(inputPath: string): string {
  const at = inputPath.lastIndexOf('node_modules/');
  if (at < 0) return '(project)';
  const parts = inputPath.slice(at + 'node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Bytes in the output per package, largest first. */
export function packageBytes(metafile: Metafile): Map<string, number> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(path);
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return new Map([...totals].sort((a, b) => b[1] - a[1]));
}

/** The bare packages a bundle imports at run time (left external), e.g. the @aws-sdk clients. */
export function externalPackages(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (imported.external && !imported.path.startsWith('node:')) names.add(imported.path);
    }
  }
  return [...names].sort();
}

export interface Timing {
  importMs: number;
  firstInvokeMs?: number;
  error?: string;
}

const MARK = '__bench__';

/** One cold start in a fresh process: import, then (optionally) the first invocation. */
export function coldStart(file: string, event: unknown, env: NodeJS.ProcessEnv): Timing {
  const script = [
    `const t0 = performance.now();`,
    `const m = await import(${JSON.stringify(file)});`,
    `const t1 = performance.now();`,
    `const event = ${JSON.stringify(event ?? null)};`,
    `let error;`,
    `if (event !== null) { try { await m.handler(event); } catch (e) { error = String(e?.message ?? e).slice(0, 200); } }`,
    `const t2 = performance.now();`,
    // The handler's own logs go to stdout too: the result is the marked last line.
    `process.stdout.write('\\n${MARK}' + JSON.stringify({ importMs: t1 - t0, firstInvokeMs: event === null ? undefined : t2 - t0, error }) + '\\n');`,
  ].join('\n');
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const line = out.toString().split('\n').reverse().find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`no timing from ${file}: ${out.toString().slice(-500)}`);
  return JSON.parse(line.slice(MARK.length)) as Timing;
}

/** Import time of the given packages alone, in a fresh process (resolved from the project's node_modules). */
function importTimeOf(packages: string[], env: NodeJS.ProcessEnv): number {
  if (packages.length === 0) return 0;
  const script = `const t=performance.now();${packages.map((p) => `await import(${JSON.stringify(p)});`).join('')}process.stdout.write(String(performance.now()-t))`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env }).toString());
}

export interface BundleRow {
  name: string;
  bytes: number;
  naiveBytes: number;
  importMs: number;
  naiveImportMs: number;
  /** Import + first invocation; undefined when not measured. */
  firstMs?: number;
  naiveFirstMs?: number;
  /** Import time of the external @aws-sdk packages alone. */
  sdkImportMs: number;
  packages: Array<{ name: string; bytes: number; naiveBytes: number }>;
  /** Why the first invocation failed, when it did (it is then not a fair measure). */
  invokeError?: string;
}

export interface BenchOptions {
  runs?: number;
  /** DynamoDB Local endpoint with a table named `tableName`; without it only import is measured. */
  dynamoEndpoint?: string;
  tableName?: string;
  /** Called for entries skipped because their handler does not exist yet. */
  onSkip?: (entry: FunctionEntry) => void;
}

export async function benchBundles({ runs = 15, dynamoEndpoint, tableName = 'bench', onSkip }: BenchOptions = {}): Promise<BundleRow[]> {
  rmSync(OUT, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TABLE_NAME: tableName,
    ALERT_TOPIC_ARN: 'arn:aws:sns:eu-north-1:000000000000:bench',
    OPERATOR_TOPIC_ARN: 'arn:aws:sns:eu-north-1:000000000000:bench-operators',
    DOCUMENT_BUCKET: 'bench-documents',
    AWS_REGION: 'eu-north-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    ...(dynamoEndpoint ? { AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint } : {}),
  };
  const rows: BundleRow[] = [];
  for (const fn of FUNCTIONS) {
    if (!existsSync(join(ROOT, fn.entry))) {
      onSkip?.(fn);
      continue;
    }
    // Each function in its own directory, as deployed: files the construct ships sit next to the bundle.
    const dir = join(OUT, fn.name);
    mkdirSync(dir, { recursive: true });
    for (const [name, from] of Object.entries(fn.files ?? {})) {
      if (typeof from === 'function') writeFileSync(join(dir, name), from());
      else copyFileSync(resolve(ROOT, from), join(dir, name));
    }
    const prodFile = join(dir, 'index.mjs');
    const naiveFile = join(dir, 'naive.mjs');
    const prodBuild = await build({ ...production, entryPoints: [join(ROOT, fn.entry)], outfile: prodFile });
    const naiveBuild = await build({ ...naive, entryPoints: [join(ROOT, fn.entry)], outfile: naiveFile });
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(prodBuild.metafile));
    const event = dynamoEndpoint ? fn.firstEvent : undefined;
    coldStart(prodFile, event, env); // warm the file system cache for both
    coldStart(naiveFile, event, env);
    const prod: Timing[] = [];
    const nv: Timing[] = [];
    for (let i = 0; i < runs; i++) {
      prod.push(coldStart(prodFile, event, env));
      nv.push(coldStart(naiveFile, event, env));
    }
    const sdk = externalPackages(prodBuild.metafile!).filter((p) => p.startsWith('@aws-sdk/'));
    const sdkTimes = Array.from({ length: Math.min(runs, 7) }, () => importTimeOf(sdk, env));
    const prodPackages = packageBytes(prodBuild.metafile!);
    const naivePackages = packageBytes(naiveBuild.metafile!);
    const invokeError = prod.find((t) => t.error)?.error ?? nv.find((t) => t.error)?.error;
    rows.push({
      name: fn.name,
      bytes: statSync(prodFile).size,
      naiveBytes: statSync(naiveFile).size,
      importMs: median(prod.map((t) => t.importMs)),
      naiveImportMs: median(nv.map((t) => t.importMs)),
      ...(event !== undefined ? { firstMs: median(prod.map((t) => t.firstInvokeMs!)), naiveFirstMs: median(nv.map((t) => t.firstInvokeMs!)) } : {}),
      sdkImportMs: median(sdkTimes),
      packages: [...prodPackages].map(([name, bytes]) => ({ name, bytes, naiveBytes: naivePackages.get(name) ?? 0 })),
      ...(invokeError ? { invokeError } : {}),
    });
  }
  return rows;
}

const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
const ms = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(1)} ms`);

export function bundleTable(rows: BundleRow[], runs: number): string {
  return [
    `| function | bundle | naive bundle | import | naive import | ratio | import + 1st invoke | naive | ratio | SDK import alone |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) =>
      [
        r.name,
        kb(r.bytes),
        kb(r.naiveBytes),
        ms(r.importMs),
        ms(r.naiveImportMs),
        (r.importMs / r.naiveImportMs).toFixed(2),
        ms(r.firstMs),
        ms(r.naiveFirstMs),
        r.firstMs && r.naiveFirstMs ? (r.firstMs / r.naiveFirstMs).toFixed(2) : 'n/a',
        ms(r.sdkImportMs),
      ].join(' | ').replace(/^/, '| ') + ' |',
    ),
    '',
    `Medians of ${runs} fresh processes per variant. Sizes are minified bytes without the source map.`,
  ].join('\n');
}

export function packageTable(row: BundleRow, top = 8): string {
  const rest = row.packages.slice(top);
  const restBytes = rest.reduce((sum, p) => sum + p.bytes, 0);
  return [
    `${row.name}: largest packages in the production bundle (naive bundle alongside)`,
    '| package | bundle | naive |',
    '| --- | ---: | ---: |',
    ...row.packages.slice(0, top).map((p) => `| ${p.name} | ${kb(p.bytes)} | ${kb(p.naiveBytes)} |`),
    ...(rest.length > 0 ? [`| ${rest.length} more | ${kb(restBytes)} | |`] : []),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
  let dynamo: Awaited<ReturnType<typeof import('../local/dynamodb-local').startDynamoDbLocal>> | undefined;
  const tableName = 'bench';
  if (!process.argv.includes('--no-invoke')) {
    // The first invocation reads the table: DynamoDB Local stands in for DynamoDB.
    const { startDynamoDbLocal } = await import('../local/dynamodb-local');
    const { ensureTable } = await import('../functions/store/create-table');
    dynamo = await startDynamoDbLocal();
    await ensureTable(dynamo.client, tableName);
  }
  try {
    const rows = await benchBundles({
      runs,
      tableName,
      ...(dynamo ? { dynamoEndpoint: dynamo.endpoint } : {}),
      onSkip: (fn) => console.log(`(skipped ${fn.name}: ${fn.entry} does not exist yet)`),
    });
    console.log(bundleTable(rows, runs));
    for (const row of rows) {
      if (row.invokeError) console.log(`\nnote: ${row.name}'s first invocation failed, so its "1st invoke" column is not a fair measure: ${row.invokeError}`);
      console.log(`\n${packageTable(row)}`);
    }
  } finally {
    await dynamo?.stop();
  }
}
