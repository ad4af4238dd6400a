import { seasonalCusum } from '../functions/detection/seasonal-cusum';
import { builtInHolidays } from '../functions/detection/holidays';
import { dayIndex, weekdayOf } from '../functions/detection/periods';
import { judgeEvent, scoreSeries } from './harness';
import { eventSet } from './run';
const opts = JSON.parse(process.argv[2] ?? '{}');
const scen = process.argv[3] ?? 'step2';
const d = seasonalCusum(opts);
const events = eventSet(900_000, 20, [30, 300, 3000]).filter((e) => e.scenario === scen);
for (const e of events) {
  const ctx = { seriesId: 'e', granularity: 'day' as const, country: e.country };
  const scored = scoreSeries(d, e.points, ctx, e.spanFrom);
  const o = judgeEvent({ onsetPos: e.onsetPos, direction: e.direction, shape: e.shape, scored }, 1, 2);
  if (o.delay !== undefined && o.delay <= 1 && scen === 'step2') continue;
  if (o.delay !== undefined && scen !== 'step2') continue;
  const size = d.windowSize('day');
  const parts: string[] = [];
  for (let k = 0; k < (scen === 'step2' ? 2 : 7); k++) {
    const pos = e.onsetPos + k;
    if (pos >= e.points.length) break;
    const ev = d.evaluate(e.points.slice(Math.max(0, pos - size + 1), pos + 1), ctx);
    const x = ev.evidence as any;
    const p = e.points[pos]!;
    const di = dayIndex(p.period)!;
    parts.push(`[${p.period.slice(5)} wd${weekdayOf(di)}${builtInHolidays(p.period, e.country) ? 'H' : ''} x=${p.value} e=${ev.expected?.toFixed(0)} z=${x.z} cu=${x.cusumUp} rr=${x.runRatioUp} sig=${x.sigma} tau=${x.sigmaBeyondCounting}${x.netted !== undefined ? ' net=' + x.netted : ''}]`);
  }
  console.log(`${e.level} ${e.weekend ? 'we' : 'wd'} delay=${o.delay} ${parts.join(' ')}`);
}
