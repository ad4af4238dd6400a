import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDemo, SAN_YSIDRO_RELATIVE, type DemoReport } from '../../local/demo';

const dataDir = resolve(process.env.BORDERWATCH_DATA ?? '../shared/data');
const haveSharedData = existsSync(join(dataDir, SAN_YSIDRO_RELATIVE));
let report: DemoReport;
const printed: string[] = [];

beforeAll(async () => {
  process.env.BORDERWATCH_HOME = join(process.env.TMPDIR ?? '/tmp', `bw-demo-${process.pid}`);
  report = await runDemo({ dataDir, print: (t) => printed.push(t) });
}, 120_000);

describe('npm run demo', () => {
  it('replays the Southeast Finland figures one reporting day at a time', () => {
    expect(report.finland.map((d) => d.day)).toEqual(['2022-09-14', '2022-09-15', '2022-09-19', '2022-09-20', '2022-09-21', '2022-09-22', '2022-09-23', '2022-09-24', '2022-09-26']);
    expect(report.finland.every((d) => d.result.outcome === 'ok')).toBe(true);
  });

  it('raises the surge alert on 2022-09-21 or 2022-09-22 and none before', () => {
    const finnishAlerts = report.alerts.filter((a) => a.subject.id === 'fi.southeast.russians-entering');
    expect(finnishAlerts).toHaveLength(1);
    expect(finnishAlerts[0]!.kind).toBe('surge');
    expect(['2022-09-21', '2022-09-22']).toContain(finnishAlerts[0]!.period);
    const firstAlertDay = report.finland.find((d) => d.result.alerts.length > 0)!.day;
    expect(firstAlertDay >= '2022-09-21').toBe(true);
  });

  it('prints the alert it raises', () => {
    expect(printed.join('\n')).toMatch(/ALERT .*Surge: Russians entering Finland/);
  });

  // The San Ysidro file comes from another public repository: it is read in place, never shipped.
  it(`replays San Ysidro in place when the shared data is present (${haveSharedData ? 'present' : 'absent'}), showing the 2020 collapse as a drop`, () => {
    if (!haveSharedData) {
      expect(report.sanYsidroSkipped).toMatch(/skipped the San Ysidro replay/);
      return;
    }
    const drops = report.alerts.filter((a) => a.kind === 'drop' && a.subject.id.startsWith('us.san-ysidro'));
    expect(drops.length).toBeGreaterThan(0);
    expect(drops.every((a) => a.period! >= '2020-03' && a.period! <= '2020-04')).toBe(true);
    const before = report.alerts.filter((a) => a.subject.id.startsWith('us.san-ysidro') && a.period! < '2020-03');
    expect(before).toEqual([]);
  });
});
