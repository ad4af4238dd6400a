/**
 * The version tag of the alert payload (see payload.ts). In a module of its own so that the code
 * that builds payloads at run time imports only this and `import type`s the payload: the zod schema
 * in payload.ts is for tests, docs and consumers, and would add zod to every bundle that renders alerts.
 */
export const ALERT_SCHEMA = 'borderwatch.alert/v1';
