import { createDetector } from '../functions/detection/index';
import { simulate } from './simulate';
import { sd, robustSd, mean } from '../functions/detection/stats';
const d = createDetector({ type: 'seasonal-cusum' });
for (const level of [30, 300, 3000]) {
  const zs: number[] = [], rs: number[] = [], sig: number[] = [];
  for (let i = 0; i < 4; i++) {
    const sim = simulate({ level, days: 500, start: '2021-03-01', country: 'FI', seed: 9100 + level + i });
    for (let pos = 90; pos < sim.points.length; pos++) {
      const e = d.evaluate(sim.points.slice(Math.max(0, pos - 72), pos + 1), { seriesId: 'x', granularity: 'day', country: 'FI' });
      const ev = e.evidence as any; if (e.status === 'insufficient-history' || ev.holiday) continue;
      zs.push(ev.z); rs.push(ev.deviation); sig.push(ev.sigma);
    }
  }
  console.log(level, 'sd z', sd(zs).toFixed(2), 'mad z', robustSd(zs).toFixed(2), 'mean z', mean(zs).toFixed(3), 'sd r', sd(rs).toFixed(3), 'mad r', robustSd(rs).toFixed(3), 'mean sigma', mean(sig).toFixed(3), 'P(z<-3)', (zs.filter(z=>z<-3).length/zs.length).toFixed(4), 'P(z>3)', (zs.filter(z=>z>3).length/zs.length).toFixed(4));
}
