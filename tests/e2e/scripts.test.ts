/**
 * Pages in other scripts, in real Chromium and Firefox ESR: a right-to-left Persian page, an
 * Arabic page with joined clitics, a Chinese page without spaces and a Russian page are painted on
 * the names themselves; the card gives the name as the page's language writes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser } from '../support/browsers.ts';
import { haveBuilds, haveChromium, haveFirefox } from '../support/paths.ts';
import { readCardTitle, readHighlights, waitScanned } from '../support/page-probes.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { readPng } from '../support/png.ts';

/** Every box the extension's highlights cover on screen, in CSS pixels, and the device pixel ratio. */
function paintedBoxes(): { boxes: { left: number; top: number; right: number; bottom: number }[]; ratio: number } {
  const boxes = [...CSS.highlights.keys()].filter((k) => k.startsWith('newsgloss-'))
    .flatMap((k) => [...(CSS.highlights.get(k) ?? [])].flatMap((r) => [...(r as Range).getClientRects()]))
    .map((b) => ({ left: b.left, top: b.top, right: b.right, bottom: b.bottom }));
  return { boxes, ratio: devicePixelRatio };
}

const page = (lang: string, dir: string, body: string) =>
  `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><title>${lang}</title></head><body><article>${body}</article></body></html>`;

const PAGES: { path: string; html: string; expected: string[] }[] = [
  {
    path: '/fa.html',
    html: page('fa', 'rtl', '<h1>همکاری فناوری ایران و چین</h1><p>ستار هاشمي، وزير ارتباطات، در پکن با لی لچنگ دیدار کرد و درباره سند همکاری ۲۵ ساله گفت‌وگو کرد.</p>'),
    expected: ['ایران', 'چین', 'ستار هاشمي', 'پکن', 'لی لچنگ', 'سند همکاری ۲۵ ساله'],
  },
  {
    path: '/ar.html',
    html: page('ar', 'rtl', '<p>وقال عيسى زارع بور إن العلاقات بين إيران والصين تتوسع، بعد لقاء في طَهران وبكين.</p>'),
    expected: ['عيسى زارع بور', 'إيران', 'الصين', 'طَهران', 'بكين'],
  },
  {
    path: '/zh.html',
    html: page('zh', 'ltr', '<p>伊朗通信部长在北京会见了李乐成，双方讨论了中伊全面合作计划。</p>'),
    expected: ['伊朗', '北京', '李乐成', '中伊全面合作计划'],
  },
  {
    path: '/ru.html',
    html: page('ru', 'ltr', '<p>Министр Иса Зарепур прибыл в Пекин на встречу ШОС.</p>'),
    expected: ['Иса Зарепур', 'Пекин', 'ШОС'],
  },
];

for (const [name, launch, available] of [
  ['chromium', launchChromium, haveChromium],
  ['firefox', launchFirefox, haveFirefox],
] as const) {
  describe.skipIf(!available || !haveBuilds)(`pages in other scripts, in ${name}`, () => {
    let browser: TestBrowser;
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
      for (const p of PAGES) server.route(p.path, p.html);
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    for (const p of PAGES) {
      it(`paints the names of ${p.path}`, async () => {
        const tab = await browser.newPage();
        await tab.goto(server.url(p.path));
        expect(await tab.evaluate(waitScanned, 10_000)).toBe(true);
        const seen = await tab.evaluate(readHighlights, 5000);
        expect(seen.map((h) => h.text)).toEqual(p.expected);
        // Painted on the page where the text is (right-to-left included): every range has a box.
        expect(seen.every((h) => h.x >= 0 && h.y >= 0)).toBe(true);
        if (p.path === '/fa.html') {
          // What the reader sees on the right-to-left page: tinted pixels lie on the names' boxes,
          // each box is tinted, and nothing else on screen is.
          const { boxes, ratio } = await tab.evaluate(paintedBoxes, null);
          const shot = readPng(await tab.screenshot());
          const inBox = boxes.map(() => 0);
          let outside = 0;
          for (let y = 0; y < shot.height; y++) {
            for (let x = 0; x < shot.width; x++) {
              const o = (y * shot.width + x) * 4;
              const [r, g, b] = [shot.rgba[o], shot.rgba[o + 1], shot.rgba[o + 2]];
              if (Math.max(r, g, b) - Math.min(r, g, b) <= 12) continue;
              const cx = x / ratio;
              const cy = y / ratio;
              const i = boxes.findIndex((bx) => cx >= bx.left - 1 && cx <= bx.right + 1 && cy >= bx.top - 1 && cy <= bx.bottom + 1);
              if (i >= 0) inBox[i]++;
              else outside++;
            }
          }
          const areas = boxes.map((bx) => (bx.right - bx.left) * (bx.bottom - bx.top) * ratio * ratio);
          console.log(`${name} right-to-left screenshot: ${boxes.length} painted boxes, tinted share per box ${inBox.map((n, i) => (n / areas[i]).toFixed(2)).join(' ')}, tinted pixels elsewhere ${outside}`);
          expect(inBox.every((n, i) => n >= areas[i] * 0.3)).toBe(true);
          expect(outside).toBe(0);
          const china = seen.find((h) => h.text === 'چین')!;
          await tab.mouseMove(china.x, china.y);
          expect(await tab.inUi(readCardTitle, { expected: 'China', timeoutMs: 5000 })).toBe('China');
          const local = await tab.inUi((root) => root.querySelector('.card .local')?.textContent ?? null, null);
          expect(local).toBe('چین');
        }
        await tab.close();
      });
    }
  });
}
