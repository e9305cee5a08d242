/**
 * The whole extension measured from outside, in real Chromium (figures, not a timed test): for
 * saved news pages of every size (scripts stripped, served locally), the renderer main thread's
 * script time (from a DevTools trace, see trace-script.ts) with the built extension minus without it, over the floor of reading
 * the page's text once with a TreeWalker. Everything the extension costs a page is in it: loading
 * the content script, reading the dictionary from storage, scanning, painting. Targets: median
 * ≤ 2×, worst ≤ 4×.
 *
 * A second floor is measured the same way as ours, from outside: a bare extension whose content
 * script only reads the text once (the reader floor). What any extension pays to read a page's text
 * (its world made on the page, its script compiled and run) is in it, and the in-page loop leaves
 * all of that out, so both ratios are printed.
 *
 * Every load above is a page's first in a new tab, whose new renderer process compiles the content
 * script afresh. A reader following links on a site stays in one tab and one process, whose engine
 * keeps the script compiled: the next page in the same tab is measured too (with and without the
 * extension), and its ratio printed beside.
 *
 * BENCH_DICTIONARY=100000 measures the extension with the seed pack plus that many reader
 * entities, written to storage as the background keeps a compiled dictionary.
 *
 * BENCH_POLICY=no-wasm serves the pages under a policy that forbids WebAssembly, as many sites'
 * do: Chromium holds a content script to it, and ours then scans with JavaScript.
 */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { compileTerms } from '../../src/core/compile-terms.ts';
import { packDictionary, type PackedDictionary } from '../../src/core/stored-dictionary.ts';
import { installedBuild, writeBenchDictionary } from './bench-dictionary.ts';
import { CHROME_BUILD, CHROMIUM_PATH, NEWS_PAGES_DIR, SEEDS_DIR, haveNewsPages } from '../support/paths.ts';
import { userEntities } from './synthetic-dictionary.ts';
import { startServer, stripScripts, type TestServer } from '../support/server.ts';
import { step } from './step-limit.ts';
import { median } from './figures.ts';
import { traceScript } from './trace-script.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** How many saved pages, spread over every size (`all` for every one). */
const PAGES_SETTING = process.env.BENCH_PAGES ?? '12';
/** Or named pages, comma-separated (for looking at one page closely). */
const NAMED = /^\d+$|^all$/.test(PAGES_SETTING) ? null : PAGES_SETTING.split(',').map((f) => f.trim());
const PAGES = PAGES_SETTING === 'all' ? Infinity : Number(PAGES_SETTING);
/** Reader entities added to the seed pack (0: the seed pack as installed). */
const DICTIONARY_SIZE = Number(process.env.BENCH_DICTIONARY ?? 0);
/** `no-wasm`: pages served under a policy that forbids WebAssembly (see the file's comment). */
const POLICY = process.env.BENCH_POLICY ?? '';
if (POLICY !== '' && POLICY !== 'no-wasm') {
  console.error(`BENCH_POLICY must be no-wasm or unset, not ${POLICY}`);
  process.exit(2);
}

if (!haveNewsPages) {
  console.log(`bench skipped: ${NEWS_PAGES_DIR} is absent`);
  process.exit(0);
}


/** Pages spread over every size: sorted by their HTML's length, one every n-th. */
function pickPages(): string[] {
  if (NAMED) return NAMED;
  const all = readdirSync(NEWS_PAGES_DIR).filter((f) => f.endsWith('.html'))
    .map((f) => ({ f, n: readFileSync(join(NEWS_PAGES_DIR, f)).length }))
    .sort((a, b) => a.n - b.n);
  if (PAGES >= all.length) return all.map((p) => p.f);
  const step = all.length / PAGES;
  return Array.from({ length: Math.min(PAGES, all.length) }, (_, i) => all[Math.floor(i * step + step / 2)].f);
}

type Mode = 'without' | 'reader' | 'with';

/** The highlight each mode's page shows once its content script is done (none without an extension). */
const DONE_MARK: Record<Mode, string | null> = { without: null, reader: 'newsgloss-reader-floor', with: 'newsgloss-topic' };

/**
 * The reader floor: an extension whose content script, run when ours is, reads the text once with
 * a TreeWalker and registers an empty highlight so that the bench sees it has run.
 */
function writeReaderExtension(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ng-reader-floor-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({
    manifest_version: 3, name: 'reader floor', version: '1',
    content_scripts: [{ matches: ['http://*/*', 'https://*/*'], js: ['reader.js'], run_at: 'document_idle' }],
  }));
  writeFileSync(join(dir, 'reader.js'), `(() => {
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let chars = 0;
  for (let n = w.nextNode(); n; n = w.nextNode()) chars += n.data.length;
  CSS.highlights.set(${JSON.stringify(DONE_MARK.reader)}, new Highlight());
  return chars;
})();
`);
  return dir;
}

/** The seed pack plus DICTIONARY_SIZE reader entities, compiled as the background compiles them. */
function largerDictionary(): { packed: PackedDictionary; terms: number } | null {
  if (DICTIONARY_SIZE <= 0) return null;
  const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
  const { records } = compileDictionary(catalogue, seeds);
  const { compiled } = compileTerms([...records, ...userEntities(DICTIONARY_SIZE)]);
  return { packed: packDictionary(compiled), terms: compiled.termEntity.length };
}

async function launch(mode: Mode, readerExtension: string, dictionary: { packed: PackedDictionary; terms: number } | null): Promise<{ context: BrowserContext; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'ng-outside-'));
  const args = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
  const extension = mode === 'with' ? CHROME_BUILD : mode === 'reader' ? readerExtension : null;
  if (extension) args.push(`--disable-extensions-except=${extension}`, `--load-extension=${extension}`);
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args });
  // Only the local server and the extension's own files load (saved pages name many outside resources).
  // Frames get an empty document: a frame that fails or is not found shows the browser's error
  // page, whose own script would be counted.
  await context.route(() => true, (route) => {
    const request = route.request();
    if (request.resourceType() === 'document' && request.frame().parentFrame()) return route.fulfill({ status: 200, contentType: 'text/html', body: '' });
    const href = request.url();
    return href.startsWith('http://127.0.0.1:') || href.startsWith('chrome-extension:') ? route.continue() : route.fulfill({ status: 204, body: '' });
  });
  if (mode === 'with') {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    // The background writes the compiled dictionary on install: a first page waits for it.
    // A larger one replaces it once it is there, under the same build's stamp (so it is kept).
    if (dictionary) {
      await writeBenchDictionary(worker, await installedBuild(worker), dictionary.packed, String(dictionary.terms));
    }
  }
  return { context, profile };
}

/**
 * The renderer's private memory in MB (what the tab alone holds: JavaScript heaps, the scanner's
 * WebAssembly memory, the DOM, the highlights), after a garbage collection; NaN where the system
 * does not tell (the figure is read from Linux's /proc).
 */
async function privateMemoryMb(context: BrowserContext, page: Page, pid: number): Promise<number> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.detach();
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? NaN);
    return (kb('Private_Clean') + kb('Private_Dirty')) / 1024;
  } catch {
    return NaN;
  }
}

/** Loads `url` in `page` and waits until the mode's content script is done with it, and a little more. */
async function loadAndSettle(page: Page, url: string, mode: Mode): Promise<void> {
  const mark = DONE_MARK[mode];
  await page.goto(url, { waitUntil: 'load' });
  // Asked from outside, a one-line evaluation every 20 ms (waitForFunction's polling would run more of its own script in the page).
  // The run without the extension asks once too: the first evaluation sets up the driver's own
  // helper script in the page (about 2 ms), which is not the extension's cost.
  for (let waited = 0; !(await page.evaluate(`CSS.highlights.has(${JSON.stringify(mark ?? '')})`)) && mark; waited += 20) {
    if (waited > 30_000) throw new Error(`no ${mark} highlight on ${url} after 30 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  // Work the content script schedules after its first pass (idle-time rescans) settles too.
  await page.waitForTimeout(300);
}

/**
 * The next page read in the same tab (a link followed on the same site): the tab first shows
 * `before`, untraced, then `url` under the trace. Its renderer process is the one that showed
 * `before`, whose engine keeps the content script compiled, so what this measures is what the
 * extension costs every page after a site's first in a tab. Script time only, as `load`'s.
 */
async function loadNext(context: BrowserContext, before: string, url: string, mode: Mode): Promise<number> {
  const page = await context.newPage();
  await loadAndSettle(page, before, mode);
  // From the new page's first event: the previous page's last work (its idle-time rescans, its
  // going away) is not this page's cost.
  const { scriptMs, repliesMs } = await traceScript(context, page, url, () => loadAndSettle(page, url, mode), true);
  await page.close();
  return scriptMs + repliesMs;
}

/** One fresh load: its script time (ms), its longest tasks, the tab's memory, and for the run without the extension the TreeWalker floor. */
async function load(context: BrowserContext, url: string, mode: Mode): Promise<{ script: number; replies: number; floor: number; chars: number; longest: number; longestScript: number; browserLongest: number; memory: number }> {
  const page = await context.newPage();
  // The longest task from the trace: the page's own long-task observer misses tasks that run
  // extension messages (a storage read's reply, where the content script starts).
  const { scriptMs, repliesMs: replies, longestTaskMs: longest, longestScriptTaskMs: longestScript, browserLongestTaskMs: browserLongest, pid } = await traceScript(context, page, url, () => loadAndSettle(page, url, mode));
  // A storage read's answer is made into values outside any script event: counted with the script.
  const script = scriptMs + replies;
  const memory = await privateMemoryMb(context, page, pid);
  let floor = 0;
  let chars = 0;
  if (mode === 'without') {
    // Written as text: the bench runs through tsx, whose helpers do not exist in the page.
    ({ floor, chars } = await page.evaluate(`(() => {
      const t0 = performance.now();
      const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      let chars = 0;
      for (let n = w.nextNode(); n; n = w.nextNode()) chars += n.data.length;
      return { floor: performance.now() - t0, chars };
    })()`) as { floor: number; chars: number });
  }
  await page.close();
  return { script, replies, floor, chars, longest, longestScript, browserLongest, memory };
}

/** A saved page's address: as saved, or under the policy BENCH_POLICY names. */
function pageUrlOf(server: TestServer, pages: readonly string[]): (file: string) => string {
  if (POLICY !== 'no-wasm') return (file) => server.url(`/news/${file}`);
  for (const file of pages) server.route(`/no-wasm/${file}`, stripScripts(readFileSync(join(NEWS_PAGES_DIR, file), 'utf8')), "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:");
  return (file) => server.url(`/no-wasm/${file}`);
}

async function main(): Promise<void> {
  const server = await startServer();
  const pages = pickPages();
  const pageUrl = pageUrlOf(server, pages);
  const readerExtension = writeReaderExtension();
  const dictionary = await step('compile the dictionary', async () => largerDictionary());
  const rows = pages.map((file) => ({
    file, chars: 0, floor: 0, without: 0, reader: 0, with: 0, longWithout: 0, longWith: 0, ourLong: 0, scriptLongWithout: 0,
    browserLong: { without: 0, reader: 0, with: 0 } as Record<Mode, number>,
    /** Script time of the next page in the same tab (see loadNext), without and with the extension. */
    next: { without: 0, reader: 0, with: 0 } as Record<Mode, number>,
    memory: { without: NaN, reader: NaN, with: NaN } as Record<Mode, number>,
    replies: { without: 0, reader: 0, with: 0 } as Record<Mode, number>,
  }));
  for (const mode of ['without', 'reader', 'with'] as const) {
    const { context, profile } = await step(`launch (${mode})`, () => launch(mode, readerExtension, dictionary));
    try {
      // One first load that nobody counts: the dictionary is written to storage on install.
      await step(`warm-up (${mode})`, () => load(context, pageUrl(pages[0]), mode));
      for (const row of rows) {
        const runs = await step(`${row.file} (${mode})`, async () => {
          const out: Awaited<ReturnType<typeof load>>[] = [];
          for (let r = 0; r < RUNS; r++) out.push(await load(context, pageUrl(row.file), mode));
          return out;
        });
        row[mode] = median(runs.map((r) => r.script));
        row.memory[mode] = median(runs.map((r) => r.memory));
        row.replies[mode] = median(runs.map((r) => r.replies));
        row.browserLong[mode] = Math.max(...runs.map((r) => r.browserLongest));
        if (mode !== 'reader') row[mode === 'with' ? 'longWith' : 'longWithout'] = Math.max(...runs.map((r) => r.longest));
        if (mode === 'with') row.ourLong = Math.max(...runs.map((r) => r.longestScript));
        // The same measure without the extension: a page's own task can hold an empty microtask checkpoint.
        if (mode === 'without') row.scriptLongWithout = Math.max(...runs.map((r) => r.longestScript));
        if (mode === 'without') {
          row.floor = median(runs.map((r) => r.floor));
          row.chars = runs[0].chars;
        }
        if (mode !== 'reader') {
          // Reached from another saved page of the same local site.
          const before = pageUrl(pages[(pages.indexOf(row.file) + 1) % pages.length]);
          const next = await step(`${row.file} (${mode}, next page in the tab)`, async () => {
            const out: number[] = [];
            for (let r = 0; r < RUNS; r++) out.push(await loadNext(context, before, pageUrl(row.file), mode));
            return out;
          });
          row.next[mode] = median(next);
        }
      }
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
  await server.close();
  rmSync(readerExtension, { recursive: true, force: true });
  const ratios = rows.map((r) => Math.max(0, r.with - r.without) / Math.max(0.1, r.floor));
  const readerRatios = rows.map((r) => Math.max(0, r.with - r.without) / Math.max(0.1, r.reader - r.without));
  const nextRatios = rows.map((r) => Math.max(0, r.next.with - r.next.without) / Math.max(0.1, r.floor));
  // What any extension pays to read the text once, over the same floor: the bound the targets meet.
  const readerOverFloor = rows.map((r) => Math.max(0, r.reader - r.without) / Math.max(0.1, r.floor));
  const memory = (r: (typeof rows)[number], mode: Mode) => r.memory[mode] - r.memory.without;
  const mb = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
  const ourMemory = rows.map((r) => memory(r, 'with')).filter(Number.isFinite);
  console.log([
    `dictionary: the seed pack${dictionary ? ` and ${DICTIONARY_SIZE.toLocaleString('en')} reader entities (${dictionary.terms.toLocaleString('en')} terms)` : ''}${POLICY === 'no-wasm' ? '; pages served under a policy that forbids WebAssembly (our content script scans with JavaScript)' : ''}`,
    `medians of ${RUNS} fresh loads per page; ours = main-thread script time (and storage replies made into values) with the extension minus without; floor = one TreeWalker read of the text in the page; reader = the same read by a bare extension's content script, from outside like ours (minus without)`,
    'long w/o, long with: the longest main-thread task of the runs, any task (the page\'s own layout is in it and varies by tens of ms); our long: the longest task with the extension in which script ran or a reply was made into values (the pages\' scripts are stripped); replies: the part of ours spent making replies into values (with minus without)',
    'MB: the tab\'s private memory after a garbage collection, with the extension (or the reader floor\'s) minus without',
    'next: ours on the next page read in the same tab (reached from another saved page of the site: its renderer, which keeps the content script compiled, shows it), with minus without',
    `${'page'.padEnd(32)} ${'chars'.padStart(7)} ${'floor'.padStart(6)} ${'reader'.padStart(6)} ${'without'.padStart(7)} ${'with'.padStart(6)} ${'ours'.padStart(6)} ${'/floor'.padStart(7)} ${'/reader'.padStart(7)} ${'long w/o'.padStart(8)} ${'long with'.padStart(9)} ${'our long'.padStart(8)} ${'replies'.padStart(7)} ${'MB reader'.padStart(9)} ${'MB ours'.padStart(7)} ${'next'.padStart(6)} ${'/floor'.padStart(7)}`,
    ...rows.map((r, i) => `${r.file.slice(0, 32).padEnd(32)} ${String(r.chars).padStart(7)} ${r.floor.toFixed(2).padStart(6)} ${(r.reader - r.without).toFixed(1).padStart(6)} ${r.without.toFixed(1).padStart(7)} ${r.with.toFixed(1).padStart(6)} ${(r.with - r.without).toFixed(1).padStart(6)} ${ratios[i].toFixed(1).padStart(6)}× ${readerRatios[i].toFixed(1).padStart(6)}× ${r.longWithout.toFixed(0).padStart(8)} ${r.longWith.toFixed(0).padStart(9)} ${r.ourLong.toFixed(0).padStart(8)} ${(r.replies.with - r.replies.without).toFixed(1).padStart(7)} ${mb(memory(r, 'reader')).padStart(9)} ${mb(memory(r, 'with')).padStart(7)} ${(r.next.with - r.next.without).toFixed(1).padStart(6)} ${nextRatios[i].toFixed(1).padStart(6)}×`),
    `ours / floor: median ${median(ratios).toFixed(1)}×, worst ${Math.max(...ratios).toFixed(1)}× (targets ≤ 2×, ≤ 4×)`,
    `ours / reader floor: median ${median(readerRatios).toFixed(1)}×, worst ${Math.max(...readerRatios).toFixed(1)}×`,
    `reader floor / floor (a bare extension that only reads the text): median ${median(readerOverFloor).toFixed(1)}×, worst ${Math.max(...readerOverFloor).toFixed(1)}×`,
    `ours / floor, the next page in the same tab: median ${median(nextRatios).toFixed(1)}×, worst ${Math.max(...nextRatios).toFixed(1)}×`,
    `tasks over 50 ms in which our script ran (or a reply was made into values), where the same measure without the extension stays lower: ${rows.filter((r) => r.ourLong > 50 && r.ourLong > r.scriptLongWithout).map((r) => `${r.file} (${r.scriptLongWithout.toFixed(0)} → ${r.ourLong.toFixed(0)} ms)`).join(', ') || 'none'}; any task over 50 ms: on ${rows.filter((r) => r.longWith > 50).length} pages with the extension, ${rows.filter((r) => r.longWithout > 50).length} without it`,
    `the browser process's longest main-thread task during a load (where an extension's storage reads are answered; no window answers input meanwhile), most of the runs: median over the pages ${median(rows.map((r) => r.browserLong.without)).toFixed(0)} ms without the extension, ${median(rows.map((r) => r.browserLong.with)).toFixed(0)} ms with it; most ${Math.max(...rows.map((r) => r.browserLong.without)).toFixed(0)} and ${Math.max(...rows.map((r) => r.browserLong.with)).toFixed(0)} ms`,
    `a tab's memory with the extension minus without: ${ourMemory.length ? `median ${median(ourMemory).toFixed(1)} MB, most ${Math.max(...ourMemory).toFixed(1)} MB` : 'not read on this system'}`,
  ].join('\n'));
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
