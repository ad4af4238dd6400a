import { describe, expect, it } from 'vitest';
import { DETECTORS, renderMarkdown, runEvaluation } from '../../eval/run';

describe('evaluation harness (smoke, simulated data only)', () => {
  it('runs every detector, says which datasets it skipped, and renders the tables', async () => {
    const report = await runEvaluation({ dataDir: '/nonexistent', seeds: 1, targetFa: 0.5, resolveAfter: 2, timingRepeats: 1 });
    expect(report.skipped).toHaveLength(3);
    expect(report.skipped.join(' ')).toContain('fi-border-2022');
    expect(report.results.map((r) => r.label)).toEqual(DETECTORS.map((d) => d.label));
    const md = renderMarkdown(report);
    expect(md).toContain('At a matched false-alarm rate');
    expect(md).toContain('Skipped datasets: ');
    for (const r of report.results) expect(r.table.defaults.scenarios.step2.n).toBe(6);
  }, 60_000);

  it('is deterministic: the same seeds give the same numbers', async () => {
    const opts = { dataDir: '/nonexistent', seeds: 1, targetFa: 0.5, resolveAfter: 2, timingRepeats: 1 };
    const [a, b] = [await runEvaluation(opts), await runEvaluation(opts)];
    expect(a.results.map((r) => r.table)).toEqual(b.results.map((r) => r.table));
  }, 60_000);
});
