import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { startDynamoDbLocal } from '../../local/dynamodb-local';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
}

describe('DynamoDB Local lifecycle', () => {
  it('answers on a free port and leaves no Java process after stop()', async () => {
    const ddb = await startDynamoDbLocal();
    const tables = await ddb.client.send(new ListTablesCommand({}));
    expect(tables.TableNames).toEqual([]);
    await ddb.stop();
    expect(await waitUntil(() => !alive(ddb.pid), 5_000)).toBe(true);
  });

  it.runIf(process.platform === 'linux')('dies with its parent even when the parent is killed outright (SIGKILL)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/ddb-child.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    const { pid } = JSON.parse(line) as { pid: number };
    expect(alive(pid)).toBe(true);
    child.kill('SIGKILL');
    expect(await waitUntil(() => !alive(pid), 10_000)).toBe(true);
  });
});
