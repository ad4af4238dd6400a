import { createDetector } from '../functions/detection/index';
import { simulate } from './simulate';
import { dayIndex } from '../functions/detection/periods';
const d = createDetector({ type: 'seasonal-cusum' });
let n=0;
for (let i = 0; i < 4; i++) {
  const sim = simulate({ level: 3000, days: 500, start: '2021-03-01', country: 'FI', seed: 9100 + 3000 + i });
  for (let pos = 90; pos < sim.points.length; pos++) {
    const e = d.evaluate(sim.points.slice(Math.max(0, pos - 72), pos + 1), { seriesId: 'x', granularity: 'day', country: 'FI' });
    const ev = e.evidence as any; if (e.status === 'insufficient-history' || ev.holiday) continue;
    if (Math.abs(ev.z) > 3.2 && n++ < 12) {
      const idx = dayIndex(e.period)! - sim.startIndex;
      const base = (ev.baseline as string[]).map(p => { const j = dayIndex(p)! - sim.startIndex; return `${sim.points.find(q=>q.period===p)!.value}/${sim.means[j]!.toFixed(0)}`; });
      console.log(e.period, 'v', e.value, 'mean', sim.means[idx]!.toFixed(0), 'exp', e.expected, 'z', ev.z, 'sig', ev.sigma, 'base', base.join(' '), ev.method, ev.netted, "prev", sim.points.slice(pos-2,pos).map(p=>p.period.slice(5)+":"+p.value).join(" "));
    }
  }
}
