import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { announcementAlert } from '../../functions/alerting/announcement-alert';
import { recordAlerts } from '../../functions/alerting/record';
import { seriesAlert } from '../../functions/alerting/series-alert';
import { freshStore } from '../support/dynamodb';
import { fixedClock } from '../support/pipeline';
import { entryRestriction, septemberSurge } from './sept-2022';

let ctx: Awaited<ReturnType<typeof freshStore>>;
let clock: ReturnType<typeof fixedClock>;
beforeEach(async () => {
  ctx = await freshStore();
  clock = fixedClock('2022-09-23T06:15:02.000Z');
});
afterEach(async () => ctx.drop());

const escalation = (createdAt: string) =>
  seriesAlert({
    ...septemberSurge,
    createdAt,
    event: { ...septemberSurge.event, type: 'escalated', evaluation: { ...septemberSurge.event.evaluation, period: '2022-09-23', value: 7000, severity: 'warning' } },
  });

describe('recording alerts before publishing', () => {
  it('records a new alert with its flood-control decision and returns it for delivery', async () => {
    const [recorded] = await recordAlerts([seriesAlert(septemberSurge)], { store: ctx.store, clock });
    expect(recorded!.channels).toEqual(['email', 'sms']);
    expect(await ctx.store.getAlert(recorded!.alertId)).toMatchObject({ state: 'pending', channels: ['email', 'sms'] });
  });

  it('returns nothing for an alert recorded before, and leaves its decision as it was', async () => {
    await recordAlerts([seriesAlert(septemberSurge)], { store: ctx.store, clock });
    clock.set('2022-09-23T07:15:00.000Z');
    expect(await recordAlerts([seriesAlert({ ...septemberSurge, createdAt: '2022-09-23T07:15:00.000Z' })], { store: ctx.store, clock })).toEqual([]);
    expect((await ctx.store.listAlerts()).items).toHaveLength(1);
  });

  it('holds a second alert about the same series back from SMS within the cooldown, as read from the store', async () => {
    await recordAlerts([seriesAlert(septemberSurge)], { store: ctx.store, clock });
    clock.set('2022-09-23T09:00:00.000Z');
    const [second] = await recordAlerts([escalation('2022-09-23T09:00:00.000Z')], { store: ctx.store, clock });
    expect(second!.channels).toEqual(['email']);
    expect(await ctx.store.getAlert(second!.alertId)).toMatchObject({ channels: ['email'] });
  });

  it('holds a second announcement of the same source back from SMS within the cooldown', async () => {
    clock.set('2022-09-29T12:15:01.000Z');
    await recordAlerts([announcementAlert(entryRestriction)!], { store: ctx.store, clock });
    clock.set('2022-09-29T13:15:01.000Z');
    const next = announcementAlert({
      ...entryRestriction,
      createdAt: '2022-09-29T13:15:01.000Z',
      announcement: { ...entryRestriction.announcement, announcementId: 'another', title: 'Rajanylityspaikkojen rajoitukset' },
    })!;
    const [second] = await recordAlerts([next], { store: ctx.store, clock });
    expect(second!.channels).toEqual(['email']);
  });
});
