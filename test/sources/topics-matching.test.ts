import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPICS, matchTopics } from '../../functions/sources/topics';

const about = (title: string, language: string, excerpt = '') => matchTopics({ title, excerpt, language });

describe('default topics', () => {
  it('match Finnish inflections of a stem: "rajoit" in rajoitukset and rajoituksia', () => {
    expect(about('Maahantulon rajoitukset tulevat voimaan', 'fi')).toEqual(['restriction']);
    expect(about('Hallitus valmistelee rajoituksia', 'fi')).toEqual(['restriction']);
  });

  it('match Finnish compounds where the stem is inside a word', () => {
    expect(about('Maahantulorajoitukset venäläisille matkailijoille', 'fi')).toEqual(['restriction']);
    expect(about('Turistiviisumin haltijat', 'fi')).toEqual(['visa']);
  });

  it('match Russian endings: закрытие, закрывает, мобилизация', () => {
    expect(about('Закрытие границы', 'ru')).toEqual(['closure']);
    expect(about('Финляндия закрывает КПП', 'ru')).toEqual(['closure']);
    expect(about('Частичная мобилизация', 'ru')).toEqual(['mobilization']);
  });

  it('match Russian visa case forms but not "визит" (a visit)', () => {
    expect(about('Ограничения для владельцев шенгенских виз', 'ru')).toEqual(['restriction', 'visa']);
    expect(about('Визит министра', 'ru')).toEqual([]);
  });

  it('match Swedish stems at a word start and in compounds: stäng, inreseförbud', () => {
    expect(about('Finland stänger gränsen', 'sv')).toEqual(['closure']);
    expect(about('Inreseförbud för ryska turister', 'sv')).toEqual(['restriction']);
    expect(about('Tillfällig gränsstängning', 'sv')).toEqual(['closure']);
  });

  it('match whole words only where a stem is marked so: "ban" but not "bank"', () => {
    expect(about('Finland to ban Russian tourists', 'en')).toEqual(['restriction']);
    expect(about('Central bank statement', 'en')).toEqual([]);
  });

  it('never match a plain stem inside another word', () => {
    // "visa" starts no word here: "revisal" and "improvisation" are not about visas.
    expect(about('Improvisation and revisal of the website', 'en')).toEqual([]);
  });

  it('match phrases across spaces and punctuation', () => {
    expect(about('Refused  entry: 120 travellers', 'en')).toEqual(['restriction']);
  });

  it('read the excerpt as well as the title', () => {
    expect(about('Tiedote', 'fi', 'Rajanylityspaikat suljetaan yöllä')).toEqual(['closure']);
  });

  it('use every language when the announcement has none the topics know', () => {
    expect(about('Asylum applications at the border', '')).toEqual(['asylum']);
    expect(about('Граница закрыта', 'und')).toEqual(['closure']);
  });

  it('use the announcement language first, so an English stem does not match Swedish "visa" (to show)', () => {
    expect(about('Tullen vill visa statistik', 'sv')).toEqual([]);
  });

  it('lists topics in the order the config declares them', () => {
    expect(Object.keys(DEFAULT_TOPICS)).toEqual(['closure', 'restriction', 'visa', 'mobilization', 'asylum']);
    expect(about('Mobilization: Finland closes the border and restricts visas', 'en')).toEqual(['closure', 'restriction', 'visa', 'mobilization']);
  });
});

describe('a source’s own topics', () => {
  it('replace the defaults when given', () => {
    const topics = { 'crossing-point': { fi: ['vaalima', 'nuijama'] } };
    expect(matchTopics({ title: 'Vaalimaan raja-asema suljetaan', excerpt: '', language: 'fi' }, topics)).toEqual(['crossing-point']);
  });

  it('match nothing for a topic whose stems are all empty', () => {
    expect(matchTopics({ title: 'anything at all', excerpt: '', language: 'en' }, { empty: { en: ['  ', '*'] } })).toEqual([]);
  });
});
