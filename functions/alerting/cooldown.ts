import type { Alert, Channel, Severity } from '../core/model';

/**
 * Flood control. An alert always goes to machine subscribers (HTTPS, SQS, Lambda) and is always
 * recorded; what cooldown decides is whether people are interrupted again: per subscriber class
 * (`sms`, `email`) and per subject, at most one alert in `hours` unless it is more severe than every
 * one they already got in that time (or is of another kind: a drop after a surge is news).
 *
 * The subject of a cooldown is the series for series alerts, and the source for announcements (ten
 * press releases about the same closure in one afternoon are one SMS, then emails). Source-health
 * alerts are already one per failure streak and are not held back.
 *
 * The decision is stored on the alert (`channels`) before it is recorded, and published as the
 * `channels` message attribute; the stack's SMS and email subscriptions filter on it.
 */
export interface CooldownPolicy {
  /** Hours during which a class gets no second alert about the same subject; 0 = no cooldown. */
  hours: Record<Channel, number>;
}

export const DEFAULT_COOLDOWN: CooldownPolicy = { hours: { sms: 6, email: 0 } };

export const ALL_CHANNELS: readonly Channel[] = ['email', 'sms'];

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** What cooldown compares an alert with: the subject's alerts, or for announcements the source's. */
export function cooldownKey(alert: Pick<Alert, 'kind' | 'subject' | 'sourceId'>): string | undefined {
  if (alert.kind === 'source-health') return undefined;
  if (alert.kind === 'announcement') return `announcements-of:${alert.sourceId}`;
  return `${alert.subject.type}:${alert.subject.id}`;
}

/** How far back `decideChannels` needs to see recent alerts. */
export function cooldownWindowStart(now: Date, policy: CooldownPolicy = DEFAULT_COOLDOWN): string {
  const hours = Math.max(0, ...Object.values(policy.hours));
  return new Date(now.getTime() - hours * 3_600_000).toISOString();
}

/**
 * The subscriber classes an alert goes to, given the recent alerts (any order; others are ignored):
 * a class is held back when, within its cooldown, an alert with the same cooldown key went to it with
 * the same kind and at least the same severity. Pure.
 */
export function decideChannels(
  alert: Pick<Alert, 'alertId' | 'kind' | 'subject' | 'sourceId' | 'severity'>,
  recent: ReadonlyArray<Pick<Alert, 'alertId' | 'kind' | 'subject' | 'sourceId' | 'severity' | 'createdAt' | 'channels'>>,
  now: Date,
  policy: CooldownPolicy = DEFAULT_COOLDOWN,
): Channel[] {
  const key = cooldownKey(alert);
  if (key === undefined) return [...ALL_CHANNELS];
  const related = recent.filter((other) => other.alertId !== alert.alertId && cooldownKey(other) === key && other.kind === alert.kind);
  return ALL_CHANNELS.filter((channel) => {
    const hours = policy.hours[channel];
    if (!(hours > 0)) return true;
    const since = now.getTime() - hours * 3_600_000;
    const heldBy = related.find(
      (other) =>
        Date.parse(other.createdAt) > since &&
        (other.channels ?? ALL_CHANNELS).includes(channel) &&
        RANK[other.severity] >= RANK[alert.severity],
    );
    return heldBy === undefined;
  });
}
