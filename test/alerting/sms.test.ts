import { describe, expect, it } from 'vitest';
import { fitSms, smsBudget, smsEncoding, smsLength, toGsm } from '../../functions/alerting/sms';

describe('SMS encoding and length', () => {
  it('keeps Finnish and Swedish letters in GSM-7, so a Finnish text has 160 characters', () => {
    expect(smsEncoding('Vaalimaa: ylitykset ääri, Åbo')).toBe('GSM-7');
    expect(smsBudget('Vaalimaa: ylitykset ääri, Åbo')).toBe(160);
  });

  it('needs UCS-2 for one Cyrillic letter, which leaves 70 characters', () => {
    expect(smsEncoding('Border closed: граница')).toBe('UCS-2');
    expect(smsBudget('Border closed: граница')).toBe(70);
  });

  it('needs UCS-2 for typographic punctuation outside GSM 03.38 (en dash, curly quotes)', () => {
    expect(smsEncoding('5,959 – up')).toBe('UCS-2');
    expect(smsEncoding('“closed”')).toBe('UCS-2');
  });

  it('counts characters of the GSM extension table twice', () => {
    expect(smsLength('a€[]~')).toBe(9);
    expect(smsEncoding('a€[]~')).toBe('GSM-7');
  });
});

describe('GSM-7 text', () => {
  it('romanizes Cyrillic', () => {
    expect(toGsm('Граница закрыта с 30 сентября')).toBe('Granitsa zakryta s 30 sentiabria');
  });

  it('replaces typographic punctuation and extension characters with one-septet stand-ins', () => {
    const text = toGsm('“Rajat” – 5 959 × 2 [lisätty] 10 €');
    expect(text).toBe('"Rajat" - 5 959 x 2 (lisätty) 10 EUR');
    expect(smsLength(text)).toBe(text.length);
  });

  it('drops what has no GSM-7 form and turns line breaks into spaces', () => {
    expect(toGsm('Raja 🚧 kiinni\r\nhuomenna')).toBe('Raja kiinni huomenna');
  });
});

describe('fitting an SMS into one segment', () => {
  const figures = '5,959 on 2022-09-22 vs 2,874 expected (x2.07).';
  const link = 'https://www.iltalehti.fi/kotimaa/a/f7febc8b-802a-45d8-91d0-84c8c9044207';

  it('keeps every part when they fit', () => {
    expect(fitSms([{ text: 'borderwatch SURGE FI:', fit: 'keep' }, { text: 'Vaalimaa', fit: 'shorten' }, { text: figures, fit: 'keep' }, { text: link, fit: 'drop' }])).toBe(
      `borderwatch SURGE FI: Vaalimaa ${figures} ${link}`,
    );
  });

  it('leaves out the link rather than shortening a name below its minimum', () => {
    const name = 'Russians entering Finland via Southeast Finland (Imatra, Nuijamaa, Vaalimaa)';
    const sms = fitSms([{ text: 'borderwatch SURGE FI:', fit: 'keep' }, { text: name, fit: 'shorten', minLength: 20 }, { text: figures, fit: 'keep' }, { text: link, fit: 'drop' }]);
    expect(sms).toBe(`borderwatch SURGE FI: ${name} ${figures}`);
  });

  it('shortens a long name at a word boundary and keeps the figures whole', () => {
    const name = 'Russians entering Finland via the Southeast Finland border crossing points '.repeat(3);
    const sms = fitSms([{ text: 'borderwatch SURGE FI:', fit: 'keep' }, { text: name, fit: 'shorten', minLength: 20 }, { text: figures, fit: 'keep' }]);
    expect(smsLength(sms)).toBeLessThanOrEqual(160);
    expect(sms.endsWith(`... ${figures}`)).toBe(true);
    const shortened = sms.slice('borderwatch SURGE FI: '.length, sms.indexOf('...'));
    expect(name.startsWith(shortened)).toBe(true);
    expect(name[shortened.length]).toBe(' ');
  });

  it('fits a text that needs UCS-2 into 70 characters without cutting a word or a number', () => {
    const sms = fitSms([{ text: 'Граница:', fit: 'keep' }, { text: 'Финляндия закрывает границу для российских туристов с визами', fit: 'shorten' }, { text: '5 959 человек', fit: 'keep' }]);
    expect(sms.length).toBeLessThanOrEqual(70);
    expect(sms).toBe('Граница: Финляндия закрывает границу для российских... 5 959 человек');
  });

  it('cuts the kept parts at a word boundary only when they alone do not fit', () => {
    const long = Array.from({ length: 40 }, (_, i) => `${1000 + i}`).join(' ');
    const sms = fitSms([{ text: long, fit: 'keep' }]);
    expect(smsLength(sms)).toBeLessThanOrEqual(160);
    expect(long.startsWith(sms.replace(/\.\.\.$/, ''))).toBe(true);
    expect(sms).toMatch(/ \d{4}\.\.\.$/);
  });

  it('counts extension characters when fitting: a link that fits by characters but not by septets is left out', () => {
    const tilde = `https://e.org/~${'x'.repeat(44)}`;
    expect(`${'a'.repeat(100)} ${tilde}`).toHaveLength(160);
    expect(fitSms([{ text: 'a'.repeat(100), fit: 'keep' }, { text: tilde, fit: 'drop' }])).toBe('a'.repeat(100));
  });
});
