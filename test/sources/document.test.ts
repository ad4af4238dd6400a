import { describe, expect, it } from 'vitest';
import { decodeBody, detectCharset, documentEvidence } from '../../functions/sources/document';
import { documentOf, fixture } from './support/documents';

const cp1251 = fixture('charset/vchera-windows-1251.html');

describe('charset', () => {
  it('takes the charset from the Content-Type header', () => {
    expect(detectCharset(cp1251, 'text/html; charset=windows-1251')).toMatchObject({ charset: 'windows-1251', origin: 'header' });
  });

  it('takes the charset from <meta http-equiv> when the header has none', () => {
    expect(decodeBody(cp1251, 'text/html')).toContain('Вчера в Финляндию');
  });

  it('takes the charset from <meta charset>', () => {
    const body = new Uint8Array([...new TextEncoder().encode('<meta charset="windows-1251"><p>'), 0xc2, 0xf7, 0xe5, 0xf0, 0xe0]);
    expect(decodeBody(body)).toBe('<meta charset="windows-1251"><p>Вчера');
  });

  it('takes the charset from the XML declaration of a feed', () => {
    const body = new Uint8Array([...new TextEncoder().encode('<?xml version="1.0" encoding="windows-1251"?><t>'), 0xc2, 0xf7]);
    expect(decodeBody(body, 'application/rss+xml')).toBe('<?xml version="1.0" encoding="windows-1251"?><t>Вч');
  });

  it('lets a byte-order mark win over the header and strips it', () => {
    expect(decodeBody(fixture('charset/vchera-utf8-bom.txt'), 'text/plain; charset=iso-8859-1')).toBe('Вчера въехали 8 314 граждан России.');
  });

  it('falls back to the page’s own declaration when the header wrongly says UTF-8', () => {
    expect(decodeBody(cp1251, 'text/html; charset=utf-8')).toContain('граждан России');
  });

  it('falls back to windows-1252 for undeclared bytes that are not UTF-8', () => {
    expect(decodeBody(new Uint8Array([0x4a, 0xe4, 0x72, 0x76, 0x69]))).toBe('Järvi');
  });

  it('lets a per-source override win over a wrong header', () => {
    expect(decodeBody(cp1251, 'text/html; charset=iso-8859-1', 'windows-1251')).toContain('Вчера');
  });

  it('passes over a charset name the runtime does not know', () => {
    expect(detectCharset(new TextEncoder().encode('abc'), 'text/plain; charset=x-unknown')).toMatchObject({ charset: 'utf-8', origin: 'default' });
  });
});

describe('evidence', () => {
  it('keeps the hash, the size and a sample of a document', () => {
    const evidence = documentEvidence(documentOf('<html>\u0001hello</html>', { contentType: 'text/html' }), 10);
    expect(evidence).toEqual({
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      size: 19,
      contentType: 'text/html',
      sample: '<html> hel',
    });
  });
});
