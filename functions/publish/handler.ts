import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { CLAIMED_ELSEWHERE, deliver, deliverPending, SWEEP_MAX_READ, type DeliveryResult } from '../alerting/deliver';
import { RoutingNotifier, SnsNotifier, type Notifier } from '../alerting/notifier';
import { systemClock, type Clock } from '../core/clock';
import type { Alert } from '../core/model';
import type { LogFn, MetricFn } from '../core/telemetry';
import { lambdaHandler, requiredEnv } from '../runtime/lambda';
import { failFrom, newImage, type StreamBatchResponse, type StreamEvent } from '../runtime/streams';
import { Store, withoutKeys } from '../store/repository';

/** The sweeper's scheduled event: publish whatever is still pending (a failed or crashed publish). */
export interface SweepEvent {
  sweep: true;
}

export interface PublishDeps {
  store: Store;
  notifier: Notifier;
  clock: Clock;
  log?: LogFn;
  metric?: MetricFn;
}

const isSweep = (event: StreamEvent | SweepEvent): event is SweepEvent => (event as SweepEvent).sweep === true;

/**
 * The publish function. Streams deliver each newly recorded alert (items `ALERT`, INSERT) and it is
 * published with the claim/lease protocol of `deliver`, so it goes out once however often it is seen.
 * A publish that failed is reported as a failed record (Lambda retries it on its own, then hands it to
 * the stream's failure queue); the sweeper, on a schedule, publishes whatever is still pending.
 */
export function makeHandler(deps: PublishDeps) {
  return async (event: StreamEvent | SweepEvent): Promise<StreamBatchResponse & { deliveries: DeliveryResult[] }> => {
    if (isSweep(event)) {
      const pending = await deps.store.listPendingAlerts(SWEEP_MAX_READ);
      const now = deps.clock().getTime();
      const oldest = pending.reduce((age, a) => Math.max(age, (now - Date.parse(a.createdAt)) / 1000), 0);
      deps.metric?.('PendingAlerts', pending.length, 'Count');
      deps.metric?.('OldestPendingAlertAgeSeconds', Math.round(oldest), 'Count');
      const deliveries = await deliverPending(deps, pending);
      report(deps, deliveries);
      return { batchItemFailures: [], deliveries };
    }
    const deliveries: DeliveryResult[] = [];
    const failed: Array<string | undefined> = [];
    for (const record of event.Records) {
      if (record.eventName !== 'INSERT') continue;
      const item = newImage<Record<string, unknown>>(record);
      if (!item || item.SK !== 'ALERT' || item.state !== 'pending') continue;
      const result = await deliver(withoutKeys<Alert>(item), deps);
      deliveries.push(result);
      if (!result.published && result.error !== CLAIMED_ELSEWHERE) failed.push(record.dynamodb?.SequenceNumber);
    }
    report(deps, deliveries);
    return { ...failFrom(failed), deliveries };
  };
}

function report(deps: PublishDeps, deliveries: DeliveryResult[]): void {
  deps.metric?.('AlertsPublished', deliveries.filter((d) => d.published).length, 'Count');
  deps.metric?.('AlertPublishFailures', deliveries.filter((d) => !d.published && d.error !== CLAIMED_ELSEWHERE).length, 'Count');
  for (const d of deliveries) deps.log?.({ event: d.published ? 'alert-published' : 'alert-not-published', ...d });
}

export const handler = lambdaHandler<StreamEvent | SweepEvent, StreamBatchResponse>('publish', (telemetry) => {
  // The notifier retries publishes itself (only retryable errors); SDK retries would multiply them.
  const sns = new SNSClient({ maxAttempts: 1 });
  const run = makeHandler({
    store: new Store(new DynamoDBClient({}), { tableName: requiredEnv('TABLE_NAME') }),
    // Source-health alerts go to the operators' topic, everything else to the subscribers'.
    notifier: new RoutingNotifier(new SnsNotifier(sns, requiredEnv('ALERT_TOPIC_ARN')), new SnsNotifier(sns, requiredEnv('OPERATOR_TOPIC_ARN'))),
    clock: systemClock,
    log: telemetry.log,
    metric: telemetry.metric,
  });
  return async (event) => ({ batchItemFailures: (await run(event)).batchItemFailures });
});
