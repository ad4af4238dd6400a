import { createDetector } from '../functions/detection/index';
import { simulate } from './simulate';
import { dayIndex, weekdayOf } from '../functions/detection/periods';
import { builtInHolidays } from '../functions/detection/holidays';
const d = createDetector({ type: "seasonal-cusum", cusum: 7 });
let n = 0;
for (const level of [30, 300, 3000]) for (let i = 0; i < 4; i++) {
  const country = (['FI','PL','US'] as const)[i%3]!;
  const sim = simulate({ level, days: 820, start: '2021-03-01', country, seed: 7000 + level + i });
  let prev = false;
  for (let pos = 90; pos < sim.points.length; pos++) {
    const e = d.evaluate(sim.points.slice(Math.max(0, pos - 72), pos + 1), { seriesId: 'x', granularity: 'day', country });
    const an = e.status === 'anomaly';
    if (an && !prev && n++ < 30) {
      const ev = e.evidence as any;
      const idx = dayIndex(e.period)!;
      const prevDays = sim.points.slice(pos-3,pos).map(p=>`${p.period.slice(5)}:${p.value}`).join(' ');
      console.log(level, country, e.period, 'wd', weekdayOf(idx), 'hol', builtInHolidays(e.period, country), e.direction, 'v', e.value, 'exp', e.expected?.toFixed(0), 'z', ev.z, 'sig', ev.sigma, 'cu', ev.cusumUp, ev.cusumDown, 'rr', ev.runRatioUp, ev.runRatioDown, ev.method, 'net', ev.netted, '|', prevDays);
    }
    prev = an;
  }
}
