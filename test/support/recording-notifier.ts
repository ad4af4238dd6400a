import type { Notifier } from '../../functions/alerting/notifier';
import type { Alert } from '../../functions/core/model';

/** Captures what would be published; can be told to fail the next N publishes. */
export class RecordingNotifier implements Notifier {
  readonly published: Alert[] = [];
  failNext = 0;
  private counter = 0;

  async publish(alert: Alert): Promise<{ messageId: string }> {
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    }
    this.published.push(alert);
    return { messageId: `msg-${++this.counter}` };
  }
}
