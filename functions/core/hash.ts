import { createHash } from 'node:crypto';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A short deterministic id from its parts (used for alert ids, announcement ids). */
export function stableId(...parts: string[]): string {
  return sha256Hex(parts.join('\u001f')).slice(0, 24);
}
