/**
 * Being a good guest on official sites: at most a few requests at a time per host, spaced out,
 * and robots.txt respected. Plus the bounded-concurrency helper the pipeline runs sources with.
 */

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

interface HostState {
  active: number;
  waiting: Array<() => void>;
  nextStartAt: number;
  spacingMs?: number;
}

export interface HostLimiterOptions {
  /** Requests in flight at once to one host. */
  maxPerHost: number;
  /** Least time between the starts of two requests to one host. */
  minSpacingMs: number;
  sleep?: Sleep;
  now?: () => number;
}

/**
 * Per-host concurrency and spacing. `run(host, task)` waits for a slot on the host, then for the
 * spacing since the previous start, then runs the task. Hosts do not wait for each other.
 */
export class HostLimiter {
  private readonly hosts = new Map<string, HostState>();
  private readonly sleep: Sleep;
  private readonly now: () => number;

  constructor(private readonly options: HostLimiterOptions) {
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
  }

  /** A longer spacing for one host (from its robots.txt Crawl-delay). Never shorter than the default. */
  setSpacing(host: string, spacingMs: number): void {
    this.state(host).spacingMs = Math.max(spacingMs, this.options.minSpacingMs);
  }

  /** Requests in flight to a host right now (for tests and metrics). */
  active(host: string): number {
    return this.hosts.get(host)?.active ?? 0;
  }

  async run<T>(host: string, task: () => Promise<T>): Promise<T> {
    const state = this.state(host);
    if (state.active >= this.options.maxPerHost) {
      await new Promise<void>((resolve) => state.waiting.push(resolve));
    } else {
      state.active++;
    }
    try {
      const now = this.now();
      const startAt = Math.max(now, state.nextStartAt);
      state.nextStartAt = startAt + (state.spacingMs ?? this.options.minSpacingMs);
      if (startAt > now) await this.sleep(startAt - now);
      return await task();
    } finally {
      const next = state.waiting.shift();
      // The slot passes straight to the next waiter; otherwise it is freed.
      if (next) next();
      else state.active--;
      if (state.active === 0 && state.waiting.length === 0 && state.nextStartAt <= this.now() && state.spacingMs === undefined) {
        this.hosts.delete(host);
      }
    }
  }

  private state(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { active: 0, waiting: [], nextStartAt: 0 };
      this.hosts.set(host, state);
    }
    return state;
  }
}

export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Runs `worker` over `items` with at most `concurrency` at once and never stops early: one item's
 * failure is recorded in its slot of the result, in input order, and the others go on.
 */
export async function runBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<Array<Settled<R>>> {
  const results: Array<Settled<R>> = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { ok: true, value: await worker(items[index]!, index) };
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
  });
  await Promise.all(lanes);
  return results;
}

/* ------------------------------------------------------------------------------------------------
 * robots.txt (RFC 9309): groups by user agent, Allow/Disallow with * and $, longest match wins,
 * Allow wins a tie; Crawl-delay (not in the RFC, widely used) is honoured as per-host spacing.
 * ------------------------------------------------------------------------------------------------ */

interface RobotsRule {
  allow: boolean;
  pattern: string;
  regex: RegExp;
}

export interface RobotsRules {
  rules: RobotsRule[];
  crawlDelayMs?: number;
}

export const ALLOW_ALL: RobotsRules = { rules: [] };
export const DISALLOW_ALL: RobotsRules = { rules: [{ allow: false, pattern: '/', regex: /^\// }] };

function patternRegex(pattern: string): RegExp {
  const anchored = pattern.endsWith('$');
  const body = (anchored ? pattern.slice(0, -1) : pattern)
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}${anchored ? '$' : ''}`);
}

/** Normalizes percent-encoding so "/a%2fb" and "/a%2Fb" compare the same. */
function normalizePath(path: string): string {
  return path.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());
}

/** Parses robots.txt and keeps the group for `productToken` (e.g. "borderwatch"), else the "*" group. */
export function parseRobots(text: string, productToken: string): RobotsRules {
  type Group = { agents: string[]; rules: RobotsRule[]; crawlDelayMs?: number };
  const groups: Group[] = [];
  let current: Group | undefined;
  let lastWasAgent = false;
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/#.*$/, '').trim();
    const m = line.match(/^([A-Za-z-]+)\s*:\s*(.*)$/);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'user-agent') {
      if (!current || !lastWasAgent) {
        current = { agents: [], rules: [] };
        groups.push(current);
      }
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (!current) continue;
    if (key === 'allow' || key === 'disallow') {
      // "Disallow:" with no path allows everything: it adds no rule.
      if (value === '') continue;
      const pattern = normalizePath(value);
      current.rules.push({ allow: key === 'allow', pattern, regex: patternRegex(pattern) });
    } else if (key === 'crawl-delay') {
      const seconds = Number(value);
      if (Number.isFinite(seconds) && seconds >= 0) current.crawlDelayMs = seconds * 1000;
    }
  }
  const token = productToken.toLowerCase();
  const mine = groups.filter((group) => group.agents.some((agent) => agent !== '*' && token.includes(agent)));
  const chosen = mine.length > 0 ? mine : groups.filter((group) => group.agents.includes('*'));
  const crawlDelays = chosen.map((group) => group.crawlDelayMs).filter((ms): ms is number => ms !== undefined);
  return {
    rules: chosen.flatMap((group) => group.rules),
    ...(crawlDelays.length > 0 ? { crawlDelayMs: Math.max(...crawlDelays) } : {}),
  };
}

/** May a path (with its query) be fetched under these rules? */
export function robotsAllows(rules: RobotsRules, pathAndQuery: string): boolean {
  const path = normalizePath(pathAndQuery || '/');
  if (path === '/robots.txt') return true;
  let best: RobotsRule | undefined;
  for (const rule of rules.rules) {
    if (!rule.regex.test(path)) continue;
    if (!best || rule.pattern.length > best.pattern.length || (rule.pattern.length === best.pattern.length && rule.allow)) best = rule;
  }
  return best?.allow ?? true;
}

/** What fetching robots.txt gave: rules to keep for a while, or an answer to not cache. */
export interface RobotsFetchResult {
  rules: RobotsRules;
  /** How long the answer may be reused. */
  ttlMs: number;
}

/**
 * robots.txt per origin, cached. Loading is the fetcher's (it goes through the same address policy,
 * timeouts and size cap); concurrent requests for one origin share one load.
 */
export class RobotsCache {
  private readonly entries = new Map<string, { expiresAt: number; rules: Promise<RobotsRules> }>();

  constructor(
    private readonly load: (origin: string) => Promise<RobotsFetchResult>,
    private readonly now: () => number = Date.now,
  ) {}

  async rulesFor(origin: string): Promise<RobotsRules> {
    const cached = this.entries.get(origin);
    if (cached && cached.expiresAt > this.now()) return cached.rules;
    const entry = { expiresAt: Number.POSITIVE_INFINITY, rules: Promise.resolve(ALLOW_ALL) };
    entry.rules = this.load(origin).then((result) => {
      entry.expiresAt = this.now() + result.ttlMs;
      return result.rules;
    });
    this.entries.set(origin, entry);
    try {
      return await entry.rules;
    } catch (error) {
      // A failed load is not cached: the next fetch asks again.
      if (this.entries.get(origin) === entry) this.entries.delete(origin);
      throw error;
    }
  }
}
