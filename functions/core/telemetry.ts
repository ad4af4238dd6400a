/** What a run reports: structured log events and metrics. Injected, so tests and local runs choose. */
export type MetricUnit = 'Count' | 'Milliseconds' | 'Bytes';

export type MetricName =
  | 'FetchLatency'
  | 'FetchedBytes'
  | 'RowsParsed'
  | 'ObservationsAdded'
  | 'ObservationsRevised'
  | 'AnomaliesOpened'
  | 'AlertsPublished'
  | 'AlertPublishFailures'
  | 'SourceFailures'
  | 'SuspectSnapshots'
  | 'StaleSources'
  | 'FetchJobsFailed'
  | 'PendingAlerts'
  | 'OldestPendingAlertAgeSeconds';

export type LogFn = (event: Record<string, unknown>) => void;
export type MetricFn = (name: MetricName, value: number, unit: MetricUnit) => void;

export const noMetric: MetricFn = () => undefined;
