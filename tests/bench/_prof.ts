import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROME_BUILD, CHROMIUM_PATH } from '../support/paths.ts';
import { startServer } from '../support/server.ts';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { compileTerms } from '../../src/core/compile-terms.ts';
import { packDictionary } from '../../src/core/stored-dictionary.ts';
import { DICTIONARY_KEY, storedDictionaryEntries } from '../../src/platform/browser.ts';
import { SEEDS_DIR } from '../support/paths.ts';
import { userEntities } from './synthetic-dictionary.ts';

const PAGE = process.env.PAGE ?? 'lazy-image-3.html';
const LOADS = Number(process.env.LOADS ?? 10);
const server = await startServer();
const profile = mkdtempSync(join(tmpdir(), 'ng-prof-'));
const args = ['--no-sandbox', '--disable-gpu', '--no-first-run', `--disable-extensions-except=${CHROME_BUILD}`, `--load-extension=${CHROME_BUILD}`];
const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args });
await context.route(() => true, (route) => {
  const r = route.request();
  if (r.resourceType() === 'document' && r.frame().parentFrame()) return route.fulfill({ status: 200, contentType: 'text/html', body: '' });
  const h = r.url();
  return h.startsWith('http://127.0.0.1:') || h.startsWith('chrome-extension:') ? route.continue() : route.fulfill({ status: 204, body: '' });
});
const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
if (process.env.BIG) {
  const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
  const { records } = compileDictionary(catalogue, seeds);
  const packed = packDictionary(compileTerms([...records, ...userEntities(Number(process.env.BIG))]).compiled);
  const stamp = await sw.evaluate(async (key) => { for (;;) { const s = ((await (globalThis as any).chrome.storage.local.get(key))[key] as any)?.stamp; if (s) return s as string; await new Promise((r) => setTimeout(r, 50)); } }, DICTIONARY_KEY);
  await sw.evaluate((e) => (globalThis as any).chrome.storage.local.set(e), storedDictionaryEntries(`${stamp.split(':')[0]}:big`, packed));
}
const self = new Map<string, number>();
let total = 0;
for (let i = 0; i < LOADS + 1; i++) {
  const page = await context.newPage();
  page.on('console', (m) => console.log('CONSOLE', m.text().slice(0, 200)));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  await page.goto(server.url(`/news/${PAGE}`), { waitUntil: 'load' });
  for (let w = 0; !(await page.evaluate(`CSS.highlights.has('newsgloss-topic')`)); w += 20) {
    if (w > 30000) throw new Error('no highlight');
    await new Promise((r) => setTimeout(r, 20));
  }
  await page.waitForTimeout(300);
  const { profile: p } = await cdp.send('Profiler.stop') as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[]; samples: number[]; timeDeltas: number[] } };
  await page.close();
  if (i === 0) continue;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  for (let s = 0; s < p.samples.length; s++) {
    const dt = (p.timeDeltas[s + 1] ?? 0) / 1000;
    const n = byId.get(p.samples[s])!;
    if (['(idle)', '(program)', '(root)'].includes(n.callFrame.functionName)) continue;
    // path
    const path: string[] = [];
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      if (f.functionName === '(root)') break;
      path.push(`${f.functionName || '(anon)'}@${f.url.split('/').pop()}:${f.lineNumber}`);
    }
    const key = process.env.PATHS ? path.reverse().slice(0, Number(process.env.PATHS)).join(' > ') : path[0];
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
}
console.log(`total ${(total / LOADS).toFixed(2)} ms per load`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 40))) console.log((v / LOADS).toFixed(2).padStart(7), k);
await context.close();
await server.close();
