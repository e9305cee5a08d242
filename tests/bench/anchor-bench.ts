/**
 * Re-anchoring benchmark in real Chromium (figures, not a timed test): 200 saved highlights on the
 * largest saved news pages, anchored on a fresh load of the page as saved and of an edited copy
 * (paragraphs inserted, whitespace changed), by the content script's own layer. Medians over
 * BENCH_RUNS loads (default 5), next to the floor of reading the page's text once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { build } from 'vite';
import { watPlugin } from '../../src/build/vite-wat-plugin.ts';
import { chromium } from 'playwright-core';
import type { SavedHighlight } from '../../src/core/highlights.ts';
import { CHROMIUM_PATH, NEWS_PAGES_DIR, ROOT, haveNewsPages } from '../support/paths.ts';
import { startServer } from '../support/server.ts';
import { median } from './figures.ts';
import { step } from './step-limit.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const COUNT = Number(process.env.BENCH_HIGHLIGHTS ?? 200);
const PAGES = ['wikipedia-2.html', 'yahoo-2.html', 'guardian-1.html'];

if (!haveNewsPages) {
  console.log(`bench skipped: ${NEWS_PAGES_DIR} is absent`);
  process.exit(0);
}


type Api = {
  makeHighlights: (n: number) => SavedHighlight[];
  editPage: () => void;
  floor: () => number;
  anchor: (r: SavedHighlight[]) => { ms: number; found: number; chars: number };
};

async function main(): Promise<void> {
  const out = `${ROOT}.bench`;
  await build({
    configFile: false,
    plugins: [watPlugin()],
    logLevel: 'warn',
    build: {
      outDir: out, emptyOutDir: false, minify: true,
      lib: { entry: `${ROOT}tests/bench/anchor-harness.ts`, formats: ['iife'], name: 'NgAnchorHarness', fileName: () => 'anchor-harness.js' },
    },
  });
  const harness = readFileSync(`${out}/anchor-harness.js`, 'utf8');
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const context = await browser.newContext({ bypassCSP: true });
  await context.route((url) => !url.href.startsWith('http://127.0.0.1:'), (route) => route.abort());
  const page = await context.newPage();
  const api = <R, A>(fn: (a: Api, arg: A) => R, arg: A) =>
    page.evaluate(({ src, arg: a }) => new Function('a', 'arg', `return (${src})(a, arg)`)((globalThis as never as { __ngAnchor: Api }).__ngAnchor, a), { src: fn.toString(), arg }) as Promise<R>;
  const fresh = async (file: string) => {
    await page.goto(server.url(`/news/${file}`), { waitUntil: 'load' });
    await page.evaluate(harness);
  };

  console.log(`re-anchoring ${COUNT} highlights, Chromium, medians of ${RUNS} fresh loads`);
  for (const file of PAGES) {
    if (!existsSync(NEWS_PAGES_DIR + file)) continue;
    // Every page's figures under one time limit: a page that hangs ends the run with a message.
    await step(`page ${file}`, async () => {
      await fresh(file);
      const records = await api((a, n) => a.makeHighlights(n), COUNT);
      const floors: number[] = [];
      const same: { ms: number; found: number; chars: number }[] = [];
      const edited: { ms: number; found: number; chars: number }[] = [];
      for (let r = 0; r < RUNS; r++) {
        await fresh(file);
        floors.push(await api((a) => a.floor(), null));
        await fresh(file);
        same.push(await api((a, recs) => a.anchor(recs), records));
        await fresh(file);
        edited.push(await api((a, recs) => { a.editPage(); return a.anchor(recs); }, records));
      }
      const f = median(floors);
      const s = median(same.map((x) => x.ms));
      const e = median(edited.map((x) => x.ms));
      console.log(
        `  ${file.padEnd(18)} ${same[0].chars.toLocaleString('en')} chars  floor ${f.toFixed(2)} ms | as saved: ${s.toFixed(1)} ms (${(s / f).toFixed(1)}× floor), ` +
          `found ${same[0].found}/${records.length} | edited: ${e.toFixed(1)} ms (${(e / f).toFixed(1)}× floor), found ${edited[0].found}/${records.length}`,
      );
    });
  }
  await browser.close();
  await server.close();
}

await main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
