#!/usr/bin/env node
import { resolve } from 'node:path';
import { systemClock } from '../functions/core/clock';
import { runCli } from '../functions/query/cli/program';
import { openStore } from '../functions/query/cli/store';
import { ConfigError, loadSourcesFile } from '../functions/sources/config';

/** The command line: `borderwatch --help`. Wiring only; commands live in functions/query/cli/. */
runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: { isTTY: Boolean(process.stderr.isTTY), write: (text) => process.stderr.write(text) },
  clock: systemClock,
  openStore,
  legacy: {
    run: async (sourcesFile) => {
      const { runOnce } = await import('../local/run');
      const summary = await runOnce({ sourcesFile });
      // Unreachable sources are reported above; the exit code tells scripts that some failed.
      return summary.failed.length > 0 ? 2 : 0;
    },
    demo: async (dataDir) => {
      const { runDemo } = await import('../local/demo');
      await runDemo(dataDir ? { dataDir: resolve(dataDir) } : {});
      return 0;
    },
    validate: async (file) => {
      const sources = loadSourcesFile(file);
      console.log(`${file}: ${sources.length} sources, ${sources.reduce((n, s) => n + s.series.length, 0)} series, all valid`);
      return 0;
    },
  },
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
