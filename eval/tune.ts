import { createDetector } from '../functions/detection/index';
import type { DetectorConfig } from '../functions/detection/config';
import { falseAlarmRate, judgeEvent, scoreSeries, summarize, yearsCovered } from './harness';
import { eventFreeSet, eventSet } from './run';

/**
 * Tuning aid (not part of the published evaluation): false alarms on the CALIBRATION set and recall
 * on a separate injected set (seeds disjoint from the ones `npm run eval` reports), per candidate.
 * Usage: npx tsx eval/tune.ts '[{"cusum":9},{"cusum":11}]'
 */
const candidates = JSON.parse(process.argv[2] ?? '[{}]') as Array<Record<string, unknown>>;
const seeds = Number(process.argv[3] ?? 6);
const free = eventFreeSet(100_000, seeds, [30, 300, 3000]);
const events = eventSet(900_000, Math.max(2, Math.round(seeds / 2)), [30, 300, 3000]);
for (const cand of candidates) {
  const d = createDetector({ type: 'seasonal-cusum', ...cand } as DetectorConfig);
  const fa = falseAlarmRate(
    free.map((s) => ({ scored: scoreSeries(d, s.points, { seriesId: 's', granularity: 'day', country: s.country }, s.from), years: yearsCovered(s.points[s.from]!.period, s.points.at(-1)!.period) })),
    1,
    2,
  );
  const out = events.map((e) => ({
    k: e.scenario,
    o: judgeEvent({ onsetPos: e.onsetPos, direction: e.direction, shape: e.shape, scored: scoreSeries(d, e.points, { seriesId: 'e', granularity: 'day', country: e.country }, e.spanFrom) }, 1, 2),
  }));
  const s = (k: string) => summarize(out.filter((x) => x.k === k).map((x) => x.o));
  const f = (x: number) => x.toFixed(2);
  const [a, b, c, dr] = [s('step2'), s('step15'), s('spike2'), s('drop05')];
  console.log(JSON.stringify(cand), `FA ${f(fa)} | x2 R1 ${f(a.recall1)} R7 ${f(a.recall7)} med ${a.medianDelay} | x1.5 R7 ${f(b.recall7)} med ${b.medianDelay} | spike2 ${f(c.recall7)} | drop R7 ${f(dr.recall7)} | falseOpen ${out.reduce((q, x) => q + x.o.falseOpenings, 0)}`);
}
