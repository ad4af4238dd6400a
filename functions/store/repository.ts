import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  Alert,
  Announcement,
  Granularity,
  Observation,
  ObservationRevision,
  Snapshot,
  StoredObservation,
} from '../core/model';
import type { SeriesDetectionState } from '../detection/episodes';
import { key, periodUpperBound } from './keys';

/** A page of results and the opaque cursor for the next one (absent on the last page). */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

/** The last fetch of a source: what the next fetch sends as conditional headers and compares hashes with. */
export interface SourceState {
  sourceId: string;
  lastFetchedAt: string;
  lastOutcome: Snapshot['outcome'];
  contentHash?: string;
  etag?: string;
  lastModified?: string;
  lastOkAt?: string;
  /** Failed scheduled runs in a row (retries of one run count once). */
  consecutiveFailures: number;
  /** The scheduled run of the last failure: a retry of it does not lengthen the streak. */
  lastFailedRunAt?: string;
  /** Rows parsed from the last ok document (layout-change detection compares with it). */
  lastRowCount?: number;
}

export interface SeriesInfo {
  seriesId: string;
  sourceId: string;
  unit: string;
  granularity: Granularity;
  title?: string;
  labels?: Record<string, string>;
  country?: string;
}

export interface ObservationWriteResult {
  /** Periods seen for the first time. */
  added: Observation[];
  /** Periods whose value the source changed. */
  revised: Array<Observation & { previousValue: number }>;
  unchanged: number;
}

export interface StoreOptions {
  tableName: string;
  /** Waits between retries of unprocessed batch items; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** How often to retry unprocessed batch items before giving up. */
  maxBatchRetries?: number;
}

const BATCH_WRITE_SIZE = 25;
const BATCH_GET_SIZE = 100;

export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

function encodeCursor(lastKey: Record<string, unknown> | undefined): string | undefined {
  return lastKey ? Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url') : undefined;
}

/** Decodes an opaque cursor; throws a clear error for a malformed one (the API turns it into a 400). */
export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new RangeError(`malformed cursor: ${JSON.stringify(cursor.slice(0, 40))}`);
}

/** An item as the domain sees it: without its keys, index keys and type tag (stored items and stream images alike). */
export function withoutKeys<T>(item: Record<string, unknown> | undefined): T {
  if (!item) return item as T;
  const { PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, GSI3PK, GSI3SK, type, ...rest } = item;
  void PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, GSI3PK, GSI3SK, type;
  return rest as T;
}

/**
 * The one typed access layer to the borderwatch table. Every read is a Query or a Get (never a Scan);
 * every write is idempotent: re-running the same scrape writes nothing new.
 */
export class Store {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxBatchRetries: number;

  constructor(client: DynamoDBClient, options: StoreOptions) {
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    this.table = options.tableName;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.maxBatchRetries = options.maxBatchRetries ?? 8;
  }

  get tableName(): string {
    return this.table;
  }

  // ---- runs and sources -------------------------------------------------------------------------

  /**
   * Claims a scheduled run of a source. Returns false when the same run (source + scheduled time)
   * was already completed, so a retried or duplicated invocation does nothing twice.
   */
  async isRunDone(sourceId: string, runAt: string): Promise<boolean> {
    const result = await this.doc.send(new GetCommand({ TableName: this.table, Key: key.run(sourceId, runAt), ConsistentRead: true }));
    return result.Item !== undefined;
  }

  async markRunDone(sourceId: string, runAt: string, snapshotId: string, expiresAt: number): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...key.run(sourceId, runAt), type: 'run', sourceId, runAt, snapshotId, expiresAt },
      }),
    );
  }

  async getSourceState(sourceId: string): Promise<SourceState | undefined> {
    const result = await this.doc.send(new GetCommand({ TableName: this.table, Key: key.sourceState(sourceId), ConsistentRead: true }));
    return result.Item ? withoutKeys<SourceState>(result.Item) : undefined;
  }

  /** The last fetch state of many sources at once (BatchGet, unprocessed keys retried). */
  async getSourceStates(sourceIds: readonly string[]): Promise<Map<string, SourceState>> {
    const items = await this.batchGet(sourceIds.map((id) => key.sourceState(id)));
    return new Map(items.map((item) => [item.sourceId as string, withoutKeys<SourceState>(item)]));
  }

  async putSourceState(state: SourceState): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...key.sourceState(state.sourceId), type: 'source-state', ...state } }));
  }

  // ---- snapshots --------------------------------------------------------------------------------

  /** Records a snapshot. Idempotent: the same snapshot id is written once. Returns false if it existed. */
  async putSnapshot(snapshot: Snapshot): Promise<boolean> {
    return this.conditionally(
      new PutCommand({
        TableName: this.table,
        Item: { ...key.snapshot(snapshot.sourceId, snapshot.fetchedAt), type: 'snapshot', ...snapshot },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  /** A source's snapshots, newest first. */
  async listSnapshots(sourceId: string, page: PageRequest = {}): Promise<Page<Snapshot>> {
    return this.queryPage<Snapshot>(
      {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': key.sourceState(sourceId).PK, ':prefix': key.snapshotPrefix },
        ScanIndexForward: false,
      },
      page,
    );
  }

  // ---- series and observations -----------------------------------------------------------------

  /** Registers a series in the catalogue (idempotent upsert of its metadata). */
  async putSeries(info: SeriesInfo): Promise<void> {
    await this.batchWrite([
      { ...key.seriesMeta(info.seriesId), type: 'series', ...info },
      { ...key.seriesCatalog(info.seriesId), type: 'series', ...info },
    ]);
  }

  async getSeries(seriesId: string): Promise<SeriesInfo | undefined> {
    const result = await this.doc.send(new GetCommand({ TableName: this.table, Key: key.seriesMeta(seriesId) }));
    return result.Item ? withoutKeys<SeriesInfo>(result.Item) : undefined;
  }

  async listSeries(page: PageRequest = {}): Promise<Page<SeriesInfo>> {
    return this.queryPage<SeriesInfo>(
      { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'SERIES' } },
      page,
    );
  }

  /**
   * Stores observations. A period seen for the first time is added; a changed value is a revision:
   * the current value is updated (guarded by the value we read, so concurrent writers cannot lose
   * an update) and every version stays in the revision history. Unchanged values write nothing.
   */
  async writeObservations(observations: Observation[], recordedAt: string): Promise<ObservationWriteResult> {
    const result: ObservationWriteResult = { added: [], revised: [], unchanged: 0 };
    if (observations.length === 0) return result;
    const current = await this.batchGet(observations.map((o) => key.observation(o.seriesId, o.period)));
    const byKey = new Map(current.map((item) => [`${item.PK as string}|${item.SK as string}`, item]));
    const inserts: Record<string, unknown>[] = [];
    for (const o of observations) {
      const k = key.observation(o.seriesId, o.period);
      const existing = byKey.get(`${k.PK}|${k.SK}`);
      const revision: ObservationRevision = { seriesId: o.seriesId, period: o.period, value: o.value, snapshotId: o.snapshotId, recordedAt };
      if (!existing) {
        inserts.push({ ...k, type: 'observation', ...o, firstSeenAt: recordedAt, updatedAt: recordedAt, revisions: 0 });
        inserts.push({ ...key.revision(o.seriesId, o.period, recordedAt), type: 'revision', ...revision });
        result.added.push(o);
        continue;
      }
      const previousValue = existing.value as number;
      if (previousValue === o.value && Boolean(existing.provisional) === Boolean(o.provisional)) {
        result.unchanged++;
        continue;
      }
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: k,
            UpdateExpression:
              'SET #value = :value, previousValue = :previous, revisions = revisions + :one, updatedAt = :now, snapshotId = :snapshot, provisional = :provisional',
            ConditionExpression: '#value = :previous',
            ExpressionAttributeNames: { '#value': 'value' },
            ExpressionAttributeValues: {
              ':value': o.value,
              ':previous': previousValue,
              ':one': 1,
              ':now': recordedAt,
              ':snapshot': o.snapshotId,
              ':provisional': o.provisional ?? false,
            },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw new ConflictError(`observation ${o.seriesId} ${o.period} changed while it was being revised; the run will retry`);
        }
        throw error;
      }
      await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...key.revision(o.seriesId, o.period, recordedAt), type: 'revision', ...revision } }));
      result.revised.push({ ...o, previousValue });
    }
    await this.batchWrite(inserts);
    return result;
  }

  /** One series' observations in a period range (inclusive), oldest first unless `newestFirst`. */
  async queryObservations(
    seriesId: string,
    range: { from?: string; to?: string; newestFirst?: boolean } & PageRequest = {},
  ): Promise<Page<StoredObservation>> {
    const from = `${key.observationPrefix}${range.from ?? ''}`;
    const to = range.to !== undefined ? `${key.observationPrefix}${periodUpperBound(range.to)}` : `${key.observationPrefix}\uffff`;
    return this.queryPage<StoredObservation>(
      {
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': key.seriesPK(seriesId), ':from': from, ':to': to },
        ScanIndexForward: !range.newestFirst,
      },
      range,
    );
  }

  /**
   * The window a detector needs: the `count` most recent observations up to and including `period`,
   * oldest first. One Query with a bounded item count.
   */
  async observationWindow(seriesId: string, period: string, count: number): Promise<StoredObservation[]> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': key.seriesPK(seriesId),
          ':from': key.observationPrefix,
          ':to': `${key.observationPrefix}${periodUpperBound(period)}`,
        },
        ScanIndexForward: false,
        Limit: count,
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).map((item) => withoutKeys<StoredObservation>(item)).reverse();
  }

  /** Every version of one observation, oldest first. */
  async observationHistory(seriesId: string, period: string): Promise<ObservationRevision[]> {
    const items = await this.queryAll<ObservationRevision>({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': key.seriesPK(seriesId), ':prefix': key.revisionPrefix(period) },
    });
    return items;
  }

  async getSeriesState(seriesId: string): Promise<{ state: SeriesDetectionState; version: number }> {
    const result = await this.doc.send(new GetCommand({ TableName: this.table, Key: key.seriesState(seriesId), ConsistentRead: true }));
    if (!result.Item) return { state: {}, version: 0 };
    return { state: (result.Item.state as SeriesDetectionState) ?? {}, version: result.Item.version as number };
  }

  /** Saves detection state with optimistic locking: two overlapping runs cannot both advance an episode. */
  async putSeriesState(seriesId: string, state: SeriesDetectionState, expectedVersion: number): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key.seriesState(seriesId), type: 'series-state', seriesId, state, version: expectedVersion + 1 },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :v',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(`detection state of series ${seriesId} was changed by another run`);
      }
      throw error;
    }
  }

  // ---- announcements ----------------------------------------------------------------------------

  /** Stores announcements; returns only those seen for the first time (an announcement is new once). */
  async putAnnouncements(announcements: Announcement[]): Promise<Announcement[]> {
    const fresh: Announcement[] = [];
    for (const a of announcements) {
      const stored = await this.conditionally(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...key.announcement(a.sourceId, a.announcementId),
            type: 'announcement',
            ...a,
            GSI1PK: key.announcementFeed,
            GSI1SK: `${a.publishedAt}#${a.sourceId}#${a.announcementId}`,
            GSI2PK: key.announcementsOfSource(a.sourceId),
            GSI2SK: `${a.publishedAt}#${a.announcementId}`,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      if (stored) fresh.push(a);
    }
    return fresh;
  }

  /** Announcements across all sources (or of one source), newest first. */
  async listAnnouncements(options: { sourceId?: string; since?: string } & PageRequest = {}): Promise<Page<Announcement>> {
    return options.sourceId
      ? this.newestFirst<Announcement>('GSI2', key.announcementsOfSource(options.sourceId), options)
      : this.newestFirst<Announcement>('GSI1', key.announcementFeed, options);
  }

  // ---- alerts -----------------------------------------------------------------------------------

  /**
   * Records an alert before it is published. The id is deterministic, so the same anomaly seen
   * again, a retried Lambda or an overlapping run records nothing new. Returns false if it existed.
   */
  async recordAlert(alert: Alert): Promise<boolean> {
    return this.conditionally(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...key.alert(alert.alertId),
          type: 'alert',
          ...alert,
          GSI1PK: key.alertFeed,
          GSI1SK: `${alert.createdAt}#${alert.alertId}`,
          GSI2PK: key.alertsOfSubject(alert.subject.type, alert.subject.id),
          GSI2SK: `${alert.createdAt}#${alert.alertId}`,
          ...(alert.state === 'pending' ? { GSI3PK: key.pendingAlerts, GSI3SK: `${alert.createdAt}#${alert.alertId}` } : {}),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async getAlert(alertId: string): Promise<Alert | undefined> {
    const result = await this.doc.send(new GetCommand({ TableName: this.table, Key: key.alert(alertId), ConsistentRead: true }));
    return result.Item ? withoutKeys<Alert>(result.Item) : undefined;
  }

  /**
   * Claims a pending alert for publishing until `leaseUntil`. Only one of two overlapping runs gets
   * the claim; if the claimant crashes, the lease expires and a later run publishes the alert.
   */
  async claimAlert(alertId: string, now: string, leaseUntil: string): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.table,
        Key: key.alert(alertId),
        UpdateExpression: 'SET leaseUntil = :until',
        ConditionExpression: '#state = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':until': leaseUntil, ':now': now, ':pending': 'pending' },
      }),
    );
  }

  /** Marks an alert published, once: returns false if another run already did. */
  async markAlertPublished(alertId: string, messageId: string, publishedAt: string): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.table,
        Key: key.alert(alertId),
        UpdateExpression: 'SET #state = :published, messageId = :mid, publishedAt = :at REMOVE GSI3PK, GSI3SK, leaseUntil',
        ConditionExpression: '#state = :pending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':published': 'published', ':pending': 'pending', ':mid': messageId, ':at': publishedAt },
      }),
    );
  }

  /** Counts a failed publish attempt; the alert stays pending for the next run. */
  async markAlertAttemptFailed(alertId: string, message: string): Promise<void> {
    // A condition that fails means the alert is no longer pending: there is no attempt to count.
    await this.conditionally(
      new UpdateCommand({
        TableName: this.table,
        Key: key.alert(alertId),
        UpdateExpression: 'SET attempts = attempts + :one, lastError = :error REMOVE leaseUntil',
        ConditionExpression: '#state = :pending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':one': 1, ':error': message.slice(0, 500), ':pending': 'pending' },
      }),
    );
  }

  /** Alerts recorded but not yet published, oldest first (the sparse GSI3). */
  /** Alerts recorded but not yet published, oldest first, up to `limit` (read page by page). */
  async listPendingAlerts(limit = 100): Promise<Alert[]> {
    return this.queryAll<Alert>({ IndexName: 'GSI3', KeyConditionExpression: 'GSI3PK = :pk', ExpressionAttributeValues: { ':pk': key.pendingAlerts } }, limit);
  }



  /** Alerts newest first: all of them, or those about one subject (series, announcement, source). */
  async listAlerts(options: { subject?: { type: string; id: string }; since?: string } & PageRequest = {}): Promise<Page<Alert>> {
    return options.subject
      ? this.newestFirst<Alert>('GSI2', key.alertsOfSubject(options.subject.type, options.subject.id), options)
      : this.newestFirst<Alert>('GSI1', key.alertFeed, options);
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  /**
   * A feed on GSI1 or GSI2, newest first; their sort keys start with an ISO time, so `since` is a
   * lower bound on the sort key.
   */
  private newestFirst<T>(index: 'GSI1' | 'GSI2', partition: string, options: { since?: string } & PageRequest): Promise<Page<T>> {
    const [pk, sk] = [`${index}PK`, `${index}SK`];
    return this.queryPage<T>(
      {
        IndexName: index,
        KeyConditionExpression: options.since ? `${pk} = :pk AND ${sk} >= :since` : `${pk} = :pk`,
        ExpressionAttributeValues: { ':pk': partition, ...(options.since ? { ':since': options.since } : {}) },
        ScanIndexForward: false,
      },
      options,
    );
  }

  /** Sends a conditional write; false when its condition failed (the item already exists or moved on). */
  private async conditionally(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.doc.send(command as PutCommand);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async queryPage<T>(input: Omit<QueryCommandInput, 'TableName'>, page: PageRequest): Promise<Page<T>> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        ...input,
        ...(page.limit !== undefined ? { Limit: page.limit } : {}),
        ...(page.cursor ? { ExclusiveStartKey: decodeCursor(page.cursor) } : {}),
      }),
    );
    const cursor = encodeCursor(result.LastEvaluatedKey);
    return { items: (result.Items ?? []).map((item) => withoutKeys<T>(item)), ...(cursor ? { cursor } : {}) };
  }

  /**
   * Follows the pages of a query. Only for bounded result sets (one observation's history), or with
   * `max`: then at most that many items, in pages of at most 100.
   */
  private async queryAll<T>(input: Omit<QueryCommandInput, 'TableName'>, max = Number.POSITIVE_INFINITY): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const limit = Number.isFinite(max) ? { limit: Math.min(100, max - items.length) } : {};
      const page = await this.queryPage<T>(input, { ...limit, ...(cursor ? { cursor } : {}) });
      items.push(...page.items);
      cursor = page.cursor;
    } while (cursor && items.length < max);
    return items;
  }


  private async batchGet(keys: Array<{ PK: string; SK: string }>): Promise<Record<string, unknown>[]> {
    const unique = [...new Map(keys.map((k) => [`${k.PK}|${k.SK}`, k])).values()];
    const found: Record<string, unknown>[] = [];
    for (let i = 0; i < unique.length; i += BATCH_GET_SIZE) {
      let pending: Array<Record<string, unknown>> | undefined = unique.slice(i, i + BATCH_GET_SIZE);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > this.maxBatchRetries) throw new Error(`BatchGet: ${pending.length} keys still unprocessed after ${this.maxBatchRetries} retries`);
        if (attempt > 0) await this.sleep(Math.min(50 * 2 ** attempt, 2_000));
        const result = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } } }));
        found.push(...(result.Responses?.[this.table] ?? []));
        pending = result.UnprocessedKeys?.[this.table]?.Keys as Array<Record<string, unknown>> | undefined;
      }
    }
    return found;
  }

  /** Writes items in batches of 25, retrying UnprocessedItems with backoff (throttling is normal life). */
  private async batchWrite(items: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < items.length; i += BATCH_WRITE_SIZE) {
      let pending: Array<{ PutRequest: { Item: Record<string, unknown> } }> | undefined = items
        .slice(i, i + BATCH_WRITE_SIZE)
        .map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > this.maxBatchRetries) throw new Error(`BatchWrite: ${pending.length} items still unprocessed after ${this.maxBatchRetries} retries`);
        if (attempt > 0) await this.sleep(Math.min(50 * 2 ** attempt, 2_000));
        const result = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
        pending = result.UnprocessedItems?.[this.table] as typeof pending;
      }
    }
  }
}
