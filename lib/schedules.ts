import { createHash } from 'node:crypto';
import type { SourceConfig } from '../functions/sources/config';

/** One EventBridge schedule: an expression and the enabled sources that share it. */
export interface SourceSchedule {
  expression: string;
  sourceIds: string[];
}

/**
 * Groups enabled sources by schedule expression, so sources that share a cadence share one run.
 * Sorted by expression (and sources keep file order) so synth output is stable.
 */
export function groupSourcesBySchedule(sources: readonly SourceConfig[]): SourceSchedule[] {
  const byExpression = new Map<string, string[]>();
  for (const source of sources) {
    if (!source.enabled) continue;
    const ids = byExpression.get(source.schedule) ?? [];
    ids.push(source.id);
    byExpression.set(source.schedule, ids);
  }
  return [...byExpression.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([expression, sourceIds]) => ({ expression, sourceIds }));
}

/**
 * A construct id for a schedule that stays the same while its expression does. Cron expressions
 * contain characters construct ids and logical ids drop (`/`, `*`, `?`), so a short hash keeps
 * different expressions apart while the readable part helps in the console.
 */
export function scheduleConstructId(expression: string): string {
  const readable = expression.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const digest = createHash('sha256').update(expression).digest('hex').slice(0, 8);
  return `Schedule-${readable}-${digest}`;
}
