/**
 * Highlighting benchmark in real Chromium over ../shared/news-pages (figures, not a timed test).
 *
 * Each page is freshly loaded for every measurement (scripts stripped, no extension), and medians
 * over BENCH_RUNS loads (default 5) are kept for: the floor (reading the page's text once with a
 * TreeWalker), our whole highlighting pass with the seed dictionary and with 10,000 terms, the
 * same pass with the JavaScript scanner in place of the WebAssembly one, the per-character work
 * alone with each, and mark.js doing the same job with the same terms. Prints per-page figures, ratios (median and
 * worst), dictionary load times, the content script's gzipped size and the longest pass.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { build } from 'vite';
import { watPlugin } from '../../src/build/vite-wat-plugin.ts';
import { chromium, type Page } from 'playwright-core';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import type { Catalogue } from '../../src/core/dictionary.ts';
import { packDictionary } from '../../src/core/stored-dictionary.ts';
import { CHROME_BUILD, CHROMIUM_PATH, NEWS_PAGES_DIR, ROOT, SEEDS_DIR, haveNewsPages } from '../support/paths.ts';
import { startServer } from '../support/server.ts';
import { compileForBench, syntheticCatalogue } from './synthetic-dictionary.ts';
import { median } from './figures.ts';
import { step } from './step-limit.ts';
import type { Engine } from './page-harness.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MARK_RUNS = Number(process.env.BENCH_MARK_RUNS ?? 3);
/** mark.js with 10,000 terms is slow enough that only a sample of pages is tried, each capped. */
const MARK_10K_PAGES = Number(process.env.BENCH_MARK_10K_PAGES ?? 6);
const MARK_CAP_MS = 10_000;

if (!haveNewsPages) {
  console.log(`bench skipped: ${NEWS_PAGES_DIR} is absent`);
  process.exit(0);
}

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '—');

async function harnessSource(): Promise<string> {
  const out = `${ROOT}.bench`;
  await build({
    configFile: false,
    plugins: [watPlugin()],
    logLevel: 'warn',
    build: {
      outDir: out,
      emptyOutDir: true,
      lib: { entry: `${ROOT}tests/bench/page-harness.ts`, formats: ['iife'], name: 'NgBenchHarness', fileName: () => 'harness.js' },
      minify: true,
    },
  });
  return readFileSync(`${out}/harness.js`, 'utf8');
}

function contentScriptGzip(): { files: string[]; bytes: number } {
  const manifest = JSON.parse(readFileSync(`${CHROME_BUILD}/manifest.json`, 'utf8')) as {
    content_scripts: { js: string[]; css?: string[] }[];
    web_accessible_resources?: { resources: string[] }[];
  };
  const files = [
    ...manifest.content_scripts.flatMap((c) => [...c.js, ...(c.css ?? [])]),
    ...(manifest.web_accessible_resources ?? []).flatMap((w) => w.resources),
  ];
  const bytes = files.reduce((n, f) => n + gzipSync(readFileSync(`${CHROME_BUILD}/${f}`)).length, 0);
  return { files, bytes };
}

async function main(): Promise<void> {
  const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
  const bigCatalogue = syntheticCatalogue(SEEDS_DIR, 10_000);
  // As storage keeps them (packed) and a page loads them.
  const seedJson = JSON.stringify(packDictionary(compileDictionary(catalogue, seeds).compiled));
  const bigJson = JSON.stringify(packDictionary(compileForBench(bigCatalogue, SEEDS_DIR)));
  const seedTerms = aliasTexts(catalogue);
  const bigTerms = aliasTexts(bigCatalogue);
  const harness = await harnessSource();
  const require = createRequire(import.meta.url);
  const markSource = readFileSync(require.resolve('mark.js/dist/mark.min.js'), 'utf8');
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  /** A context that may only reach the local server: saved pages name many outside resources. */
  async function offlineContext() {
    const c = await browser.newContext({ bypassCSP: true });
    await c.route((url) => !url.href.startsWith('http://127.0.0.1:'), (route) => route.abort());
    return c;
  }
  let context = await offlineContext();
  let page: Page = await context.newPage();
  /** A new context and tab, after mark.js had to be abandoned or the renderer went away. */
  async function renew(): Promise<void> {
    await context.close().catch(() => undefined);
    context = await offlineContext();
    page = await context.newPage();
  }

  async function fresh(file: string): Promise<void> {
    try {
      await page.goto(server.url(`/news/${file}`), { waitUntil: 'load' });
    } catch {
      await renew();
      await page.goto(server.url(`/news/${file}`), { waitUntil: 'load' });
    }
  }
  async function floor(file: string) {
    await fresh(file);
    await page.evaluate(harness);
    return page.evaluate(() => (globalThis as never as { __ngBench: { floor: () => { ms: number; chars: number } } }).__ngBench.floor());
  }
  async function ours(file: string, json: string, engine: Engine = 'chosen') {
    await fresh(file);
    await page.evaluate(harness);
    return page.evaluate(
      ([j, e]) => (globalThis as never as { __ngBench: { ours: (j: string, e: Engine) => { loadMs: number; passMs: number; matches: number; chars: number; engine: string } } }).__ngBench.ours(j, e),
      [json, engine] as const,
    );
  }
  async function scanOnly(file: string, json: string, engine: Engine) {
    await fresh(file);
    await page.evaluate(harness);
    return page.evaluate(([j, e]) => (globalThis as never as { __ngBench: { scanOnly: (j: string, e: Engine) => { scanMs: number } } }).__ngBench.scanOnly(j, e), [json, engine] as const);
  }
  async function markjs(file: string, words: string[]): Promise<number> {
    await fresh(file);
    await page.evaluate(markSource);
    const run = page.evaluate((w) => {
      const t0 = performance.now();
      const MarkCtor = (globalThis as never as { Mark: new (el: Element) => { mark: (w: string[], o: object) => void } }).Mark;
      new MarkCtor(document.body).mark(w, {
        separateWordSearch: false,
        accuracy: { value: 'exactly', limiters: [',', '.', ';', ':', '!', '?', "'", '’', '"', '(', ')'] },
        diacritics: true,
        acrossElements: true,
        caseSensitive: false,
        exclude: ['script', 'style', 'noscript', 'textarea', 'input', 'select', '[contenteditable]'],
      });
      return performance.now() - t0;
    }, words);
    // mark.js throws on some pages (its regular expressions overflow the stack): counted as not finishing.
    const guarded = run.catch(() => NaN);
    const capped = new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), MARK_CAP_MS));
    const ms = await Promise.race([guarded, capped]);
    if (ms === Infinity) await renew();
    return ms;
  }

  const files = readdirSync(NEWS_PAGES_DIR).filter((f) => f.endsWith('.html') && (!process.env.BENCH_PAGES || process.env.BENCH_PAGES.split(',').includes(f))).sort();
  type Row = { file: string; chars: number; floor: number; seed: number; seedJs: number; scan: number; scanJs: number; big: number; mark: number; mark10k?: number; matches: number; seedLoad: number; bigLoad: number };
  const rows: Row[] = [];
  console.log(`${files.length} pages, ${RUNS} fresh loads per figure; seed dictionary ${seedTerms.length} terms, big dictionary ${bigTerms.length} terms\n`);
  console.log('(ours: the whole pass; js: the same with the JavaScript scanner; scan: the per-character work alone, WebAssembly / JavaScript)');
  console.log('page                                         chars   floor ms  ours ms    js ms  scan ms  scan js  10k ms  mark.js ms  ours/floor  10k/floor  mark/ours');
  const engines = new Set<string>();
  for (const [k, file] of files.entries()) {
    // Every page's figures under one time limit: a page that hangs ends the run with a message.
    await step(`page ${file}`, async () => {
      const f: number[] = [];
      const s: number[] = [];
      const b: number[] = [];
      const sl: number[] = [];
      const bl: number[] = [];
      const sc: number[] = [];
      const sj: number[] = [];
      const scj: number[] = [];
      let chars = 0;
      let matches = 0;
      for (let r = 0; r < RUNS; r++) {
        const fl = await floor(file);
        f.push(fl.ms);
        chars = fl.chars;
        const o = await ours(file, seedJson);
        s.push(o.passMs);
        sl.push(o.loadMs);
        matches = o.matches;
        engines.add(o.engine);
        const oj = await ours(file, seedJson, 'js');
        if (oj.matches !== o.matches) throw new Error(`${file}: the JavaScript scanner found ${oj.matches} matches, the WebAssembly one ${o.matches}`);
        sj.push(oj.passMs);
        const ob = await ours(file, bigJson);
        b.push(ob.passMs);
        bl.push(ob.loadMs);
        sc.push((await scanOnly(file, seedJson, 'chosen')).scanMs);
        scj.push((await scanOnly(file, seedJson, 'js')).scanMs);
      }
      const m: number[] = [];
      for (let r = 0; r < MARK_RUNS; r++) m.push(await markjs(file, seedTerms));
      const row: Row = { file, chars, floor: median(f), seed: median(s), seedJs: median(sj), scan: median(sc), scanJs: median(scj), big: median(b), mark: median(m), matches, seedLoad: median(sl), bigLoad: median(bl) };
      if (k % Math.max(1, Math.floor(files.length / MARK_10K_PAGES)) === 0 && rows.filter((x) => x.mark10k !== undefined).length < MARK_10K_PAGES) {
        row.mark10k = await markjs(file, bigTerms);
      }
      rows.push(row);
      console.log(
        `${file.slice(0, 42).padEnd(42)} ${String(chars).padStart(8)} ${fmt(row.floor).padStart(9)} ${fmt(row.seed).padStart(8)} ${fmt(row.seedJs).padStart(8)} ${fmt(row.scan).padStart(8)} ${fmt(row.scanJs).padStart(8)} ${fmt(row.big).padStart(7)} ${fmt(row.mark).padStart(11)} ${fmt(row.seed / row.floor).padStart(11)} ${fmt(row.big / row.floor).padStart(10)} ${fmt(row.mark / row.seed, 0).padStart(10)}`,
      );
    });
  }
  await browser.close();
  await server.close();

  const ratio = (xs: number[]) => `median ${fmt(median(xs))}×, worst ${fmt(Math.max(...xs))}×`;
  const size = existsSync(`${CHROME_BUILD}/manifest.json`) ? contentScriptGzip() : null;
  const m10 = rows.filter((r) => r.mark10k !== undefined);
  const largest = rows.reduce((a, r) => (r.chars > a.chars ? r : a));
  const summary = [
    '',
    `floor (TreeWalker read) median ${fmt(median(rows.map((r) => r.floor)), 3)} ms; our pass median ${fmt(median(rows.map((r) => r.seed)), 3)} ms (seed), ${fmt(median(rows.map((r) => r.big)), 3)} ms (10k)`,
    `ours / floor, seed dictionary (${seedTerms.length} terms): ${ratio(rows.map((r) => r.seed / r.floor))}`,
    `ours / floor, 10,000 terms: ${ratio(rows.map((r) => r.big / r.floor))}`,
    `10k pass / seed pass: ${ratio(rows.map((r) => r.big / r.seed))}`,
    `scanner chosen in the page: ${[...engines].join(', ')}`,
    `our pass with the JavaScript scanner instead: median ${fmt(median(rows.map((r) => r.seedJs)), 3)} ms, ${ratio(rows.map((r) => r.seedJs / r.floor))} the floor; WebAssembly pass / JavaScript pass: ${ratio(rows.map((r) => r.seed / r.seedJs))}`,
    `per-character work (normaliser and automaton over the text, first run on a fresh page, no DOM work): WebAssembly median ${fmt(median(rows.map((r) => r.scan)), 3)} ms, JavaScript ${fmt(median(rows.map((r) => r.scanJs)), 3)} ms (JavaScript / WebAssembly ${ratio(rows.map((r) => r.scanJs / r.scan))}); largest page (${largest.chars} characters) ${fmt(largest.scan)} ms and ${fmt(largest.scanJs)} ms`,
    `mark.js / ours, seed terms: median ${fmt(median(rows.map((r) => r.mark / r.seed)), 0)}×, least ${fmt(Math.min(...rows.map((r) => r.mark / r.seed)), 0)}×`,
    `mark.js with 10,000 terms (${m10.length} pages, capped at ${MARK_CAP_MS / 1000} s): ${m10.map((r) => `${r.file} ${Number.isFinite(r.mark10k!) ? `${fmt(r.mark10k!, 0)} ms (${fmt(r.mark10k! / r.big, 0)}× ours)` : 'did not finish'}`).join('; ')}`,
    `dictionary load in the page: seed median ${fmt(median(rows.map((r) => r.seedLoad)))} ms, 10k median ${fmt(median(rows.map((r) => r.bigLoad)))} ms (${(bigJson.length / 1e6).toFixed(1)} MB as stored)`,
    `longest highlighting pass (one task): seed ${fmt(Math.max(...rows.map((r) => r.seed)))} ms, 10k ${fmt(Math.max(...rows.map((r) => r.big)))} ms`,
    size ? `content script gzipped: ${(size.bytes / 1024).toFixed(1)} KB (${size.files.join(', ')})` : 'content script size: build dist/chrome first',
  ];
  console.log(summary.join('\n'));
  mkdirSync(`${ROOT}.bench`, { recursive: true });
  writeFileSync(`${ROOT}.bench/highlight-results.json`, JSON.stringify({ runs: RUNS, rows, summary }, null, 2));
}

/** Every alias of a catalogue as written, for mark.js. */
function aliasTexts(c: Catalogue): string[] {
  return c.entities.flatMap((e) => e.aliases.map((a) => (typeof a === 'string' ? a : a.text)));
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
