/**
 * Coverage benchmark in real Chromium with the built extension (figures, not a timed test).
 *
 * Fills the extension's own database with 1,000 and then 10,000 generated articles (BENCH_SIZES
 * for others) made from the seeds' sentences (so they mention the seeds' entities in realistic
 * mixes) and as long as news articles are (BENCH_ARTICLE_SENTENCES), has the background build the
 * popup's ranking copy (its time and size reported), then opens the popup on a page made from seed
 * 000 several times and reports medians of: the time from the popup's navigation to its first
 * related item on screen, the copy's answer and the database's (each from the query's start), and
 * the timeline query for the most common entity (China).
 */
import { chromium, type BrowserContext } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { loadDictionary } from '../../src/core/dictionary.ts';
import { findMentions } from '../../src/core/article-mentions.ts';
import { articleId, textSignature, type ArticleRecord } from '../../src/core/coverage.ts';
import { splitSentences } from '../../src/core/sentences.ts';
import { mentionRows, type MentionRow } from '../../src/background/coverage-db.ts';
import { cardRow, type CardRow } from '../../src/core/related-copy.ts';
import { CHROME_BUILD, CHROMIUM_PATH, SEEDS_DIR } from '../support/paths.ts';
import { seedPageHtml } from '../support/seed-pages.ts';
import { startServer } from '../support/server.ts';
import { STEP_LIMIT_MS, step } from './step-limit.ts';
import { median } from './figures.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/**
 * Openings measured cold, each after the service worker was stopped (as after 30 s idle) and the
 * browser, with no connection left, closed the database (a few seconds after the last one went):
 * the browser's opening it again is then the larger part of a cold popup's wait, and it grows with
 * what the database holds.
 */
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 3);
/** How long a stopped worker's database is left before a cold opening: Chromium closes it 2 s after its last connection. */
const DATABASE_CLOSE_MS = 3000;
/**
 * Stored-article counts to measure at (beyond the seeds), comma-separated. 100000 articles of news
 * length took about 50 minutes to store here (1.9 GB of disk), over their store step's usual
 * limit: BENCH_STEP_LIMIT_MS=6000000 gives them the time. With BENCH_ARTICLE_SENTENCES=4-9 they
 * take about 15 minutes.
 */
const SIZES = (process.env.BENCH_SIZES ?? '0,1000,10000').split(',').map(Number);
/**
 * Sentences per generated article, lowest-highest: 20-60 of the seeds' sentences make about 2,700
 * to 8,100 characters (5,400 on average), a news article of 450 to 1,400 words. A cold opening
 * pays for the database's size, so articles of a few sentences made it look faster than it is.
 */
const ARTICLE_SENTENCES = (process.env.BENCH_ARTICLE_SENTENCES ?? '20-60').split('-').map(Number);
/**
 * Articles are written in transactions of about this many characters of text and timeline
 * sentences: under the 1 MB above which Chromium keeps a transaction's undo log on disk, as a
 * reader's saves are.
 */
const INSERT_CHARS = 256 * 1024;
const OUTLETS = ['Wire One', 'Daily Tech', 'Le Quotidien', 'Gulf Observer', 'Asia Desk', 'Policy Review'];

const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
const dict = loadDictionary(compileDictionary(catalogue, seeds).compiled);
const sentences = seeds.flatMap((s) => splitSentences(s.text).map((x) => x.trim()).filter((x) => x.length > 40));

let x = 2024;
const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);

function generate(from: number, count: number): ArticleRecord[] {
  const out: ArticleRecord[] = [];
  for (let i = from; i < from + count; i++) {
    const [fewest, most = fewest] = ARTICLE_SENTENCES;
    const n = fewest + Math.floor(rand() * (most - fewest + 1));
    const text = Array.from({ length: n }, () => sentences[Math.floor(rand() * sentences.length)]).join(' ') + ` (Report ${i}.)`;
    const url = `https://bench.example/story/${i}`;
    const mentions = findMentions(dict, text);
    const day = new Date(Date.UTC(2019, 0, 1) + Math.floor(rand() * 6 * 365) * 86_400_000).toISOString().slice(0, 10);
    out.push({
      id: articleId(url, text), url, title: `Story ${i}`, outlet: OUTLETS[i % OUTLETS.length], byline: null,
      published: day, lang: rand() < 0.8 ? 'en' : 'fr', text, mentions, entityIds: mentions.map((m) => m.entity),
      savedAt: Date.now(), origin: 'saved', signature: textSignature(text),
    });
  }
  return out;
}


/** Counts the stored articles, from inside the service worker. */
function storedCount(): Promise<number> {
  return new Promise<number>((resolve) => {
    const open = indexedDB.open('newsgloss-coverage');
    // Not there yet: create nothing (the background creates it at its own version).
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onerror = () => resolve(0);
    open.onsuccess = () => {
      if (!open.result.objectStoreNames.contains('articles')) {
        open.result.close();
        resolve(0);
        return;
      }
      const req = open.result.transaction('articles').objectStore('articles').count();
      req.onsuccess = () => {
        open.result.close();
        resolve(req.result);
      };
    };
  });
}

/**
 * Writes generated articles, their timeline rows and their ranking-copy cards straight into the
 * database (from an extension page), before any query, as the extension writes them.
 */
async function insert(worker: import('playwright-core').Page, records: ArticleRecord[]): Promise<void> {
  const writes = await insertArticles(worker, records);
  // The per-entity counts and the count of article writes the background keeps with every write it makes, added to the seeds'.
  await worker.evaluate((added: [string, number][]) => new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('newsgloss-coverage');
    open.onsuccess = () => {
      const tx = open.result.transaction('entityCounts', 'readwrite');
      const store = tx.objectStore('entityCounts');
      for (const [entity, n] of added) {
        const req = store.get(entity);
        req.onsuccess = () => store.put({ entity, n: ((req.result as { n: number } | undefined)?.n ?? 0) + n });
      }
      tx.oncomplete = () => {
        open.result.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error);
    };
  }), entityCounts(records, writes));
}

/** How many of `records` mention each entity, and the rows of their total and of the `writes` that stored them. */
function entityCounts(records: ArticleRecord[], writes: number): [string, number][] {
  const counts = new Map<string, number>([['\u0000total', records.length], ['\u0000writes', writes]]);
  for (const r of records) for (const e of new Set(r.entityIds)) counts.set(e, (counts.get(e) ?? 0) + 1);
  return [...counts];
}

/** Writes `records` in transactions of about INSERT_CHARS; returns how many. */
async function insertArticles(worker: import('playwright-core').Page, records: ArticleRecord[]): Promise<number> {
  const size = (r: ArticleRecord) => r.text.length + r.mentions.reduce((sum, m) => sum + m.sentence.length, 0);
  let writes = 0;
  for (let k = 0; k < records.length; writes++) {
    let end = k;
    for (let chars = 0; end < records.length && (end === k || chars + size(records[end]) <= INSERT_CHARS); end++) chars += size(records[end]);
    const chunk = records.slice(k, end).map((r) => ({ r, rows: mentionRows(r), card: cardRow(r) }));
    k = end;
    await worker.evaluate(
      (items: { r: ArticleRecord; rows: MentionRow[]; card: CardRow }[]) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('newsgloss-coverage');
          open.onsuccess = () => {
            const tx = open.result.transaction(['articles', 'mentions', 'cards'], 'readwrite');
            for (const { r, rows, card } of items) {
              tx.objectStore('articles').put(r);
              tx.objectStore('cards').put(card);
              for (const row of rows) tx.objectStore('mentions').put(row);
            }
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
          open.onerror = () => reject(open.error);
        }),
      chunk,
    );
  }
  return writes;
}

async function stopWorker(context: BrowserContext): Promise<void> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  await page.close();
}

async function measureAt(size: number, generated: ArticleRecord[], server: Awaited<ReturnType<typeof startServer>>): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'ng-bench-'));
  const context = await step('launch Chromium', () => chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic', `--disable-extensions-except=${CHROME_BUILD}`, `--load-extension=${CHROME_BUILD}`],
  }));
  try {
    const sw = await step('service worker', async () => context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker')));
    const origin = `chrome-extension://${new URL(sw.url()).host}`;
    // Database work goes through an extension page (same origin): the browser may stop an idle worker.
    const worker = await context.newPage();
    await step('open an extension page', () => worker.goto(`${origin}/src/coverage/index.html`));
    // The background stores the seeds on install: wait for them (a positive sign), then add the generated articles.
    await step('seeds stored', async () => {
      while ((await worker.evaluate(storedCount)) < 5) await new Promise((r) => setTimeout(r, 100));
    }, 60_000);
    // Storing is not measured: its limit grows with the count (articles of news length take 8 ms
    // and more each here at 100,000, as the database grows), or is BENCH_STEP_LIMIT_MS where that is more.
    await step(`store ${size} articles`, () => insert(worker, generated.slice(0, size)), Math.max(STEP_LIMIT_MS, size * 25));
    // The popup's ranking copy, built by the background as it is when a popup finds none (the
    // articles above went into the database directly): timed, and waited for, before any opening.
    const built = await step('build the ranking copy', () => worker.evaluate<{ copy: string; ms: number }>(`(async () => {
      const started = performance.now();
      const answer = await chrome.runtime.sendMessage({ type: 'coverage/copy' });
      return { copy: answer.copy, ms: performance.now() - started };
    })()`), Math.max(60_000, size * 10));
    const copyChars = await worker.evaluate<number>('chrome.storage.session.getBytesInUse(null)');
    // What the extension's origin holds on disk (the database, almost all of it): a cold opening pays for it.
    const stored = await worker.evaluate<number>('navigator.storage.estimate().then((e) => e.usage ?? 0)');
    const tab = await context.newPage();
    const pageUrl = server.url('/seed.html');
    await step('open the page', () => tab.goto(pageUrl));
    // The content script has scanned the page before the popup asks it.
    await step('page scanned', () => tab.waitForFunction(() => CSS.highlights.has('newsgloss-topic'), null, { timeout: 60_000 }));
    const shown: number[] = [];
    const fromCopy: number[] = [];
    const related: number[] = [];
    const timeline: number[] = [];
    for (let r = 0; r < COLD_RUNS + RUNS; r++) {
      // The cold openings first: the worker stopped, as it is after 30 s idle (the usual case), and the database closed.
      if (r < COLD_RUNS) {
        await step('stop the worker', () => stopWorker(context));
        await new Promise((resolve) => setTimeout(resolve, DATABASE_CLOSE_MS));
      }
      await step(`popup ${r + 1}`, async () => {
        const popup = await context.newPage();
        await popup.goto(`${origin}/src/popup/index.html?url=${encodeURIComponent(pageUrl)}`);
        await popup.waitForFunction(() => performance.getEntriesByName('newsgloss:related-shown').length > 0, null, { timeout: 60_000 });
        shown.push(await popup.evaluate(() => performance.getEntriesByName('newsgloss:related-shown')[0].startTime));
        // The database's answer follows the copy's: the query's measure is taken once it is in.
        await popup.waitForFunction(() => performance.getEntriesByName('newsgloss:related-query').length > 0, null, { timeout: 60_000 });
        related.push(await popup.evaluate(() => performance.getEntriesByName('newsgloss:related-query')[0].duration));
        fromCopy.push(await popup.evaluate(() => performance.getEntriesByName('newsgloss:related-copy')[0]?.duration ?? Number.NaN));
        await popup.click('button.entity[data-entity="china"]');
        await popup.waitForFunction(() => performance.getEntriesByName('newsgloss:timeline-query').length > 0, null, { timeout: 60_000 });
        timeline.push(await popup.evaluate(() => performance.getEntriesByName('newsgloss:timeline-query')[0].duration));
        await popup.close();
      });
    }
    const count = await step('count', () => worker.evaluate(storedCount));
    const f = (xs: number[]) => `${median(xs.slice(COLD_RUNS)).toFixed(1).padStart(6)} ms (cold ${median(xs.slice(0, COLD_RUNS)).toFixed(1)})`;
    const copy = built.copy === 'built' || built.copy === 'kept'
      ? `copy ${built.copy} in ${built.ms.toFixed(0)} ms, ${(copyChars / 1e3).toFixed(0)} kB of session storage; from the copy ${f(fromCopy)}`
      : `copy ${built.copy}, found in ${built.ms.toFixed(0)} ms (the database alone answers)`;
    return `${String(count).padStart(6)} stored, ${(stored / 1e6).toFixed(0)} MB on disk | popup→first related ${f(shown)} | ${copy} | database's answer ${f(related)} | timeline(China) ${f(timeline)}`;
  } finally {
    await step('close Chromium', () => context.close(), 30_000).catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const server = await startServer();
  server.route('/seed.html', seedPageHtml(seeds[0]));
  const generated = await step('generate articles', async () => generate(0, Math.max(...SIZES)));
  const meanLength = generated.reduce((sum, a) => sum + a.text.length, 0) / Math.max(1, generated.length);
  console.log(`generated articles: ${ARTICLE_SENTENCES.join('-')} sentences, ${Math.round(meanLength).toLocaleString('en')} characters on average`);
  console.log(`medians of ${RUNS} popup openings on a page made from seed 000, and in brackets of ${COLD_RUNS} cold ones before them (each with the service worker stopped and the database closed)`);
  for (const size of SIZES) console.log(await measureAt(size, generated, server));
  await server.close();
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
