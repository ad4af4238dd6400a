import { badRequest } from './errors';

/**
 * Page cursors given to clients wrap the store's cursor with the listing it came from, so a cursor
 * passed to another listing is a clear 400 rather than a DynamoDB error. Still opaque: clients
 * pass it back unchanged.
 */
export function wrapCursor(listing: string, storeCursor: string | undefined): string | undefined {
  if (storeCursor === undefined) return undefined;
  return Buffer.from(JSON.stringify({ l: listing, c: storeCursor }), 'utf8').toString('base64url');
}

export function unwrapCursor(listing: string, cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!value || typeof value !== 'object' || typeof (value as { l?: unknown }).l !== 'string' || typeof (value as { c?: unknown }).c !== 'string') {
    throw badRequest('parameter "cursor": malformed cursor; pass the cursor of the previous page unchanged');
  }
  const { l, c } = value as { l: string; c: string };
  if (l !== listing) throw badRequest('parameter "cursor": the cursor belongs to another listing; start again without a cursor');
  return c;
}
