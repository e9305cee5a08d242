/**
 * The reader's dictionary at scale (figures, not a timed test; every step has a time limit and a
 * step that overruns ends the run with a non-zero exit):
 *  1. compiling 10,000 and 100,000 user entities (Node): time, heap, compiled size;
 *  2. a page's cost over the text-read floor with the seed pack and with 100,000 entities, in
 *     Chromium over a sample of ../shared/news-pages (skipped when absent);
 *  3. importing a FollowTheMoney list of 10,000 entities through the dictionary page of the built
 *     extension: preview, import, and the page's longest main-thread task;
 *  4. proposals over 10,000 stored articles, computed in the dictionary page's worker.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { build } from 'vite';
import { watPlugin } from '../../src/build/vite-wat-plugin.ts';
import { chromium } from 'playwright-core';
import { compileTerms, type TermSource } from '../../src/core/compile-terms.ts';
import { packDictionary } from '../../src/core/stored-dictionary.ts';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { launchChromium } from '../support/browsers.ts';
import { CHROMIUM_PATH, NEWS_PAGES_DIR, ROOT, SEEDS_DIR, haveBuilds, haveChromium, haveNewsPages } from '../support/paths.ts';
import { startServer } from '../support/server.ts';
import { until } from '../support/wait.ts';
import { names, userEntities } from './synthetic-dictionary.ts';
import { STEP_LIMIT_MS, step } from './step-limit.ts';
import { median } from './figures.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PAGES = Number(process.env.BENCH_PAGES ?? 12);

const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');

function compileFigures(seedEntities: TermSource[]): Map<number, string> {
  const out = new Map<number, string>();
  console.log('1. Compiling user entities (Node, with the seed pack first)');
  for (const n of [10_000, 100_000]) {
    const entities = [...seedEntities, ...userEntities(n)];
    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const { compiled } = compileTerms(entities);
    const ms = performance.now() - t0;
    const heap = process.memoryUsage().heapUsed - heap0;
    const json = JSON.stringify(packDictionary(compiled));
    out.set(n, json);
    console.log(`   ${n.toLocaleString('en')} entities, ${compiled.termEntity.length.toLocaleString('en')} terms, ${compiled.automaton.states.toLocaleString('en')} states: ${fmt(ms, 0)} ms, heap +${fmt(heap / 1e6)} MB after compiling, ${fmt(json.length / 1e6)} MB stored`);
  }
  return out;
}

async function pageCost(seedJson: string, bigJson: string): Promise<void> {
  console.log(`\n2. A page's cost over the text-read floor (Chromium, ${PAGES} saved pages, median of ${RUNS} fresh loads)`);
  if (!haveNewsPages) return console.log(`   skipped: ${NEWS_PAGES_DIR} is absent`);
  await build({
    configFile: false,
    plugins: [watPlugin()], logLevel: 'warn',
    build: { outDir: `${ROOT}.bench`, emptyOutDir: false, lib: { entry: `${ROOT}tests/bench/page-harness.ts`, formats: ['iife'], name: 'NgBenchHarness', fileName: () => 'harness.js' }, minify: true },
  });
  const harness = readFileSync(`${ROOT}.bench/harness.js`, 'utf8');
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const context = await browser.newContext({ bypassCSP: true });
  await context.route((url) => !url.href.startsWith('http://127.0.0.1:'), (route) => route.abort());
  const page = await context.newPage();
  const all = readdirSync(NEWS_PAGES_DIR).filter((f) => f.endsWith('.html')).sort();
  const files = all.filter((_, i) => i % Math.max(1, Math.floor(all.length / PAGES)) === 0).slice(0, PAGES);
  type Bench = { floor: () => { ms: number }; ours: (j: string) => { loadMs: number; passMs: number; matches: number } };
  const run = async (file: string, json: string | null) => {
    await page.goto(server.url(`/news/${file}`), { waitUntil: 'load' });
    await page.evaluate(harness);
    return json === null
      ? { loadMs: 0, passMs: (await page.evaluate(() => (globalThis as never as { __ngBench: Bench }).__ngBench.floor())).ms, matches: 0 }
      : page.evaluate((j) => (globalThis as never as { __ngBench: Bench }).__ngBench.ours(j), json);
  };
  const seedRatio: number[] = [];
  const bigRatio: number[] = [];
  const bigLoad: number[] = [];
  console.log('   page                                    floor ms  seed pass  100k pass  100k load  seed/floor  100k/floor');
  for (const file of files) {
    const f: number[] = [];
    const s: number[] = [];
    const b: number[] = [];
    const l: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      f.push((await run(file, null)).passMs);
      s.push((await run(file, seedJson)).passMs);
      const big = await run(file, bigJson);
      b.push(big.passMs);
      l.push(big.loadMs);
    }
    seedRatio.push(median(s) / median(f));
    bigRatio.push(median(b) / median(f));
    bigLoad.push(median(l));
    console.log(`   ${file.slice(0, 38).padEnd(38)} ${fmt(median(f), 2).padStart(9)} ${fmt(median(s), 2).padStart(10)} ${fmt(median(b), 2).padStart(10)} ${fmt(median(l), 0).padStart(10)} ${fmt(seedRatio.at(-1)!, 2).padStart(11)} ${fmt(bigRatio.at(-1)!, 2).padStart(11)}`);
  }
  await browser.close();
  await server.close();
  console.log(`   pass over floor: seed pack median ${fmt(median(seedRatio), 2)}×, worst ${fmt(Math.max(...seedRatio), 2)}×; 100,000 entities median ${fmt(median(bigRatio), 2)}×, worst ${fmt(Math.max(...bigRatio), 2)}×`);
  console.log(`   loading the 100,000-entity dictionary in the page: median ${fmt(median(bigLoad), 0)} ms (${fmt(bigJson.length / 1e6)} MB as stored)`);
}

function ftmList(count: number): string {
  const all = names(count, 77);
  return all.map((n, i) => JSON.stringify({
    id: `bench-${i}`, schema: i % 3 === 0 ? 'Company' : 'Person', datasets: ['bench'],
    properties: i % 3 === 0 ? { name: [`${n} Holdings`], jurisdiction: ['ir'] } : { name: [n], alias: [n.split(' ').reverse().join(' ')], country: ['cn'] },
  })).join('\n');
}

/** Watches the page's main thread: the longest task since it was called. */
function watchLongTasks(): void {
  const w = window as unknown as { longest: number };
  w.longest = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration);
  }).observe({ type: 'longtask' });
}

async function inExtension(): Promise<void> {
  console.log('\n3. FollowTheMoney import of 10,000 entities through the dictionary page (Chromium, built extension)');
  if (!haveBuilds || !haveChromium) return console.log('   skipped: build the extension first (npm run build)');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.openExtensionPage(`${browser.extensionOrigin}/src/dictionary/index.html`);
    await until(() => page.evaluate(() => document.body.dataset.ready ?? null, null), (v) => v === 'true');
    await page.evaluate(() => [...document.querySelectorAll<HTMLButtonElement>('nav.tabs button')][1].click(), null);
    await page.evaluate(watchLongTasks, null);
    const text = ftmList(10_000);
    const t0 = Date.now();
    await page.evaluate((args: { text: string }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([args.text], 'bench-list.jsonl'));
      const input = document.querySelector('input[name=import-pack]') as HTMLInputElement;
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }, { text });
    await step('preview', () => until(() => page.evaluate(() => document.body.innerText.includes('New: 10000'), null), (v) => v, STEP_LIMIT_MS, 20));
    const preview = Date.now() - t0;
    const t1 = Date.now();
    await page.evaluate(() => (document.querySelector('button[name=confirm-import]') as HTMLButtonElement).click(), null);
    await step('import', () => until(() => page.evaluate(() => document.body.innerText.includes('Imported into'), null), (v) => v, STEP_LIMIT_MS, 20));
    const imported = Date.now() - t1;
    await step('compile', () => until(() => page.evaluate(() => document.body.innerText.includes('entities in use'), null), (v) => v, STEP_LIMIT_MS, 20));
    const compiled = Date.now() - t1;
    const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest, null);
    console.log(`   preview ${preview} ms, import ${imported} ms (${preview + imported} ms from choosing the file), compiled and stored for pages ${compiled} ms after Import; longest main-thread task on the page ${fmt(longest, 0)} ms`);

    console.log('\n4. Proposals over 10,000 stored articles (the dictionary page\'s worker)');
    const seeds = readSeedFolder(SEEDS_DIR).seeds.map((s) => s.text);
    const people = names(300, 5);
    const count = await step('store articles', () => page.evaluate(async (args: { seeds: string[]; people: string[] }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('newsgloss-coverage');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      // No helper functions in here: the page receives this function's text alone.
      let x = 1;
      for (let batch = 0; batch < 10; batch++) {
        const tx = db.transaction('articles', 'readwrite');
        for (let i = 0; i < 1000; i++) {
          const n = batch * 1000 + i;
          const base = args.seeds[n % args.seeds.length];
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          const start = Math.floor((x / 2 ** 32) * Math.max(1, base.length - 3000));
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          const who = [args.people[x % 300], args.people[(x >>> 9) % 300]];
          const text = `${who[0]} met officials on Monday. ${base.slice(start, start + 3000)} Minister ${who[1]} said the talks went well.`;
          tx.objectStore('articles').put({
            id: `bench-${n}`, url: `https://example.org/${n}`, title: `Story ${n}`, outlet: 'Bench', byline: null, published: '2026-01-01', lang: 'en',
            text, savedAt: n, origin: 'saved', mentions: [], entityIds: [], signature: [],
          });
        }
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
      }
      const tx = db.transaction('articles');
      const n = await new Promise<number>((resolve) => {
        const r = tx.objectStore('articles').count();
        r.onsuccess = () => resolve(r.result);
      });
      db.close();
      return n;
    }, { seeds, people }));
    await page.evaluate(watchLongTasks, null);
    const t2 = Date.now();
    await page.evaluate(() => [...document.querySelectorAll<HTMLButtonElement>('nav.tabs button')][2].click(), null);
    const summary = await step('proposals', () => until(() => page.evaluate(() => document.querySelector('section[aria-label="Proposals from coverage"] .status')?.textContent ?? '', null), (t) => t.includes('proposals from'), STEP_LIMIT_MS, 20));
    const first = Date.now() - t2;
    const longest2 = await page.evaluate(() => (window as unknown as { longest: number }).longest, null);
    // A new page and worker: every article now has its candidates stored, as articles saved by the extension do.
    await page.close();
    const again = await browser.newPage();
    await again.openExtensionPage(`${browser.extensionOrigin}/src/dictionary/index.html`);
    await until(() => again.evaluate(() => document.body.dataset.ready ?? null, null), (v) => v === 'true');
    await again.evaluate(watchLongTasks, null);
    const t3 = Date.now();
    await again.evaluate(() => [...document.querySelectorAll<HTMLButtonElement>('nav.tabs button')][2].click(), null);
    const second = await step('proposals again', () => until(() => again.evaluate(() => document.querySelector('section[aria-label="Proposals from coverage"] .status')?.textContent ?? '', null), (t) => t.includes('proposals from'), STEP_LIMIT_MS, 20));
    const shown = Date.now() - t3;
    const longest3 = await again.evaluate(() => (window as unknown as { longest: number }).longest, null);
    console.log(`   ${count.toLocaleString('en')} stored articles written without their candidates: ${summary.trim()} (shown ${first} ms after opening the tab; longest main-thread task ${fmt(longest2, 0)} ms)`);
    console.log(`   the same, candidates stored with each article (as the extension saves them), new page and worker: ${second.trim()} (shown ${shown} ms after opening the tab; longest main-thread task ${fmt(longest3, 0)} ms)`);
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
  const { compiled, records } = compileDictionary(catalogue, seeds);
  const seedJson = JSON.stringify(packDictionary(compiled));
  const compiledBy = await step('compile', async () => compileFigures(records));
  await step('page cost', () => pageCost(seedJson, compiledBy.get(100_000)!));
  await inExtension();
}

void main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
