/**
 * The one definition of the borderwatch table. The CDK store construct and the DynamoDB Local
 * test/local setup both build their table from this, so what we test is what we deploy.
 * Key design and access patterns: docs/data-model.md.
 */
export interface IndexSchema {
  indexName: string;
  partitionKey: string;
  sortKey: string;
}

export const TABLE_SCHEMA = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** All key attributes are strings. */
  globalSecondaryIndexes: [
    // Newest-first feeds across all sources: announcements, alerts.
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    // Per-owner listings: a source's announcements, a series' or source's alerts.
    { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    // Sparse work queue: alerts recorded but not yet published.
    { indexName: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
  ] satisfies IndexSchema[],
  /**
   * Every write is streamed with its new image: the detect function reacts to observations and the
   * publish function to recorded alerts, decoupled from the fetch that wrote them.
   */
  streamViewType: 'NEW_IMAGE',
  /** Items with this attribute (epoch seconds) expire. */
  timeToLiveAttribute: 'expiresAt',
} as const;

export type IndexName = (typeof TABLE_SCHEMA.globalSecondaryIndexes)[number]['indexName'];
