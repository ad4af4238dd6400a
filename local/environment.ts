import { join, resolve } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { LocalNotifier, RoutingNotifier, SnsNotifier, type Notifier } from '../functions/alerting/notifier';
import { ensureTable } from '../functions/store/create-table';
import { FileDocumentArchive, type DocumentArchive } from '../functions/store/document-archive';
import { Store } from '../functions/store/repository';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';

/** Where local runs keep their state (git-ignored): DynamoDB Local's files and the alert outbox. */
export const LOCAL_HOME = resolve(process.env.BORDERWATCH_HOME ?? '.borderwatch');
export const LOCAL_TABLE = 'borderwatch';

export interface LocalEnvironment {
  ddb: DynamoDbLocal;
  store: Store;
  notifier: Notifier;
  /** Changed documents, as fetched (`.borderwatch/documents`); none for an in-memory environment. */
  archive?: DocumentArchive;
  outboxPath: string;
  close(): Promise<void>;
}

/**
 * The embedded default: DynamoDB Local with its data in .borderwatch/dynamodb (history accumulates
 * between runs) or in memory, and alerts printed and appended to an outbox file. With
 * ALERT_TOPIC_ARN (and OPERATOR_TOPIC_ARN for source health) set, alerts go to those SNS topics instead
 * (using the user's AWS credentials).
 */
export async function openLocalEnvironment(options: { inMemory?: boolean; outboxName?: string; print?: (text: string) => void } = {}): Promise<LocalEnvironment> {
  const ddb = await startDynamoDbLocal(options.inMemory ? {} : { dataDir: join(LOCAL_HOME, 'dynamodb') });
  try {
    await ensureTable(ddb.client, LOCAL_TABLE);
  } catch (error) {
    await ddb.stop();
    throw error;
  }
  const store = new Store(ddb.client, { tableName: LOCAL_TABLE });
  const outboxPath = join(LOCAL_HOME, options.outboxName ?? 'outbox.jsonl');
  const topicArn = process.env.ALERT_TOPIC_ARN;
  const operatorTopicArn = process.env.OPERATOR_TOPIC_ARN;
  const local = new LocalNotifier(outboxPath, options.print);
  const sns = new SNSClient({ maxAttempts: 1 });
  // Each topic that is configured gets its alerts; the rest stay local (printed and in the outbox).
  const notifier: Notifier = new RoutingNotifier(
    topicArn ? new SnsNotifier(sns, topicArn) : local,
    operatorTopicArn ? new SnsNotifier(sns, operatorTopicArn) : local,
  );
  const archive = options.inMemory ? {} : { archive: new FileDocumentArchive(join(LOCAL_HOME, 'documents')) };
  return { ddb, store, notifier, outboxPath, ...archive, close: () => ddb.stop() };
}
