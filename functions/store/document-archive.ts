import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { sha256Hex } from '../core/hash';

/**
 * The raw documents behind the snapshots: every changed document a source served is kept as it
 * arrived, the proof of what the source said. Keys are content-addressed (source + SHA-256 of the
 * bytes), so a retried fetch writes the same object again and nothing is stored twice.
 */
export interface DocumentArchive {
  put(key: string, body: Uint8Array, contentType?: string): Promise<void>;
  /** The bytes stored under `key`; throws `DocumentNotArchived` when there are none. */
  get(key: string): Promise<Uint8Array>;
}

export class DocumentNotArchived extends Error {
  constructor(readonly key: string) {
    super(`document ${key} is not in the archive`);
    this.name = 'DocumentNotArchived';
  }
}

/** The archive holds other bytes than the ones hashed at fetch time. */
export class ArchivedDocumentAltered extends Error {
  constructor(
    readonly key: string,
    readonly actualHash: string,
  ) {
    super(`archived document ${key} has SHA-256 ${actualHash}, not the one recorded at fetch time`);
    this.name = 'ArchivedDocumentAltered';
  }
}

/** Where a document with this content hash is kept. */
export function documentKey(sourceId: string, contentHash: string): string {
  return `documents/${sourceId}/${contentHash}`;
}

/** Reads a document back and checks it is the one that was hashed at fetch time. */
export async function readArchived(archive: DocumentArchive, key: string, contentHash: string): Promise<Uint8Array> {
  const body = await archive.get(key);
  const actual = sha256Hex(body);
  if (actual !== contentHash) throw new ArchivedDocumentAltered(key, actual);
  return body;
}

/** The deployed archive: one S3 bucket. S3 verifies the SHA-256 on upload, so a corrupted transfer is refused. */
export class S3DocumentArchive implements DocumentArchive {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: Uint8Array, contentType?: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ChecksumSHA256: Buffer.from(sha256Hex(body), 'hex').toString('base64'),
        ...(contentType ? { ContentType: contentType } : {}),
      }),
    );
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!result.Body) throw new DocumentNotArchived(key);
      return await result.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey) throw new DocumentNotArchived(key);
      throw error;
    }
  }
}

/** Local runs keep their documents in a folder (`.borderwatch/documents` for `npm start`). */
export class FileDocumentArchive implements DocumentArchive {
  constructor(private readonly root: string) {}

  async put(key: string, body: Uint8Array): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    // Written aside and renamed, so a reader never sees half a document.
    const partial = `${path}.${process.pid}.partial`;
    await writeFile(partial, body);
    await rename(partial, path);
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DocumentNotArchived(key);
      throw error;
    }
  }

  private path(key: string): string {
    if (key.split('/').some((part) => part === '..' || part === '')) throw new Error(`invalid document key ${JSON.stringify(key)}`);
    return join(this.root, key);
  }
}
