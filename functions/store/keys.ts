/**
 * Key builders. Every item's PK/SK (and index keys) are made here and nowhere else.
 *
 *   SOURCE#<sourceId>   STATE                         last fetch state (hash, ETag) of a source
 *   SOURCE#<sourceId>   SNAP#<fetchedAt>              a snapshot (newest first with ScanIndexForward=false)
 *   SOURCE#<sourceId>   RUN#<runAt>                   run marker: makes a re-run of the same scheduled run a no-op
 *   SERIES#<seriesId>   META                          series catalogue entry (also under PK=SERIES)
 *   SERIES#<seriesId>   OBS#<period>                  current value of an observation
 *   SERIES#<seriesId>   REV#<period>#<recordedAt>     every version ever seen (revision history)
 *   SERIES#<seriesId>   STATE                         detector/episode state of a series
 *   ANN#<sourceId>#<id> ANN                           an announcement  (GSI1: all newest first, GSI2: per source)
 *   ALERT#<alertId>     ALERT                         an alert (GSI1: all newest first, GSI2: per subject, GSI3: pending)
 */
export const key = {
  sourceState: (sourceId: string) => ({ PK: `SOURCE#${sourceId}`, SK: 'STATE' }),
  snapshot: (sourceId: string, fetchedAt: string) => ({ PK: `SOURCE#${sourceId}`, SK: `SNAP#${fetchedAt}` }),
  snapshotPrefix: 'SNAP#',
  run: (sourceId: string, runAt: string) => ({ PK: `SOURCE#${sourceId}`, SK: `RUN#${runAt}` }),
  seriesMeta: (seriesId: string) => ({ PK: `SERIES#${seriesId}`, SK: 'META' }),
  seriesCatalog: (seriesId: string) => ({ PK: 'SERIES', SK: seriesId }),
  seriesPK: (seriesId: string) => `SERIES#${seriesId}`,
  observation: (seriesId: string, period: string) => ({ PK: `SERIES#${seriesId}`, SK: `OBS#${period}` }),
  observationPrefix: 'OBS#',
  revision: (seriesId: string, period: string, recordedAt: string) => ({
    PK: `SERIES#${seriesId}`,
    SK: `REV#${period}#${recordedAt}`,
  }),
  revisionPrefix: (period: string) => `REV#${period}#`,
  seriesState: (seriesId: string) => ({ PK: `SERIES#${seriesId}`, SK: 'STATE' }),
  announcement: (sourceId: string, announcementId: string) => ({ PK: `ANN#${sourceId}#${announcementId}`, SK: 'ANN' }),
  announcementFeed: 'ANNOUNCEMENTS',
  announcementsOfSource: (sourceId: string) => `SOURCE#${sourceId}#ANN`,
  alert: (alertId: string) => ({ PK: `ALERT#${alertId}`, SK: 'ALERT' }),
  alertFeed: 'ALERTS',
  alertsOfSubject: (subjectType: string, subjectId: string) => `${subjectType.toUpperCase()}#${subjectId}#ALERT`,
  pendingAlerts: 'PENDING',
} as const;

/** Upper bound for a period range query: every period key that starts with `to` sorts at or before it. */
export function periodUpperBound(to: string): string {
  return `${to}\uffff`;
}
