/**
 * Bundle size and cold import time of each Lambda function, side by side with a naive bundle of the
 * same code (AWS SDK bundled, full cheerio, undici's whole package) in the same run.
 * Import time: median of repeated fresh `node` processes, alternating the two variants so machine
 * noise hits both alike. Run: npx tsx bench/bundles.ts [--runs 15]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT = join(ROOT, 'bench/.out');

export const FUNCTIONS: Record<string, string> = {
  scrape: 'functions/scrape/handler.ts',
  query: 'functions/query/handler.ts',
};

const BANNER = "import { createRequire as __bwRequire } from 'node:module'; const require = __bwRequire(import.meta.url);";

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: BANNER },
  logLevel: 'error',
};

/** What the CDK construct builds: SDK from the runtime. */
const production: BuildOptions = { ...common, external: ['@aws-sdk/*'] };
/** The naive way: everything bundled, cheerio's full entry, undici's full package. */
const naive: BuildOptions = { ...common, alias: { 'cheerio/slim': 'cheerio' } };

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function importTimeMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t))`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, TABLE_NAME: 'bench', ALERT_TOPIC_ARN: 'arn:aws:sns:eu-north-1:000000000000:bench', AWS_REGION: 'eu-north-1' },
  });
  return Number(out.toString());
}

export interface BundleRow {
  name: string;
  bytes: number;
  naiveBytes: number;
  importMs: number;
  naiveImportMs: number;
}

export async function benchBundles(runs = 15): Promise<BundleRow[]> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const rows: BundleRow[] = [];
  for (const [name, entry] of Object.entries(FUNCTIONS)) {
    const prodFile = join(OUT, `${name}.mjs`);
    const naiveFile = join(OUT, `${name}.naive.mjs`);
    await build({ ...production, entryPoints: [join(ROOT, entry)], outfile: prodFile });
    await build({ ...naive, entryPoints: [join(ROOT, entry)], outfile: naiveFile });
    const prod: number[] = [];
    const nv: number[] = [];
    importTimeMs(prodFile); // warm the file system cache for both
    importTimeMs(naiveFile);
    for (let i = 0; i < runs; i++) {
      prod.push(importTimeMs(prodFile));
      nv.push(importTimeMs(naiveFile));
    }
    rows.push({ name, bytes: statSync(prodFile).size, naiveBytes: statSync(naiveFile).size, importMs: median(prod), naiveImportMs: median(nv) });
  }
  return rows;
}

export function bundleTable(rows: BundleRow[], runs: number): string {
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
  return [
    `| function | bundle | naive bundle | import (median of ${runs}) | naive import | import ratio |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.name} | ${kb(r.bytes)} | ${kb(r.naiveBytes)} | ${r.importMs.toFixed(1)} ms | ${r.naiveImportMs.toFixed(1)} ms | ${(r.importMs / r.naiveImportMs).toFixed(2)} |`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
  const rows = await benchBundles(runs);
  console.log(bundleTable(rows, runs));
}
