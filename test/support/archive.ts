import { DocumentNotArchived, type DocumentArchive } from '../../functions/store/document-archive';

/** The document archive in memory: what was put, and a switch to make the next calls fail like S3 can. */
export class MemoryDocumentArchive implements DocumentArchive {
  readonly objects = new Map<string, { body: Uint8Array; contentType?: string }>();
  failNext = 0;

  async put(key: string, body: Uint8Array, contentType?: string): Promise<void> {
    this.maybeFail();
    this.objects.set(key, { body: new Uint8Array(body), ...(contentType ? { contentType } : {}) });
  }

  async get(key: string): Promise<Uint8Array> {
    this.maybeFail();
    const found = this.objects.get(key);
    if (!found) throw new DocumentNotArchived(key);
    return new Uint8Array(found.body);
  }

  private maybeFail(): void {
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('SlowDown: Please reduce your request rate.'), { name: 'SlowDown' });
    }
  }
}
