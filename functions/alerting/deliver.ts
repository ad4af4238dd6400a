import type { Clock } from '../core/clock';
import type { Alert } from '../core/model';
import type { Store } from '../store/repository';
import type { Notifier } from './notifier';

/**
 * How long a run may hold an alert it is publishing before another run may try. Far longer than a
 * publish with all its retries (seconds), far shorter than the time between runs.
 */
/** The result of a delivery another run is doing (or did): not a failure. */
export const CLAIMED_ELSEWHERE = 'claimed by another run or already published';

export const LEASE_MS = 5 * 60_000;

/** Tries to mark a published alert as published (a DynamoDB write) before giving up. */
const MARK_ATTEMPTS = 3;

export interface DeliveryResult {
  alertId: string;
  published: boolean;
  messageId?: string;
  error?: string;
}

type DeliveryStore = Pick<Store, 'claimAlert' | 'markAlertPublished' | 'markAlertAttemptFailed' | 'listPendingAlerts'>;

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Publishes an alert that is recorded as pending, exactly once as far as the store can tell:
 *
 * 1. claim it with a lease (conditional update: pending and not leased), so of two overlapping runs
 *    only one publishes it;
 * 2. publish (the notifier retries retryable failures);
 * 3. mark it published with the channel's message id (conditional on pending).
 *
 * A failed publish releases the lease and counts the attempt: the alert stays pending and a later run
 * publishes it. If SNS accepted the message but marking it fails, the lease is kept (not released),
 * so no run publishes it again before the lease expires; only a failure that outlasts the lease can
 * publish it twice. That window, between SNS accepting and one DynamoDB write, is the one a publish
 * without a transaction across SNS and DynamoDB cannot close (SNS standard topics do not deduplicate).
 */
export async function deliver(alert: Alert, deps: { store: DeliveryStore; notifier: Notifier; clock: Clock }): Promise<DeliveryResult> {
  const now = deps.clock();
  const leaseUntil = new Date(now.getTime() + LEASE_MS).toISOString();
  if (!(await deps.store.claimAlert(alert.alertId, now.toISOString(), leaseUntil))) {
    // Another run holds it, or it was published already: publishing here would duplicate it.
    return { alertId: alert.alertId, published: false, error: CLAIMED_ELSEWHERE };
  }
  let messageId: string;
  try {
    ({ messageId } = await deps.notifier.publish(alert));
  } catch (error) {
    const message = describe(error);
    await deps.store.markAlertAttemptFailed(alert.alertId, message);
    return { alertId: alert.alertId, published: false, error: message };
  }
  let lastError: unknown;
  for (let attempt = 1; attempt <= MARK_ATTEMPTS; attempt++) {
    try {
      const marked = await deps.store.markAlertPublished(alert.alertId, messageId, deps.clock().toISOString());
      return marked
        ? { alertId: alert.alertId, published: true, messageId }
        : { alertId: alert.alertId, published: true, messageId, error: 'published, but another run had marked it published already' };
    } catch (error) {
      lastError = error;
    }
  }
  // Published but not marked: keep the lease so no other run publishes it again while it holds.
  return { alertId: alert.alertId, published: true, messageId, error: `published, but not marked published: ${describe(lastError)}` };
}

/** Pending alerts a sweep reads to choose from: small items on a sparse index, so reading many is cheap. */
export const SWEEP_MAX_READ = 1000;
/** Alerts a sweep tries at most: at ~50 ms a publish, well inside the publish function's minute. */
export const SWEEP_MAX_PUBLISHES = 300;

/**
 * The order a sweep tries pending alerts in: fewest failed attempts first, then oldest. An alert SNS
 * keeps refusing sinks to the back, so it can never keep newer alerts from being published (it stays
 * pending, and the PendingAlertsOld alarm names the problem).
 */
export function sweepOrder(pending: readonly Alert[]): Alert[] {
  return [...pending].sort((a, b) => (a.attempts ?? 0) - (b.attempts ?? 0) || a.createdAt.localeCompare(b.createdAt));
}

/**
 * Publishes alerts left pending by an earlier run (a crash or a failed publish), in `sweepOrder`, at
 * most SWEEP_MAX_PUBLISHES of them: the given ones, or up to SWEEP_MAX_READ read from the store.
 */
export async function deliverPending(
  deps: { store: DeliveryStore; notifier: Notifier; clock: Clock },
  pending?: readonly Alert[],
): Promise<DeliveryResult[]> {
  const candidates = sweepOrder(pending ?? (await deps.store.listPendingAlerts(SWEEP_MAX_READ))).slice(0, SWEEP_MAX_PUBLISHES);
  const results: DeliveryResult[] = [];
  for (const alert of candidates) results.push(await deliver(alert, deps));
  return results;
}
