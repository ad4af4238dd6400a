import { describe, expect, it } from 'vitest';
import { asciiSubject, cleanText, formatCount, safeUrl, truncateWords } from '../../functions/alerting/text';

describe('message text safety', () => {
  it('strips control characters and line breaks so page text cannot inject headers', () => {
    expect(cleanText('Rajat\r\nBcc: evil@example.org\u0000 kiinni')).toBe('Rajat Bcc: evil@example.org kiinni');
  });

  it('strips markup from page text', () => {
    expect(cleanText('<b>Border</b> <script>x</script>closed')).toBe('Border x closed');
  });

  it('keeps ordinary text between angle brackets: only tags are markup', () => {
    expect(cleanText('queues < 2 h at Vaalimaa and > 3 h at Nuijamaa')).toBe('queues < 2 h at Vaalimaa and > 3 h at Nuijamaa');
  });

  it('makes SNS subjects printable ASCII under 100 characters, transliterating Finnish letters', () => {
    const subject = asciiSubject('Kaakkois-Suomen rajavartiosto: maahantulon rajoitukset – venäläiset matkailijat ' + 'pitkä '.repeat(20));
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.length).toBeLessThan(100);
    expect(subject.startsWith('Kaakkois-Suomen rajavartiosto: maahantulon rajoitukset - venalaiset matkailijat')).toBe(true);
  });

  it('never cuts a word or a number in half when shortening', () => {
    const text = 'Yesterday 8,314 Russians entered Finland via the Finnish-Russian land border, most of them at Vaalimaa';
    for (let max = 12; max < text.length; max += 7) {
      const short = truncateWords(text, max);
      expect(short.length).toBeLessThanOrEqual(max);
      const body = short.replace(/…$/, '');
      expect(text.startsWith(body)).toBe(true);
      const next = text[body.length];
      expect(next === undefined || next === ' ' || next === ',').toBe(true);
    }
  });

  it('groups thousands in counts with commas', () => {
    expect(formatCount(5959)).toBe('5,959');
    expect(formatCount(2873.5)).toBe('2,874');
  });

  it('romanizes Cyrillic in SNS subjects instead of dropping it', () => {
    expect(asciiSubject('Граница закрыта с 30.9.')).toBe('Granitsa zakryta s 30.9.');
  });

  it('accepts http(s) links from pages in their canonical form, so they cannot carry spaces or line breaks', () => {
    expect(safeUrl(' https://raja.fi/-/katsaus kaakkois\n')).toBe('https://raja.fi/-/katsaus%20kaakkois');
  });

  it('refuses links that are not http(s), carry credentials or are longer than 512 characters', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('https://user:secret@raja.fi/')).toBeUndefined();
    expect(safeUrl(`https://raja.fi/${'x'.repeat(600)}`)).toBeUndefined();
  });
});
