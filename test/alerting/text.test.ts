import { describe, expect, it } from 'vitest';
import { asciiSubject, cleanText, formatCount, truncateWords } from '../../functions/alerting/text';

describe('message text safety', () => {
  it('strips control characters and line breaks so page text cannot inject headers', () => {
    expect(cleanText('Rajat\r\nBcc: evil@example.org\u0000 kiinni')).toBe('Rajat Bcc: evil@example.org kiinni');
  });

  it('strips markup from page text', () => {
    expect(cleanText('<b>Border</b> <script>x</script>closed')).toBe('Border x closed');
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
});
