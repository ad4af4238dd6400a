import type { Clock } from '../core/clock';
import type { Alert } from '../core/model';
import type { Store } from '../store/repository';
import type { CooldownPolicy } from './cooldown';
import { applyCooldown } from './prepare';

/**
 * Records alerts before they are published: each one not recorded yet gets its flood-control
 * decision (`channels`) and is put with a condition on its deterministic id. Returns the alerts
 * recorded by this call, with their decision: the ones to deliver now. An alert recorded earlier
 * (the same anomaly or announcement seen again, a retried Lambda, an overlapping run) is skipped; if
 * it is still pending, `deliverPending` publishes it.
 */
export async function recordAlerts(
  alerts: readonly Alert[],
  deps: { store: Pick<Store, 'getAlert' | 'recordAlert' | 'listAlerts'>; clock: Clock; cooldown?: CooldownPolicy },
): Promise<Alert[]> {
  const recorded: Alert[] = [];
  for (const alert of alerts) {
    // A read is cheaper than a refused conditional write, and spares the cooldown query.
    if (await deps.store.getAlert(alert.alertId)) continue;
    const routed = await applyCooldown(alert, deps);
    if (await deps.store.recordAlert(routed)) recorded.push(routed);
  }
  return recorded;
}
