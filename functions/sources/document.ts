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

/** The charset a document declares: BOM first, then the Content-Type header, else UTF-8. */
export function detectCharset(body: Uint8Array, contentType?: string): { charset: string; bomLength: number } {
  for (const [bom, charset] of BOMS) {
    if (bom.every((byte, i) => body[i] === byte)) return { charset, bomLength: bom.length };
  }
  const declared = contentType?.match(/charset\s*=\s*"?([\w-]+)"?/i)?.[1];
  return { charset: declared?.toLowerCase() ?? 'utf-8', bomLength: 0 };
}

/** Decodes a document to text with its declared charset; unknown charsets fall back to UTF-8. */
export function decodeBody(body: Uint8Array, contentType?: string): string {
  const { charset, bomLength } = detectCharset(body, contentType);
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(body.subarray(bomLength));
}
