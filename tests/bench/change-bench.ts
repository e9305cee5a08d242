/**
 * What a change to the reader's dictionary costs the tabs already open, in real Chromium (figures,
 * not a timed test). Two tabs show a seed article: one on a site the reader paused, one not. The
 * background's stored dictionary is replaced (as a pack edit replaces it); each tab's main thread
 * is traced from the write until the open tab has repainted with the new dictionary, and a little
 * after. The pages run no script of their own, so every task in the window is the change's.
 *
 * BENCH_DICTIONARY sets the reader entities added to the seed pack (default 100,000; 0 for the
 * seed pack alone), BENCH_RUNS the changes measured per tab.
 */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { compileTerms } from '../../src/core/compile-terms.ts';
import { packDictionary } from '../../src/core/stored-dictionary.ts';
import { PAUSED_SITES_KEY } from '../../src/platform/browser.ts';
import { installedBuild, writeBenchDictionary, writeStorage } from './bench-dictionary.ts';
import { CHROME_BUILD, CHROMIUM_PATH, SEEDS_DIR } from '../support/paths.ts';
import { seedPageHtml } from '../support/seed-pages.ts';
import { startServer } from '../support/server.ts';
import { step } from './step-limit.ts';
import { median } from './figures.ts';
import { traceScript } from './trace-script.ts';
import { userEntities } from './synthetic-dictionary.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DICTIONARY_SIZE = Number(process.env.BENCH_DICTIONARY ?? 100_000);

/** A token for the highlight the open tab paints entities with: it changes when the tab repaints. */
async function markPaint(page: Page): Promise<void> {
  await page.evaluate(`(() => { window.__paint = CSS.highlights.get('newsgloss-topic'); })()`);
}
const repainted = (page: Page) => page.evaluate(`(() => { const h = CSS.highlights.get('newsgloss-topic'); return h !== undefined && h !== window.__paint; })()`) as Promise<boolean>;

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await check()); waited += 20) {
    if (waited > 60_000) throw new Error(`${what} after 60 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
  const packed = await step('compile the dictionary', async () => {
    const { records } = compileDictionary(catalogue, seeds);
    return packDictionary(compileTerms([...records, ...userEntities(DICTIONARY_SIZE)]).compiled);
  });
  const server = await startServer();
  server.route('/article.html', seedPageHtml(seeds[0]));
  const openUrl = server.url('/article.html');
  // The same server under another host name: a site of its own, which the reader pauses.
  const pausedUrl = openUrl.replace('127.0.0.1', 'localhost');
  const profile = mkdtempSync(join(tmpdir(), 'ng-change-'));
  const args = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', `--disable-extensions-except=${CHROME_BUILD}`, `--load-extension=${CHROME_BUILD}`];
  const context: BrowserContext = await step('launch', () => chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args }));
  const figures = { open: [] as { busy: number; longest: number }[], paused: [] as { busy: number; longest: number }[], browser: [] as { busy: number; longest: number }[] };
  try {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    const build = await step('the installed dictionary', () => installedBuild(worker));
    await step('write the dictionary', () => writeBenchDictionary(worker, build, packed, 'first'));
    await writeStorage(worker, { [PAUSED_SITES_KEY]: ['localhost'] });
    const open = await context.newPage();
    const paused = await context.newPage();
    // Each tab's renderer, from a trace of its load (the windows below show no URL).
    const pids = await step('open the tabs', async () => {
      const [openLoad, pausedLoad] = [
        await traceScript(context, open, openUrl, () => open.goto(openUrl)),
        await traceScript(context, paused, pausedUrl, () => paused.goto(pausedUrl)),
      ];
      await waitFor(() => open.evaluate(`CSS.highlights.has('newsgloss-topic')`) as Promise<boolean>, 'the open tab shows no highlights');
      return { open: openLoad.pid, paused: pausedLoad.pid };
    });
    if (pids.open === pids.paused) throw new Error('both tabs share a renderer: their figures could not be told apart');
    let change = 0;
    for (const [tab, pid, into] of [[open, pids.open, figures.open], [paused, pids.paused, figures.paused]] as const) {
      for (let r = 0; r < RUNS; r++) {
        await step(`change ${++change}`, async () => {
          await markPaint(open);
          const { busyMs, longestTaskMs, browserBusyMs, browserLongestTaskMs } = await traceScript(context, tab, { pid }, async () => {
            await writeBenchDictionary(worker, build, packed, String(change));
            // The positive sign that the change went round: the open tab painted with the new dictionary.
            await waitFor(() => repainted(open), 'the open tab did not repaint');
            await tab.waitForTimeout(300);
          });
          into.push({ busy: busyMs, longest: longestTaskMs });
          figures.browser.push({ busy: browserBusyMs, longest: browserLongestTaskMs });
        });
      }
    }
    const paintedPaused = await paused.evaluate(`[...CSS.highlights.values()].reduce((n, h) => n + h.size, 0)`) as number;
    if (paintedPaused !== 0) throw new Error('the paused tab shows highlights: the comparison would not hold');
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await server.close();
  }
  const line = (name: string, runs: { busy: number; longest: number }[]) =>
    `  ${name}: main thread busy ${median(runs.map((r) => r.busy)).toFixed(1)} ms (median of ${runs.length}), longest task ${Math.max(...runs.map((r) => r.longest)).toFixed(1)} ms`;
  console.log([
    `a dictionary change (the seed pack${DICTIONARY_SIZE ? ` and ${DICTIONARY_SIZE.toLocaleString('en')} reader entities` : ''}) as an open tab's main thread takes it, from the write until it has repainted and 300 ms more`,
    line('open tab, repainting', figures.open),
    line('tab on a paused site', figures.paused),
    line('the browser process over the same windows (taking the write, telling the tabs)', figures.browser),
  ].join('\n'));
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
