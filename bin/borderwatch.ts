#!/usr/bin/env node
import { resolve } from 'node:path';
import { ConfigError, loadSourcesFile } from '../functions/sources/config';
import { runDemo } from '../local/demo';
import { runOnce } from '../local/run';

const USAGE = `usage: borderwatch <command> [options]

commands:
  run [--sources FILE]          run the pipeline once over the configured sources (default config/sources.json)
                                on the embedded DynamoDB Local (.borderwatch/); alerts go to the outbox, or to
                                the SNS topic in ALERT_TOPIC_ARN when set
  demo [--data DIR]             replay recorded real figures through a local HTTP server and print the alerts
                                (DIR: the shared data folder for the San Ysidro replay; default ../shared/data)
  sources validate [FILE]       check a sources file and name every bad source and field`;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'run': {
      const summary = await runOnce({ sourcesFile: resolve(option(args, '--sources') ?? 'config/sources.json') });
      // Unreachable sources are reported above; the exit code tells scripts that some failed.
      return summary.failed.length > 0 ? 2 : 0;
    }
    case 'demo': {
      const dataDir = option(args, '--data');
      await runDemo(dataDir ? { dataDir } : {});
      return 0;
    }
    case 'sources': {
      if (args[0] !== 'validate') break;
      const file = resolve(args[1] ?? 'config/sources.json');
      const sources = loadSourcesFile(file);
      console.log(`${file}: ${sources.length} sources, ${sources.reduce((n, s) => n + s.series.length, 0)} series, all valid`);
      return 0;
    }
    case undefined:
    case '--help':
    case 'help':
      console.log(USAGE);
      return command === undefined ? 1 : 0;
  }
  console.error(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
