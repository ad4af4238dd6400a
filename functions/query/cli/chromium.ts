import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

/** Debian's chromium package; override with BORDERWATCH_CHROMIUM. playwright-core never downloads a browser here. */
export const CHROMIUM_PATH = process.env.BORDERWATCH_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export class ChromiumMissingError extends Error {
  constructor(path: string) {
    super(`chromium not found at ${path}: install Debian's package (apt-get install -y chromium) or set BORDERWATCH_CHROMIUM to a Chromium binary`);
    this.name = 'ChromiumMissingError';
  }
}

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile directory that is removed on close. */
export async function launchChromium(path = CHROMIUM_PATH): Promise<Chromium> {
  if (!existsSync(path)) throw new ChromiumMissingError(path);
  const { chromium } = await import('playwright-core');
  const userDataDir = await mkdtemp(join(tmpdir(), 'borderwatch-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: path, headless: true, args: CHROMIUM_ARGS, viewport: { width: 900, height: 700 } });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Renders an SVG document to PNG in headless Chromium, at its own size. */
export async function svgToPng(svg: string, path = CHROMIUM_PATH): Promise<Buffer> {
  const browser = await launchChromium(path);
  try {
    const page = await browser.context.newPage();
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
    return await page.locator('svg').first().screenshot({ type: 'png' });
  } finally {
    await browser.close();
  }
}

