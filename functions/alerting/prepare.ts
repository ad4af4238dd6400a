import type { Clock } from '../core/clock';
import type { Alert } from '../core/model';
import type { Store } from '../store/repository';
import { DEFAULT_COOLDOWN, cooldownKey, cooldownWindowStart, decideChannels, type CooldownPolicy } from './cooldown';

/** Pages of the alert feed read at most to find the recent alerts of one source (a handful per hour). */
const MAX_FEED_PAGES = 5;

/**
 * The alert with its flood-control decision (`channels`), read from the recent alerts in the store.
 * Call it just before `store.recordAlert`: the decision is recorded with the alert, so a publish
 * retried by a later run reaches the same subscriber classes.
 */
export async function applyCooldown(
  alert: Alert,
  deps: { store: Pick<Store, 'listAlerts'>; clock: Clock; cooldown?: CooldownPolicy },
): Promise<Alert> {
  const policy = deps.cooldown ?? DEFAULT_COOLDOWN;
  const now = deps.clock();
  if (cooldownKey(alert) === undefined) return { ...alert, channels: decideChannels(alert, [], now, policy) };
  const since = cooldownWindowStart(now, policy);
  const recent: Alert[] = [];
  if (alert.kind === 'announcement') {
    // Announcement alerts of one source: the feed since the window start, filtered (no per-source index).
    let cursor: string | undefined;
    for (let page = 0; page < MAX_FEED_PAGES; page++) {
      const result = await deps.store.listAlerts({ since, limit: 100, ...(cursor ? { cursor } : {}) });
      recent.push(...result.items.filter((other) => other.kind === 'announcement' && other.sourceId === alert.sourceId));
      cursor = result.cursor;
      if (!cursor) break;
    }
  } else {
    recent.push(...(await deps.store.listAlerts({ subject: alert.subject, since, limit: 100 })).items);
  }
  return { ...alert, channels: decideChannels(alert, recent, now, policy) };
}
