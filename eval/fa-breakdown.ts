import { seasonalCusum } from '../functions/detection/seasonal-cusum';
import { builtInHolidays } from '../functions/detection/holidays';
import { dayIndex, weekdayOf } from '../functions/detection/periods';
import { openings, scoreSeries } from './harness';
import { rng } from './prng';
import { simulate } from './simulate';

/** Diagnostic: which arm, weekday, level and baseline bias open the false-alarm episodes on the calibration set. */
const opts = JSON.parse(process.argv[2] ?? '{}');
const seeds = Number(process.argv[3] ?? 40);
const d = seasonalCusum(opts);
const BASE_DAY = dayIndex('2021-01-04')!;
const COUNTRIES = ['FI', 'PL', 'US'] as const;
const iso = (i: number) => new Date(i * 86_400_000).toISOString().slice(0, 10);
const rows: string[] = [];
const tally = new Map<string, number>();
const inc = (k: string) => tally.set(k, (tally.get(k) ?? 0) + 1);
for (const level of [30, 300, 3000]) {
  for (let i = 0; i < seeds; i++) {
    const seed = 100_000 + level * 1000 + i;
    const country = COUNTRIES[i % 3]!;
    const start = BASE_DAY + rng(seed).int(0, 700);
    const sim = simulate({ level, days: 820, start: iso(start), country, seed });
    const from = sim.points.findIndex((p) => dayIndex(p.period)! >= start + 90);
    const ctx = { seriesId: 's', granularity: 'day' as const, country };
    const scored = scoreSeries(d, sim.points, ctx, from);
    for (const op of openings(scored, 1, 2)) {
      const size = d.windowSize('day');
      const ev = d.evaluate(sim.points.slice(Math.max(0, op.pos - size + 1), op.pos + 1), ctx);
      const e = ev.evidence as any;
      const idx = dayIndex(op.period)!;
      const mean = sim.means[idx - start]!;
      const th = e.thresholds;
      const dir = op.direction;
      const arms: string[] = [];
      if (dir === 'up') {
        if (e.pooled ? e.pooled.z / th.pooled >= 1 : e.z / th.shewhart >= 1) arms.push(e.pooled ? 'pooled' : 'shewhart');
        if (e.cusumUp / th.cusum >= 1) arms.push('cusum');
      } else {
        if (e.pooled ? -e.pooled.z / th.pooled >= 1 : -e.z / th.shewhart >= 1) arms.push(e.pooled ? 'pooled' : 'shewhart');
        if (e.cusumDown / th.cusum >= 1) arms.push('cusum');
      }
      const prevMissing = !sim.points.some((p) => dayIndex(p.period) === idx - 1);
      const hol = builtInHolidays(op.period, country);
      const bias = (ev.expected ?? 0) / mean; // expectation / true mean
      inc(`${level} ${dir} ${arms.join('+')}`);
      inc(`wd${weekdayOf(idx)}`);
      if (prevMissing) inc('prevMissing');
      if (hol) inc('holiday');
      rows.push(`${level}\t${dir}\t${arms.join('+')}\twd${weekdayOf(idx)}\thol=${hol ? 1 : 0}\tprevMiss=${prevMissing ? 1 : 0}\tx=${ev.value}\te=${(ev.expected ?? 0).toFixed(1)}\tmu=${mean.toFixed(1)}\tbias=${bias.toFixed(2)}\tz=${e.z}\tcu=${e.cusumUp}\tcd=${e.cusumDown}\tsig=${e.sigma}\ttau=${e.sigmaBeyondCounting}`);
    }
  }
}
console.log(rows.join('\n'));
console.log([...tally].sort().map(([k, v]) => `${k}: ${v}`).join('\n'));
