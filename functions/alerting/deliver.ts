import type { Clock } from '../core/clock';
import type { Alert } from '../core/model';
import type { Store } from '../store/repository';
import type { Notifier } from './notifier';

/** How long a run may hold an alert it is publishing before another run may try. */
export const LEASE_MS = 5 * 60_000;

export interface DeliveryResult {
  alertId: string;
  published: boolean;
  messageId?: string;
  error?: string;
}

/**
 * Publishes an alert that is recorded as pending, then marks it published with the channel's
 * message id. A failure leaves it pending (and counted) for the next run: an alert is never lost.
 */
export async function deliver(alert: Alert, deps: { store: Store; notifier: Notifier; clock: Clock }): Promise<DeliveryResult> {
  const now = deps.clock();
  const leaseUntil = new Date(now.getTime() + LEASE_MS).toISOString();
  if (!(await deps.store.claimAlert(alert.alertId, now.toISOString(), leaseUntil))) {
    // Another run holds it (or already published it): publishing here would duplicate it.
    return { alertId: alert.alertId, published: false, error: 'claimed by another run' };
  }
  try {
    const { messageId } = await deps.notifier.publish(alert);
    await deps.store.markAlertPublished(alert.alertId, messageId, deps.clock().toISOString());
    return { alertId: alert.alertId, published: true, messageId };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await deps.store.markAlertAttemptFailed(alert.alertId, message);
    return { alertId: alert.alertId, published: false, error: message };
  }
}

/** Publishes every alert left pending by an earlier run (a crash or a failed publish). */
export async function deliverPending(deps: { store: Store; notifier: Notifier; clock: Clock }): Promise<DeliveryResult[]> {
  const pending = await deps.store.listPendingAlerts();
  const results: DeliveryResult[] = [];
  for (const alert of pending) results.push(await deliver(alert, deps));
  return results;
}
