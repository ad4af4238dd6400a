import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../functions/core/clock';
import { makeRouter } from '../../functions/query/router';
import { freshStore } from '../support/dynamodb';
import { seedDailySeries } from './fixtures';

let ctx: Awaited<ReturnType<typeof freshStore>>;

beforeAll(async () => {
  ctx = await freshStore();
  await seedDailySeries(ctx.store, 'bench.daily', 365, '2025-12-31');
});
afterAll(async () => ctx.drop());

describe('a year of daily data', () => {
  it('comes back from the store in one Query page, without a limit (DynamoDB stops a page at 1 MB)', async () => {
    const page = await ctx.store.queryObservations('bench.daily', { from: '2025-01-01', to: '2025-12-31' });
    expect(page.items).toHaveLength(365);
    expect(page.cursor).toBeUndefined();
  });

  it('is well under 1 MB: under 200 KB even as JSON', async () => {
    const page = await ctx.store.queryObservations('bench.daily', { from: '2025-01-01', to: '2025-12-31' });
    expect(Buffer.byteLength(JSON.stringify(page.items))).toBeLessThan(200_000);
  });

  it('is one page of the series endpoint with its default limit', async () => {
    const route = makeRouter({ store: ctx.store, clock: fixedClock('2026-01-01T00:00:00.000Z') });
    const response = await route({ method: 'GET', path: '/series/bench.daily/observations', query: { from: '2025', to: '2025' }, baseUrl: 'http://localhost' });
    const body = JSON.parse(response.body) as { items: unknown[]; cursor?: string };
    expect(body.items).toHaveLength(365);
    expect(body.cursor).toBeUndefined();
  });
});
