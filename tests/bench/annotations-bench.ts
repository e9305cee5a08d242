/**
 * Annotation-file benchmark in real Chromium and Firefox ESR with the built extension (figures,
 * not a timed test): a file of 10,000 annotations handed to the highlights page's file input,
 * timed to the preview and to the end of the import; then the export of all 10,000. The page's
 * longest main-thread task during each step (Long Tasks API, Chromium) says whether it froze.
 */
import { describeText } from '../../src/core/anchoring.ts';
import { toCollection } from '../../src/core/annotation-file.ts';
import type { SavedHighlight } from '../../src/core/highlights.ts';
import { launchChromium, launchFirefox } from '../support/browsers.ts';
import { haveBuilds, haveChromium, haveFirefox } from '../support/paths.ts';
import { step } from './step-limit.ts';

const COUNT = Number(process.env.BENCH_ANNOTATIONS ?? 10_000);
const TEXT = 'On Monday, Minister Sattar Hashemi met his Chinese counterpart Li Lecheng in Beijing to discuss technology cooperation and the digital economy.';

function file(): string {
  const list: SavedHighlight[] = [];
  for (let i = 0; i < COUNT; i++) {
    const start = (i * 7) % 60;
    const t = describeText(TEXT, start, start + 20 + (i % 50));
    list.push({
      id: `urn:uuid:${crypto.randomUUID()}`, source: `https://news.example/story-${i % 400}`, pageUrl: `https://news.example/story-${i % 400}`,
      title: `Story ${i % 400}`, site: 'news.example', quote: t.quote, position: t.position, context: TEXT,
      note: `Note ${i}: follow up with the ministry about point ${i % 17}.`, tags: ['tech', `batch-${i % 9}`], colour: 'green',
      entities: ['sattar-hashemi', 'li-lecheng'], creator: { id: 'local', name: '' },
      created: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), modified: new Date(Date.UTC(2026, 0, 2) + i * 60_000).toISOString(),
    });
  }
  return JSON.stringify(toCollection(list, { id: 'urn:uuid:00000000-0000-4000-8000-0000000000bb', name: 'Bench Teammate' }, 'bench'));
}

/** Runs in the highlights page first: watches its main thread for long tasks (Firefox has no Long Tasks API: its figures read n/a). */
function watchLongTasks(): void {
  const longest = { value: 0 };
  (globalThis as unknown as { longestTask: { value: number } }).longestTask = longest;
  if (!PerformanceObserver.supportedEntryTypes.includes('longtask')) {
    longest.value = -1;
    return;
  }
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longest.value = Math.max(longest.value, e.duration);
  }).observe({ type: 'longtask', buffered: false });
}

/**
 * Run in the highlights page first (not timed): the file's text arrives in pieces, since extension
 * pages may connect nowhere (`connect-src 'none'`), and is kept as a File.
 */
function addPiece(piece: string): number {
  const g = globalThis as unknown as { benchPieces?: string[] };
  g.benchPieces ??= [];
  return g.benchPieces.push(piece);
}

function makeFile(): number {
  const g = globalThis as unknown as { benchPieces: string[]; benchFile: File };
  g.benchFile = new File(g.benchPieces, 'bench.jsonld', { type: 'application/ld+json' });
  g.benchPieces = [];
  return g.benchFile.size;
}

const PIECE = 1 << 20;

/** Runs in the highlights page: import through the file input, timing the preview and the import. */
async function run(count: number): Promise<Record<string, number>> {
  const longest = (globalThis as unknown as { longestTask: { value: number } }).longestTask;
  const waitFor = async (ok: () => boolean) => {
    while (!ok()) await new Promise((r) => setTimeout(r, 10));
  };
  const out: Record<string, number> = {};
  const dt = new DataTransfer();
  dt.items.add((globalThis as unknown as { benchFile: File }).benchFile);
  const input = document.querySelector('input[name=import]') as HTMLInputElement;
  let t0 = performance.now();
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await waitFor(() => document.body.innerText.includes('New: '));
  out.previewMs = performance.now() - t0;
  out.previewLongestTaskMs = longest.value;
  if (longest.value > 0) longest.value = 0;
  t0 = performance.now();
  (document.querySelector('button[name=confirm-import]') as HTMLButtonElement).click();
  await waitFor(() => document.body.innerText.includes('Imported:'));
  out.importMs = performance.now() - t0;
  out.importLongestTaskMs = longest.value;
  // Then the list shows the imported highlights (the page reads them again).
  await waitFor(() => document.body.innerText.includes(`of ${count} highlights`));
  out.listedMs = performance.now() - t0;
  out.listLongestTaskMs = longest.value;
  return out;
}

/** Runs in the highlights page after the import: export everything through the button. */
async function runExport(): Promise<Record<string, number>> {
  const longest = (globalThis as unknown as { longestTask: { value: number } }).longestTask;
  if (longest.value > 0) longest.value = 0;
  const out: Record<string, number> = {};
  const t0 = performance.now();
  (document.querySelector('button[name=export-jsonld]') as HTMLButtonElement).click();
  while (!/Exported \d+/.test(document.body.innerText)) await new Promise((r) => setTimeout(r, 10));
  out.exportMs = performance.now() - t0;
  out.exported = Number(/Exported (\d+)/.exec(document.body.innerText)![1]);
  out.exportLongestTaskMs = longest.value;
  return out;
}

/** The floor for the import's write: the same number of plain puts of records of a similar size, in one transaction. */
async function rawPuts(count: number): Promise<number> {
  const db: IDBDatabase = await new Promise((resolve, reject) => {
    const q = indexedDB.open(`bench-floor-${Math.random()}`, 1);
    q.onupgradeneeded = () => q.result.createObjectStore('s', { keyPath: 'id' });
    q.onsuccess = () => resolve(q.result);
    q.onerror = () => reject(q.error);
  });
  const records = Array.from({ length: count }, (_, i) => ({ id: `urn:uuid:${crypto.randomUUID()}`, source: `https://news.example/story-${i % 400}`, text: 'x'.repeat(1200), tags: ['a', 'b'], n: i }));
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('s', 'readwrite');
    for (const r of records) tx.objectStore('s').put(r);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

if (!haveBuilds) {
  console.log('bench skipped: build the extension first (npm run build)');
  process.exit(0);
}
const text = file();
console.log(`annotation files: ${COUNT.toLocaleString('en')} annotations, ${(text.length / 1024 / 1024).toFixed(1)} MB`);
for (const [name, launch, available] of [['chromium', launchChromium, haveChromium], ['firefox', launchFirefox, haveFirefox]] as const) {
  if (!available) continue;
  const browser = await step(`${name}: launch`, () => launch());
  try {
    const page = await browser.newPage();
    await step(`${name}: open the highlights page`, async () => {
      await page.openExtensionPage(`${browser.extensionOrigin}/src/highlights/index.html`);
      await page.evaluate(async () => {
        while (!document.querySelector('input[name=import]')) await new Promise((r) => setTimeout(r, 20));
      }, null);
    });
    // tsx keeps function names with a helper the page lacks: give the page a no-op one.
    await page.evaluate(() => void ((globalThis as unknown as { __name: unknown }).__name = (f: unknown) => f), null);
    await step(`${name}: hand the file to the page`, async () => {
      for (let at = 0; at < text.length; at += PIECE) await page.evaluate(addPiece, text.slice(at, at + PIECE));
      const size = await page.evaluate(makeFile, null);
      if (size !== Buffer.byteLength(text)) throw new Error(`the page holds ${size} bytes of the file, not ${Buffer.byteLength(text)}`);
    });
    await page.evaluate(watchLongTasks, null);
    const imported: Record<string, number> = await step(`${name}: preview and import`, () => page.evaluate(run, COUNT));
    await new Promise((r) => setTimeout(r, 1000));
    const exportedFigures: Record<string, number> = await step(`${name}: export`, () => page.evaluate(runExport, null));
    const floorMs: number = await step(`${name}: the IndexedDB floor`, () => page.evaluate(rawPuts, COUNT));
    const r: Record<string, number> = { ...imported, ...exportedFigures, floorMs };
    const lt = (v: number) => (v < 0 ? 'n/a' : `${v.toFixed(0)} ms`);
    console.log(
      `  ${name.padEnd(9)} preview ${r.previewMs.toFixed(0)} ms (longest task ${lt(r.previewLongestTaskMs)}), import ${r.importMs.toFixed(0)} ms ` +
        `(longest task ${lt(r.importLongestTaskMs)}; floor: ${COUNT} plain puts ${r.floorMs.toFixed(0)} ms), listed after ${r.listedMs.toFixed(0)} ms (longest task ${lt(r.listLongestTaskMs)}), export of ${r.exported} ${r.exportMs.toFixed(0)} ms (longest task ${lt(r.exportLongestTaskMs)})`,
    );
  } finally {
    await browser.close();
  }
}
