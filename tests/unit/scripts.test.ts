/**
 * Matching across scripts with the seed pack: Persian, Arabic, Urdu, Russian and Chinese forms of
 * the story's names, written the way those scripts vary (letter variants, diacritics, tatweel,
 * zero-width joiners, Persian digits, joined clitics, no spaces between Chinese words, Cyrillic
 * capitals). The sentences are written for these tests in each language's usual news style.
 */
import { describe, expect, it } from 'vitest';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { findMentions } from '../../src/core/article-mentions.ts';
import { loadDictionary } from '../../src/core/dictionary.ts';
import { normalize } from '../../src/core/normalize.ts';
import { Scanner } from '../../src/core/scanner.ts';
import { SEEDS_DIR } from '../support/paths.ts';

const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
const dict = loadDictionary(compileDictionary(catalogue, seeds).compiled);

/** The text of every match, as written on the page, with its entity. */
function found(text: string): string[] {
  const scanner = new Scanner(dict);
  scanner.feed(text);
  return scanner.finish().map((m) => `${dict.entities.get(m.entity).id}=${text.slice(m.start, m.end)}`);
}

describe('the normaliser across scripts', () => {
  it('folds Arabic-script letter variants, marks, tatweel, joiners and digits, one unit for one unit', () => {
    expect(normalize('ستار هاشمي')).toBe(normalize('ستار هاشمی'));
    expect(normalize('كتاب')).toBe(normalize('کتاب'));
    expect(normalize('فاطمة')).toBe(normalize('فاطمه'));
    expect(normalize('تـــهران')).toBe(normalize('تهران'));
    expect(normalize('طَهْرَان')).toBe(normalize('طهران'));
    expect(normalize('تہران')).toBe(normalize('تهران'));
    expect(normalize('إيران')).toBe(normalize('ایران'));
    expect(normalize('زارع‌پور')).toBe(normalize('زارعپور'));
    expect(normalize('۲۵ ساله')).toBe('25 ساله');
    expect(normalize('٢٥')).toBe('25');
    expect(normalize('ПЕКИН')).toBe(normalize('Пекин'));
  });
});

describe('names in other scripts (seed pack)', () => {
  it('Persian: letter variants, joiners and Persian digits', () => {
    expect(found('ستار هاشمي، وزير ارتباطات ايران، در پکن با لی لچنگ دیدار کرد.')).toEqual([
      'sattar-hashemi=ستار هاشمي', 'iran=ايران', 'beijing=پکن', 'li-lecheng=لی لچنگ',
    ]);
    expect(found('عیسی زارع‌پور گفت سند همکاری ۲۵ ساله با چین اجرا می‌شود.')).toEqual([
      'issa-zarepour=عیسی زارع‌پور', 'iran-china-25-year-agreement=سند همکاری ۲۵ ساله', 'china=چین',
    ]);
  });

  it('Persian: organisations and places named in full', () => {
    expect(found('سازمان منطقه آزاد چابهار و دانشگاه بین‌المللی چابهار با وزارت ارتباطات و فناوری اطلاعات همکاری می‌کنند.')).toEqual([
      'chabahar-free-zone-organization=سازمان منطقه آزاد چابهار', 'international-university-of-chabahar=دانشگاه بین‌المللی چابهار',
      'iran-ict-ministry=وزارت ارتباطات و فناوری اطلاعات',
    ]);
  });

  it('Arabic: joined clitics, diacritics, hamza forms', () => {
    expect(found('وقال وزير الاتصالات الإيراني عيسى زارع بور إن العلاقات بين إيران والصين تتوسع في طَهران وبكين.')).toEqual([
      'issa-zarepour=عيسى زارع بور', 'iran=إيران', 'china=الصين', 'tehran=طَهران', 'beijing=بكين',
    ]);
    // The clitic stays outside the painted name.
    // Letters joined before a name that are not a clitic make another word: no match.
    expect(found('مسيطهران')).toEqual([]);
  });

  it('Urdu: heh goal and the shared Persian forms', () => {
    expect(found('ایران اور چین کے وزرا نے تہران میں ملاقات کی۔')).toEqual(['iran=ایران', 'china=چین', 'tehran=تہران']);
  });

  it('Russian: capitals folded, acronyms with their case', () => {
    expect(found('Министр Иса Зарепур прибыл в ПЕКИН на встречу ШОС.')).toEqual([
      'issa-zarepour=Иса Зарепур', 'beijing=ПЕКИН', 'sco=ШОС',
    ]);
    expect(found('шос')).toEqual([]);
  });

  it('Arabic: a Persian name ending in heh is not the Arabic word that ends in teh marbuta', () => {
    // روسیه is Russia in Persian; روسية is the Arabic adjective "Russian" (feminine).
    expect(found('وقعت شركة روسية وشركة إيرانية اتفاقا في مدينة قازان الروسية.')).toEqual(['kazan=قازان']);
    expect(found('زار الوزير روسيا.')).toEqual(['russia=روسيا']);
    expect(found('سفر به روسیه و روسيه')).toEqual(['russia=روسیه', 'russia=روسيه']);
  });

  it('Russian: names declined in the other cases, and nothing else that continues them', () => {
    expect(found('Визит Ли Лэчэна в Тегеран: посол Китая встретился с Иса Зарепуром в Тегеране.')).toEqual([
      'li-lecheng=Ли Лэчэна', 'tehran=Тегеран', 'china=Китая', 'issa-zarepour=Иса Зарепуром', 'tehran=Тегеране',
    ]);
    expect(found('Китай и Пекин поддержали Россию; в России, в Пекине, с Пекином.')).toEqual([
      'china=Китай', 'beijing=Пекин', 'russia=Россию', 'russia=России', 'beijing=Пекине', 'beijing=Пекином',
    ]);
    // Adjectives and other words that begin like a name are not the name.
    expect(found('Иранский и китайский рынок; Китайская стена; Кита нет.')).toEqual([]);
    expect(found('Ираном и Китаем')).toEqual(['iran=Ираном', 'china=Китаем']);
  });

  it('Chinese: names matched without spaces between words', () => {
    expect(found('伊朗通信部长在北京会见了李乐成，双方讨论了中伊全面合作计划和上合组织框架下的合作。')).toEqual([
      'iran=伊朗', 'beijing=北京', 'li-lecheng=李乐成', 'iran-china-25-year-agreement=中伊全面合作计划', 'sco=上合组织',
    ]);
    expect(findMentions(dict, '中国和伊朗。').map((m) => m.entity)).toEqual(['china', 'iran']);
    expect(found('北航与欧洲和土耳其的大学合作。')).toEqual(['beihang-university=北航', 'europe=欧洲', 'turkey=土耳其']);
  });
});

describe('pattern aliases', () => {
  const AGREEMENT = 'iran-china-25-year-agreement';
  // Enough of the story around the agreement for its pattern (it has other senses) to count.
  const story = 'Sattar Hashemi met Li Lecheng in Beijing. ';
  const agreement = (text: string) => found(story + text).filter((f) => f.startsWith(`${AGREEMENT}=`)).map((f) => f.slice(AGREEMENT.length + 1));

  it('finds the agreement in other outlets’ wordings, from the number to the noun', () => {
    expect(agreement('They discussed the 25-year strategic cooperation pact.')).toEqual(['25-year strategic cooperation pact']);
    expect(agreement('Under the 25 year comprehensive deal, China invests.')).toEqual(['25 year comprehensive deal']);
    expect(agreement('The twenty-five-year roadmap was signed in 2021.')).toEqual(['twenty-five-year roadmap']);
    expect(agreement("L'accord de coopération de 25 ans a été signé.")).toEqual(['accord de coopération de 25 ans']);
    expect(agreement('Стороны обсудили 25-летнее соглашение.')).toEqual(['25-летнее соглашение']);
  });

  it('leaves other numbers, far numbers and other clauses alone', () => {
    expect(agreement('The 10-year bond deal closed.')).toEqual([]);
    expect(agreement('In 25 years, the old agreement with Iraq lapsed.')).toEqual([]);
    expect(agreement('It lasted 25 years. The agreement is new.')).toEqual([]);
  });

  it('counts only on pages about the story', () => {
    expect(found('The 25-year pact between the two clubs ended.')).toEqual([]);
  });
});
