/**
 * Sentences from real outlets' coverage of Iran–China cooperation, one block per language, with
 * the outlet named: which of the names they contain the seed pack finds (forms found / present).
 * `missed` lists, honestly, forms a reader would expect that are not found yet; the test fails
 * when one of them starts being found, so the figures stay true.
 */
import { describe, expect, it } from 'vitest';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { loadDictionary } from '../../src/core/dictionary.ts';
import { Scanner } from '../../src/core/scanner.ts';
import { SEEDS_DIR } from '../support/paths.ts';

const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
const dict = loadDictionary(compileDictionary(catalogue, seeds).compiled);

interface Sample {
  outlet: string;
  text: string;
  found: string[];
  missed: string[];
}

const SAMPLES: Record<string, Sample[]> = {
  Persian: [
    { outlet: 'Mehr News', text: 'هاشمی دیدار اخیر رؤسای جمهوری ایران و چین را نمادی از تعهد مشترک دو کشور دانست و اظهار داشت: تأکید بر اجرای کامل برنامه جامع همکاری ۲۵ ساله در این دیدار، نقشه راهی روشن برای آینده مشترک ایران و چین ترسیم کرده است.', found: ['iran=ایران', 'china=چین', 'iran-china-25-year-agreement=برنامه جامع همکاری ۲۵ ساله', 'iran=ایران', 'china=چین'], missed: [] },
    { outlet: 'Mashregh News', text: 'شانزدهمین نشست سران بریکس از ۲۲ تا ۲۴ اکتبر در کازان روسیه برگزار میشود.', found: ['kazan-summit-2024=شانزدهمین نشست سران بریکس', 'kazan=کازان', 'russia=روسیه'], missed: [] },
    { outlet: 'Eghtesad News', text: 'فوری/ توافق 25 ساله ایران و چین امضا شد', found: ['iran-china-25-year-agreement=توافق 25 ساله', 'iran=ایران', 'china=چین'], missed: [] },
    { outlet: 'Khabar-e Shahr', text: 'وزارت خارجه ایران با انتشار متن سند امضا شده توسط وزرای خارجه ایران و چین، اعلام کرد که این سند یک نقشه راه برای همکاریهای جامع دو کشور بوده و حاوی هیچ قراردادی نیست.', found: ['iran=ایران', 'iran=ایران', 'china=چین'], missed: [] },
    { outlet: 'Mokhatab 24', text: 'یکی از مهمترین تغییرات دیپلماتیک چین، پایان ماموریت چانگ هوا در تهران و عزیمت وی به ریاض برای تصدی پست سفارت این کشور در عربستان سعودی و انتصاب زونگ پی وو مدیرکل اسبق آمریکای شمالی وزارت امور خارجه چین به عنوان سفیر این کشور در ایران بود.', found: ['china=چین', 'chang-hua=چانگ هوا', 'tehran=تهران', 'cong-peiwu=زونگ پی وو', 'china=چین', 'iran=ایران'], missed: [] },
    { outlet: 'Khabar-e Shahr', text: 'بر پایه سند منتشر شده توسط وزارت خارجه ایران، این برنامه همکاری ۲۵ ساله در سه بُعد سیاسی-راهبردی، اقتصادیو فرهنگی امضا شده است.', found: ['iran=ایران', 'iran-china-25-year-agreement=برنامه همکاری ۲۵ ساله'], missed: [] },
  ],
  Arabic: [
    { outlet: 'Al-Vefagh', text: 'واعتبر هاشمي أن اللقاء الأخير لرئيسي إيران والصين يمثل رمزاً للالتزام المشترك بين البلدين، مشيراً إلى أن التأكيد على التنفيذ الكامل للبرنامج الشامل للتعاون لمدة 25 عاماً خلال هذا اللقاء، قد رسم خارطة طريق واضحة.', found: ['iran=إيران', 'china=الصين', 'iran-china-25-year-agreement=برنامج الشامل للتعاون لمدة 25 عاما'], missed: [] },
    { outlet: 'Al-Vefagh', text: 'ووصل وزير الاتصالات وتكنولوجيا المعلومات الإيراني "ستار هاشمي"، الإثنين، إلى بكين بدعوة رسمية من نظيره الصيني "لي ليتشنغ"، حيث عقد الجانبان مباحثات لتعزيز التعاون التكنولوجي بين البلدين.', found: ['sattar-hashemi=ستار هاشمي', 'beijing=بكين', 'li-lecheng=لي ليتشنغ'], missed: [] },
    { outlet: 'Al-Vefagh', text: 'كما تحدث وزير الاتصالات وتكنولوجيا المعلومات الإيراني بشان وثيقة التعاون الستراتيجي الممتدة لـ 25 عاما بين طهران وبكين.', found: ['iran-china-25-year-agreement=وثيقة التعاون الستراتيجي الممتدة لـ 25 عاما', 'tehran=طهران', 'beijing=بكين'], missed: [] },
    { outlet: 'Vetogate', text: 'تبدأ اليوم الثلاثاء أعمال قمة البريكس السادسة عشرة في مدينة قازان الروسية، وتستمر حتى 24 أكتوبر الجاري.', found: ['kazan-summit-2024=قمة البريكس السادسة عشرة', 'kazan=قازان'], missed: [] },
    { outlet: 'Elbalad', text: 'وقع وزيرا خارجية إيران والصين ، اليوم السبت ، اتفاقية مدتها 25 عاما لتطوير التعاون بين البلدين في مختلف المجالات، وفق ما ذكرت وكالة تسنيم الإيرانية.', found: ['iran=إيران', 'china=الصين', 'iran-china-25-year-agreement=اتفاقية مدتها 25 عاما'], missed: [] },
    { outlet: 'Tasnim (Arabic)', text: 'وصرح "تشونغ بيوو" قائلاً: إن العلاقات الودية بين الصين وإيران متينة.', found: ['cong-peiwu=تشونغ بيوو', 'china=الصين', 'iran=إيران'], missed: [] },
    { outlet: 'Al Arab', text: 'يقدم وزير الاتصالات وتكنولوجيا المعلومات الإيراني محمد جواد آذري جهرمي صورة مختلفة عن المسؤولين الإيرانيين وممثلي النظام.', found: ['azari-jahromi=محمد جواد آذري جهرمي'], missed: [] },
    { outlet: 'Youm7', text: 'قال وزير الإتصالات الإيرانى، محمد جواد آذرى جهرمى، "سأستمر في الدعوة للدفاع عن حق الحصول على خدمة الإنترنت ولن أدع أمريكا تمنع عملية التنمية بإيران". وأضاف جهرمي في تغريدة له.', found: ['azari-jahromi=محمد جواد آذرى جهرمى', 'united-states=أمريكا', 'iran=إيران', 'azari-jahromi=جهرمي'], missed: [] },
    { outlet: 'Elbalad', text: 'وفي إشارة إلى العلاقات التاريخية والودية بين طهران وبكين ، شدد على أهمية التعاون الثنائي.', found: ['tehran=طهران', 'beijing=بكين'], missed: [] },
  ],
  Urdu: [
    { outlet: 'Siasat Urdu', text: 'تہران ۔ ایران اور چین آئندہ پچیس سال کے لئے ایک تعاون معاہدے پر دستخط کرنے جارہے ہیں۔', found: ['tehran=تہران', 'iran=ایران', 'china=چین'], missed: ['iran-china-25-year-agreement=پچیس سال کے لئے ایک تعاون معاہدے (the number in words, before the noun with a postposition)'] },
  ],
  Russian: [
    { outlet: 'M24', text: 'Президент Ирана Масуд Пезешкиан примет участие в саммите БРИКС, который пройдет с 22 по 24 октября в Казани.', found: ['iran=Ирана', 'kazan=Казани'], missed: ['kazan-summit-2024=саммите БРИКС (the summit named apart from its city)'] },
    { outlet: 'Kommersant', text: 'Россия и Иран могут подписать договор о всеобъемлющем стратегическом партнерстве на саммите БРИКС в Казани.', found: ['russia=Россия', 'iran=Иран', 'kazan-summit-2024=саммите БРИКС в Казани'], missed: [] },
    { outlet: 'Lenta.ua', text: 'Иран и Китай подписали соглашение о стратегическом партнёрстве сроком на 25 лет.', found: ['iran=Иран', 'china=Китай', 'iran-china-25-year-agreement=соглашение о стратегическом партнёрстве сроком на 25 лет'], missed: [] },
    { outlet: 'Lenta.ua', text: 'Пекин будет в приоритетном порядке поставлять Тегерану вакцины от коронавируса.', found: ['beijing=Пекин', 'tehran=Тегерану'], missed: [] },
    { outlet: 'Rossa Primavera', text: 'Цун Пейу прибыл в иранскую столицу Тегеран накануне, 10 мая. Он заменит Чан Хуа, который служил в посольстве Китая в Тегеране в течение последних пяти лет.', found: ['cong-peiwu=Цун Пейу', 'tehran=Тегеран', 'chang-hua=Чан Хуа', 'china=Китая', 'tehran=Тегеране'], missed: [] },
    { outlet: 'ABNA', text: 'Мы готовы сотрудничать в реализации всех положений 25-летнего всеобъемлющего соглашения между двумя странами.', found: ['iran-china-25-year-agreement=25-летнего всеобъемлющего соглашения'], missed: [] },
  ],
  Chinese: [
    { outlet: 'China News Service', text: '当地时间10月23日下午,习近平在出席会晤期间会见伊朗总统佩泽希齐扬。金砖国家领导人第十六次会晤在喀山会展中心举行。', found: ['iran=伊朗', 'kazan-summit-2024=金砖国家领导人第十六次会晤', 'kazan=喀山'], missed: [] },
    { outlet: 'World Journal', text: '伊朗总统莱希正计划访问北京,也将是2018年时任伊朗总统鲁哈尼到访青岛以来,第二位访问中国的伊朗总统。', found: ['iran=伊朗', 'beijing=北京', 'iran=伊朗', 'china=中国', 'iran=伊朗'], missed: [] },
    { outlet: 'China News Service', text: '双方要落实好两国全面合作计划,推进共建“一带一路”。中方愿同伊方加强在联合国、上合组织、金砖等多边机制的沟通协调。', found: ['sco=上合组织'], missed: ['iran-china-25-year-agreement=两国全面合作计划 ("the two countries’" instead of 中伊)'] },
  ],
};

/** The seed pack's matches in `text`, with the story around them (the agreement's pattern needs it). */
function find(text: string): string[] {
  const scanner = new Scanner(dict);
  const story = 'Sattar Hashemi met Li Lecheng. ';
  scanner.feed(story);
  scanner.boundary();
  scanner.feed(text);
  const all = `${story}${text}`;
  return scanner.finish().filter((m) => m.start >= story.length).map((m) => `${dict.entities.get(m.entity).id}=${all.slice(m.start, m.end)}`);
}

describe('real outlets’ sentences in five languages', () => {
  const figures: string[] = [];
  for (const [language, samples] of Object.entries(SAMPLES)) {
    it(`${language}: the expected forms are found, the known misses are not`, () => {
      let found = 0;
      let present = 0;
      for (const s of samples) {
        expect(find(s.text), s.outlet).toEqual(s.found);
        for (const miss of s.missed) expect(find(s.text).some((f) => miss.startsWith(`${f} `) || miss === f), `${s.outlet}: ${miss}`).toBe(false);
        found += s.found.length;
        present += s.found.length + s.missed.length;
      }
      figures.push(`${language}: ${found}/${present} forms found (${samples.map((s) => s.outlet).filter((o, i, a) => a.indexOf(o) === i).join(', ')})`);
      if (figures.length === Object.keys(SAMPLES).length) console.log(figures.join('\n'));
    });
  }
});
