import { simulate } from './simulate';
import { dayIndex } from '../functions/detection/periods';
import { robustSd, sd } from '../functions/detection/stats';
for (let i = 0; i < 6; i++) {
  const sim = simulate({ level: 300, days: 820, start: '2021-03-01', country: 'US', seed: 9300 + i });
  const r = sim.points.map((p) => Math.log(p.value / sim.means[dayIndex(p.period)! - sim.startIndex]!));
  const sorted = [...r].sort((a,b)=>a-b);
  console.log(i, 'sd', sd(r).toFixed(3), 'mad', robustSd(r).toFixed(3), 'min', sorted.slice(0,5).map(x=>x.toFixed(2)).join(','), 'max', sorted.slice(-8).map(x=>x.toFixed(2)).join(','));
}
