/** Rewrites docs/alerts/ from the renderer: `npx tsx test/alerting/render-examples.ts`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXAMPLES_DIR, renderExamples } from './examples';

const root = fileURLToPath(new URL('../..', import.meta.url));
mkdirSync(join(root, EXAMPLES_DIR), { recursive: true });
for (const [name, content] of Object.entries(renderExamples())) {
  writeFileSync(join(root, EXAMPLES_DIR, name), content);
  console.log(`wrote ${EXAMPLES_DIR}/${name}`);
}
