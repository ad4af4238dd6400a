import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../functions/core/clock';
import { CHART_COLOURS } from '../../functions/query/chart';
import { launchChromium, svgToPng, type Chromium } from '../../functions/query/cli/chromium';
import { startQueryServer, type QueryServer } from '../../functions/query/local-server';
import { freshStore } from '../support/dynamodb';
import { FINLAND_SERIES, seedFinland } from './fixtures';

// Runs in CI too (.ci/run installs Debian's chromium). A missing browser fails with
// ChromiumMissingError's message ("chromium not found at /usr/bin/chromium: install ..."), never skips.
let ctx: Awaited<ReturnType<typeof freshStore>>;
let server: QueryServer;
let browser: Chromium;
let page: Page;

beforeAll(async () => {
  ctx = await freshStore();
  await seedFinland(ctx.store);
  server = await startQueryServer({ store: ctx.store, clock: fixedClock('2022-09-30T12:00:00.000Z') });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.goto(`${server.url}/`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await ctx?.drop();
});

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

function pixels(png: Buffer) {
  const image = PNG.sync.read(png);
  const colours: Array<[number, number, number]> = [];
  for (let i = 0; i < image.data.length; i += 4) colours.push([image.data[i]!, image.data[i + 1]!, image.data[i + 2]!]);
  return colours;
}
const near = (a: [number, number, number], b: [number, number, number], tolerance = 40) => a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);

const chart = () => page.locator(`svg[data-series="${FINLAND_SERIES}"]`);

describe('dashboard in headless Chromium', () => {
  it('draws the plot: a good share of the plot area is not background', async () => {
    const box = await chart().locator('rect.plot-area').boundingBox();
    expect(box && box.width > 300 && box.height > 100).toBe(true);
    const shot = pixels(await page.screenshot({ clip: box! }));
    const drawn = shot.filter((p) => !near(p, rgb(CHART_COLOURS.background), 8)).length;
    expect(drawn / shot.length).toBeGreaterThan(0.05);
  });

  it('draws the line in its colour inside the plot area', async () => {
    const box = (await chart().locator('rect.plot-area').boundingBox())!;
    const shot = pixels(await page.screenshot({ clip: box }));
    expect(shot.filter((p) => near(p, rgb(CHART_COLOURS.line), 30)).length).toBeGreaterThan(200);
  });

  it('shows the alert marker in red, inside the plot area', async () => {
    const plot = (await chart().locator('rect.plot-area').boundingBox())!;
    const marker = chart().locator('g.alert-marker circle');
    const box = (await marker.boundingBox())!;
    expect(box.width).toBeGreaterThan(8);
    expect(box.x >= plot.x - box.width && box.x + box.width <= plot.x + plot.width + box.width).toBe(true);
    const shot = pixels(await page.screenshot({ clip: box }));
    expect(shot.filter((p) => near(p, rgb(CHART_COLOURS.alert))).length).toBeGreaterThan(box.width * box.height * 0.4);
  });

  it('renders the baseline band behind the figures', async () => {
    const band = (await chart().locator('polygon.baseline-band').boundingBox())!;
    expect(band.width).toBeGreaterThan(100);
    const shot = pixels(await page.screenshot({ clip: band }));
    expect(shot.filter((p) => near(p, rgb(CHART_COLOURS.band), 6)).length).toBeGreaterThan(500);
  });
});

describe('chart export to PNG', () => {
  it('renders the chart SVG to a PNG that shows the alert marker', async () => {
    const svg = await (await fetch(`${server.url}/series/${FINLAND_SERIES}/chart.svg`)).text();
    const png = await svgToPng(svg);
    const image = PNG.sync.read(png);
    expect([image.width, image.height]).toEqual([760, 260]);
    expect(pixels(png).filter((p) => near(p, rgb(CHART_COLOURS.alert))).length).toBeGreaterThan(50);
  });
});
