/**
 * The saved real news pages in ../shared/news-pages, in real Chromium with the extension: on each,
 * no page error, the DOM exactly as parsed (no host is added until a card opens), and highlights
 * that are real text of the page. Prints what was found per page.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type TestBrowser } from '../support/browsers.ts';
import { haveBuilds, haveChromium, haveNewsPages, NEWS_PAGES_DIR } from '../support/paths.ts';
import { waitScanned } from '../support/page-probes.ts';
import { startServer, type TestServer } from '../support/server.ts';

const pages = haveNewsPages ? readdirSync(NEWS_PAGES_DIR).filter((f) => f.endsWith('.html')).sort() : [];
if (!haveNewsPages) console.log(`news corpus skipped: ${NEWS_PAGES_DIR} is absent`);

describe.skipIf(!haveNewsPages || !haveChromium || !haveBuilds)('news corpus in chromium', () => {
  let browser: TestBrowser;
  let server: TestServer;
  const found: string[] = [];
  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    if (found.length) console.log(`highlights per page:\n${found.join('\n')}`);
    await browser?.close();
    await server?.close();
  });

  it.each(pages)('%s', async (file) => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        (window as unknown as { __before: string }).__before = document.documentElement.outerHTML;
      }, { once: true });
    });
    await page.goto(server.url(`/news/${file}`));
    expect(await page.evaluate(waitScanned, 15_000), 'scanned').toBe(true);
    const seen = await page.evaluate(() => {
      let count = 0;
      let bad = 0;
      const kinds: Record<string, number> = {};
      for (const [name, h] of CSS.highlights) {
        if (!name.startsWith('newsgloss-')) continue;
        for (const r of h) {
          const range = r as Range;
          count++;
          kinds[name.slice(10)] = (kinds[name.slice(10)] ?? 0) + 1;
          if (!range.toString().trim() || !document.body.contains(range.commonAncestorContainer)) bad++;
        }
      }
      return {
        count,
        bad,
        kinds,
        unchanged: (window as unknown as { __before: string }).__before === document.documentElement.outerHTML,
      };
    }, null);
    found.push(`${file.padEnd(48)} ${String(seen.count).padStart(4)}  ${JSON.stringify(seen.kinds)}`);
    expect(page.errors).toEqual([]);
    expect(seen.unchanged, 'DOM unchanged').toBe(true);
    expect(seen.bad, 'empty or stray ranges').toBe(0);
    await page.close();
  });
});
