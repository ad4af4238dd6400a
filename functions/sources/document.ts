import { sha256Hex } from '../core/hash';

/** A fetched document as parsers see it: bytes plus what HTTP said about them. */
export interface FetchedDocument {
  url: string;
  finalUrl: string;
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  fetchedAt: string;
}

const BOMS: Array<[number[], string]> = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xff, 0xfe], 'utf-16le'],
  [[0xfe, 0xff], 'utf-16be'],
];

/** Where the charset came from, strongest first (the HTML standard's order, with an operator override on top). */
export type CharsetOrigin = 'override' | 'bom' | 'header' | 'meta' | 'default';

export interface CharsetDecision {
  charset: string;
  bomLength: number;
  origin: CharsetOrigin;
}

/** How far into a document a `<meta charset>` or XML declaration is looked for (the HTML standard says 1024). */
const PRESCAN_BYTES = 1024;

/** Reads the charset a document declares inside itself: `<meta charset>`, `http-equiv` Content-Type, or `<?xml encoding>`. */
export function declaredInDocument(body: Uint8Array): string | undefined {
  // Declarations are ASCII, so reading the first bytes as Latin-1 finds them whatever the real charset is.
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, PRESCAN_BYTES)).toString('latin1');
  const xml = head.match(/^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i);
  if (xml) return xml[1]!.toLowerCase();
  const meta = head.match(/<meta\s[^>]*?\bcharset\s*=\s*["']?([\w.:-]+)/i);
  if (meta) return meta[1]!.toLowerCase();
  return undefined;
}

function charsetOfContentType(contentType: string | undefined): string | undefined {
  return contentType?.match(/charset\s*=\s*"?([\w.:-]+)"?/i)?.[1]?.toLowerCase();
}

function supported(charset: string | undefined): charset is string {
  if (!charset) return false;
  try {
    new TextDecoder(charset);
    return true;
  } catch {
    return false;
  }
}

/**
 * The charset of a document: an operator's override, else the BOM, else the Content-Type header,
 * else `<meta charset>`/`http-equiv`/`<?xml encoding>`, else UTF-8. Unknown names are passed over.
 */
export function detectCharset(body: Uint8Array, contentType?: string, override?: string): CharsetDecision {
  if (supported(override)) return { charset: override.toLowerCase(), bomLength: bomLengthOf(body), origin: 'override' };
  for (const [bom, charset] of BOMS) {
    if (bom.every((byte, i) => body[i] === byte)) return { charset, bomLength: bom.length, origin: 'bom' };
  }
  const header = charsetOfContentType(contentType);
  if (supported(header)) return { charset: header, bomLength: 0, origin: 'header' };
  const inDocument = declaredInDocument(body);
  if (supported(inDocument)) return { charset: inDocument, bomLength: 0, origin: 'meta' };
  return { charset: 'utf-8', bomLength: 0, origin: 'default' };
}

function bomLengthOf(body: Uint8Array): number {
  return body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
}

/**
 * Decodes a document to text. When the header claims (or nothing claims) UTF-8 but the bytes are not
 * UTF-8, a server is mislabelling its pages: the document's own declaration is tried next, then
 * windows-1252, so a Latin or Cyrillic page never turns into replacement characters silently.
 */
export function decodeBody(body: Uint8Array, contentType?: string, override?: string): string {
  const decision = detectCharset(body, contentType, override);
  const bytes = body.subarray(decision.bomLength);
  if (decision.charset === 'utf-8' && (decision.origin === 'header' || decision.origin === 'default')) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      const inDocument = declaredInDocument(body);
      const fallback = supported(inDocument) && inDocument !== 'utf-8' ? inDocument : 'windows-1252';
      return new TextDecoder(fallback).decode(bytes);
    }
  }
  return new TextDecoder(decision.charset).decode(bytes);
}

/** Decodes a fetched document with its headers and an optional per-source charset override. */
export function documentText(document: FetchedDocument, override?: string): string {
  return decodeBody(document.body, document.headers['content-type'], override);
}

/** What the pipeline keeps of a document as evidence when a parse fails or looks suspect. */
export interface DocumentEvidence {
  contentHash: string;
  size: number;
  contentType?: string;
  /** The first characters of the decoded text, control characters blanked. */
  sample: string;
}

export function documentEvidence(document: FetchedDocument, sampleLength = 2048, override?: string): DocumentEvidence {
  const text = documentText(document, override);
  return {
    contentHash: sha256Hex(document.body),
    size: document.body.byteLength,
    ...(document.headers['content-type'] ? { contentType: document.headers['content-type'] } : {}),
    sample: text.slice(0, sampleLength).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' '),
  };
}
