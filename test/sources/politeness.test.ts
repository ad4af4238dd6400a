import { describe, expect, it } from 'vitest';
import { HostLimiter, RobotsCache, parseRobots, robotsAllows, runBounded } from '../../functions/sources/politeness';

describe('robots.txt', () => {
  const text = [
    'User-agent: *',
    'Disallow: /search',
    'Disallow: /*.pdf$',
    'Allow: /search/public',
    '',
    'User-agent: BadBot',
    'User-agent: borderwatch',
    'Disallow: /private',
    'Crawl-delay: 5',
  ].join('\n');

  it('uses the group naming our product token rather than the "*" group', () => {
    const rules = parseRobots(text, 'borderwatch');
    expect(robotsAllows(rules, '/search?q=1')).toBe(true);
    expect(robotsAllows(rules, '/private/x')).toBe(false);
  });

  it('reads Crawl-delay in milliseconds', () => {
    expect(parseRobots(text, 'borderwatch').crawlDelayMs).toBe(5000);
  });

  it('falls back to the "*" group, where the longest matching rule wins', () => {
    const rules = parseRobots(text, 'someoneelse');
    expect(robotsAllows(rules, '/search/results')).toBe(false);
    expect(robotsAllows(rules, '/search/public/list')).toBe(true);
  });

  it('honours wildcards and end anchors', () => {
    const rules = parseRobots(text, 'someoneelse');
    expect(robotsAllows(rules, '/files/report.pdf')).toBe(false);
    expect(robotsAllows(rules, '/files/report.pdf?download=1')).toBe(true);
  });

  it('reads an empty Disallow as allowing everything', () => {
    expect(robotsAllows(parseRobots('User-agent: *\nDisallow:\n', 'borderwatch'), '/anything')).toBe(true);
  });

  it('caches an origin’s rules and loads them once for concurrent callers', async () => {
    let loads = 0;
    const cache = new RobotsCache(async () => {
      loads++;
      return { rules: parseRobots('', 'borderwatch'), ttlMs: 60_000 };
    });
    await Promise.all([cache.rulesFor('https://raja.fi'), cache.rulesFor('https://raja.fi')]);
    await cache.rulesFor('https://raja.fi');
    expect(loads).toBe(1);
  });

  it('loads the rules again once they expire', async () => {
    let now = 0;
    let loads = 0;
    const cache = new RobotsCache(async () => {
      loads++;
      return { rules: parseRobots('', 'borderwatch'), ttlMs: 1000 };
    }, () => now);
    await cache.rulesFor('https://raja.fi');
    now = 1001;
    await cache.rulesFor('https://raja.fi');
    expect(loads).toBe(2);
  });
});

describe('per-host limiter', () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('keeps at most maxPerHost requests in flight to one host', async () => {
    const limiter = new HostLimiter({ maxPerHost: 2, minSpacingMs: 0 });
    let peak = 0;
    const task = async () => {
      peak = Math.max(peak, limiter.active('raja.fi'));
      await tick();
    };
    await Promise.all(Array.from({ length: 6 }, () => limiter.run('raja.fi', task)));
    expect(peak).toBe(2);
  });

  it('does not make one host wait for another', async () => {
    const limiter = new HostLimiter({ maxPerHost: 1, minSpacingMs: 0 });
    let release!: () => void;
    const slow = limiter.run('slow.example', () => new Promise<void>((resolve) => (release = resolve)));
    await limiter.run('fast.example', async () => undefined);
    release();
    await slow;
  });

  it('spaces the starts of requests to one host', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new HostLimiter({
      maxPerHost: 5,
      minSpacingMs: 1000,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await Promise.all([1, 2, 3].map(() => limiter.run('raja.fi', async () => undefined)));
    expect(waits).toEqual([1000, 2000]);
  });
});

describe('bounded concurrency', () => {
  it('runs every item even when some fail, keeping results in input order', async () => {
    const results = await runBounded([1, 2, 3, 4], 2, async (n) => {
      if (n === 2) throw new Error('source 2 is down');
      return n * 10;
    });
    expect(results).toEqual([
      { ok: true, value: 10 },
      { ok: false, error: new Error('source 2 is down') },
      { ok: true, value: 30 },
      { ok: true, value: 40 },
    ]);
  });

  it('never runs more than the bound at once', async () => {
    let active = 0;
    let peak = 0;
    await runBounded(Array.from({ length: 20 }, (_, i) => i), 3, async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setImmediate(resolve));
      active--;
    });
    expect(peak).toBe(3);
  });
});
