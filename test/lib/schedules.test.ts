import { describe, expect, it } from 'vitest';
import { loadSourcesFile } from '../../functions/sources/config';
import { groupSourcesBySchedule, scheduleConstructId } from '../../lib/schedules';
import { FIXTURE_SOURCES } from './helpers';

describe('grouping sources into schedules', () => {
  const sources = loadSourcesFile(FIXTURE_SOURCES);

  it('creates one schedule per distinct expression of the enabled sources, sources in file order', () => {
    expect(groupSourcesBySchedule(sources)).toEqual([
      { expression: 'cron(0 9 * * ? *)', sourceIds: ['no-demo-news'] },
      { expression: 'rate(1 hour)', sourceIds: ['fi-demo', 'ee-demo'] },
    ]);
  });

  it('leaves out disabled sources, and their schedule when no enabled source shares it', () => {
    const ids = groupSourcesBySchedule(sources).flatMap((schedule) => schedule.sourceIds);
    expect(ids).not.toContain('lv-paused');
    expect(groupSourcesBySchedule(sources).map((s) => s.expression)).not.toContain('cron(0/15 * * * ? *)');
  });

  it('creates no schedules when every source is disabled', () => {
    expect(groupSourcesBySchedule(sources.map((source) => ({ ...source, enabled: false })))).toEqual([]);
  });
});

describe('schedule construct ids', () => {
  it('keeps expressions apart that differ only in characters ids drop', () => {
    expect(scheduleConstructId('cron(0 9 * * ? *)')).not.toBe(scheduleConstructId('cron(0 9 ? * * *)'));
  });

  it('is stable and contains no path separator', () => {
    const id = scheduleConstructId('cron(0/15 * * * ? *)');
    expect(id).toBe(scheduleConstructId('cron(0/15 * * * ? *)'));
    expect(id).toMatch(/^Schedule-cron-0-15-[0-9a-f]{8}$/);
  });
});
