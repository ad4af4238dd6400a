import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, renderExamples } from './examples';

const dir = join(fileURLToPath(new URL('../..', import.meta.url)), EXAMPLES_DIR);
const rendered = renderExamples();

describe('the example alerts in docs/alerts', () => {
  it.each(Object.keys(rendered))('%s is what the renderer produces (regenerate: npx tsx test/alerting/render-examples.ts)', (name) => {
    expect(readFileSync(join(dir, name), 'utf8')).toBe(rendered[name]);
  });

  it('has no file the renderer does not produce', () => {
    const stored = readdirSync(dir).filter((name) => /\.(txt|json)$/.test(name));
    expect(stored.sort()).toEqual(Object.keys(rendered).sort());
  });
});
