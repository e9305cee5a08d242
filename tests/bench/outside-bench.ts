/**
 * The whole extension measured from outside, in real Chromium (figures, not a timed test): for
 * saved news pages of every size (scripts stripped, served locally), the renderer main thread's
 * script time (from a DevTools trace, see trace-script.ts) with the built extension minus without it, over the floor of reading
 * the page's text once with a TreeWalker. Everything the extension costs a page is in it: loading
 * the content script, reading the dictionary from storage, scanning, painting. Targets: median
 * ≤ 2×, worst ≤ 4×.
 */
import { chromium, type BrowserContext } from 'playwright-core';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROME_BUILD, CHROMIUM_PATH, NEWS_PAGES_DIR, haveNewsPages } from '../support/paths.ts';
import { startServer } from '../support/server.ts';
import { step } from './step-limit.ts';
import { median } from './figures.ts';
import { traceScript } from './trace-script.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** How many saved pages, spread over every size (`all` for every one). */
const PAGES_SETTING = process.env.BENCH_PAGES ?? '12';
/** Or named pages, comma-separated (for looking at one page closely). */
const NAMED = /^\d+$|^all$/.test(PAGES_SETTING) ? null : PAGES_SETTING.split(',').map((f) => f.trim());
const PAGES = PAGES_SETTING === 'all' ? Infinity : Number(PAGES_SETTING);

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

async function launch(withExtension: boolean): Promise<{ context: BrowserContext; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'ng-outside-'));
  const args = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
  if (withExtension) args.push(`--disable-extensions-except=${CHROME_BUILD}`, `--load-extension=${CHROME_BUILD}`);
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
  if (withExtension) {
    if (!context.serviceWorkers()[0]) await context.waitForEvent('serviceworker');
    // The background writes the compiled dictionary on install: a first page waits for it.
  }
  return { context, profile };
}

/** Script time of one fresh load (ms), its longest task, and for the run without the extension the TreeWalker floor. */
async function load(context: BrowserContext, url: string, withExtension: boolean): Promise<{ script: number; floor: number; chars: number; longest: number }> {
  const page = await context.newPage();
  // Tasks over 50 ms, as the page itself can observe them (the page's own parsing included).
  await page.addInitScript(`new PerformanceObserver((l) => { for (const e of l.getEntries()) globalThis.__ngLongest = Math.max(globalThis.__ngLongest ?? 0, e.duration); }).observe({ type: 'longtask', buffered: true });`);
  const { scriptMs: script } = await traceScript(context, page, url, async () => {
    await page.goto(url, { waitUntil: 'load' });
    // Asked from outside, a one-line evaluation every 20 ms (waitForFunction's polling would run more of its own script in the page).
    // The run without the extension asks once too: the first evaluation sets up the driver's own
    // helper script in the page (about 2 ms), which is not the extension's cost.
    for (let waited = 0; !(await page.evaluate('CSS.highlights.has("newsgloss-topic")')) && withExtension; waited += 20) {
      if (waited > 30_000) throw new Error(`no highlights on ${url} after 30 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Work the content script schedules after its first pass (idle-time rescans) settles too.
    await page.waitForTimeout(300);
  });
  const longest = (await page.evaluate('globalThis.__ngLongest ?? 0')) as number;
  let floor = 0;
  let chars = 0;
  if (!withExtension) {
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
  return { script, floor, chars, longest };
}

async function main(): Promise<void> {
  const server = await startServer();
  const pages = pickPages();
  const rows: { file: string; chars: number; floor: number; without: number; with: number; longWithout: number; longWith: number }[] = pages.map((file) => ({ file, chars: 0, floor: 0, without: 0, with: 0, longWithout: 0, longWith: 0 }));
  for (const mode of ['without', 'with'] as const) {
    const { context, profile } = await step(`launch (${mode})`, () => launch(mode === 'with'));
    try {
      // One first load that nobody counts: the dictionary is written to storage on install.
      await step(`warm-up (${mode})`, () => load(context, server.url(`/news/${pages[0]}`), mode === 'with'));
      for (const row of rows) {
        const runs = await step(`${row.file} (${mode})`, async () => {
          const out: Awaited<ReturnType<typeof load>>[] = [];
          for (let r = 0; r < RUNS; r++) out.push(await load(context, server.url(`/news/${row.file}`), mode === 'with'));
          return out;
        });
        row[mode] = median(runs.map((r) => r.script));
        row[mode === 'with' ? 'longWith' : 'longWithout'] = Math.max(...runs.map((r) => r.longest));
        if (mode === 'without') {
          row.floor = median(runs.map((r) => r.floor));
          row.chars = runs[0].chars;
        }
      }
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
  await server.close();
  const ratios = rows.map((r) => Math.max(0, r.with - r.without) / Math.max(0.1, r.floor));
  console.log([
    `medians of ${RUNS} fresh loads per page; ours = script time with the extension minus without; floor = one TreeWalker read of the text`,
    `${'page'.padEnd(40)} ${'chars'.padStart(8)} ${'floor'.padStart(7)} ${'without'.padStart(8)} ${'with'.padStart(8)} ${'ours'.padStart(8)} ${'ratio'.padStart(7)} ${'long w/o'.padStart(9)} ${'long with'.padStart(9)}`,
    ...rows.map((r, i) => `${r.file.slice(0, 40).padEnd(40)} ${String(r.chars).padStart(8)} ${r.floor.toFixed(2).padStart(7)} ${r.without.toFixed(1).padStart(8)} ${r.with.toFixed(1).padStart(8)} ${(r.with - r.without).toFixed(1).padStart(8)} ${ratios[i].toFixed(1).padStart(6)}× ${r.longWithout.toFixed(0).padStart(9)} ${r.longWith.toFixed(0).padStart(9)}`),
    `ours / floor: median ${median(ratios).toFixed(1)}×, worst ${Math.max(...ratios).toFixed(1)}× (targets ≤ 2×, ≤ 4×)`,
    `longest task (over 50 ms, worst of the runs): ${rows.filter((r) => r.longWith > 0).length} pages with one when the extension runs, ${rows.filter((r) => r.longWithout > 0).length} without it; pages where it is longer with the extension: ${rows.filter((r) => r.longWith > r.longWithout).map((r) => `${r.file} (${r.longWithout.toFixed(0)} → ${r.longWith.toFixed(0)} ms)`).join(', ') || 'none'}`,
  ].join('\n'));
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
