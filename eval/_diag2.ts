import { createDetector } from '../functions/detection/index';
import { simulate } from './simulate';
import { scoreSeries, openings } from './harness';
const args = JSON.parse(process.argv[2] ?? '{}');
const d = createDetector({ type: 'seasonal-cusum', ...args });
const counts: Record<string, number> = {};
let years = 0;
for (const level of [30, 300, 3000]) for (let i = 0; i < 8; i++) {
  const country = (['FI','PL','US'] as const)[i%3]!;
  const sim = simulate({ level, days: 820, start: '2021-03-01', country, seed: 9000 + level + i });
  const ctx = { seriesId: 'x', granularity: 'day' as const, country };
  const sc = scoreSeries(d, sim.points, ctx, 90);
  if (level === 30) years += 730/365.25;
  for (const o of openings(sc, 1, 2)) {
    const pos = o.pos;
    const e = d.evaluate(sim.points.slice(Math.max(0, pos - 72), pos + 1), ctx);
    const ev = e.evidence as any;
    const arm = (o.direction==='up'? Math.abs(ev.z)/ (args.shewhart??4.5) > ev.cusumUp/(args.cusum??10) : Math.abs(ev.z)/(args.shewhart??4.5) > ev.cusumDown/(args.cusum??10)) ? 'shew' : 'cusum';
    const k = `${level} ${o.direction} ${ev.pooled ? 'pooled?' : arm}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
}
console.log(years, Object.entries(counts).sort().map(([k,v])=>`${k}: ${(v/years).toFixed(2)}/yr`).join('\n'));
