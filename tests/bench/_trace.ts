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
import { DICTIONARY_KEY } from '../../src/platform/browser.ts';
import { SEEDS_DIR } from '../support/paths.ts';
import { userEntities } from './synthetic-dictionary.ts';

const PAGE = process.env.PAGE ?? 'lazy-image-3.html';
const server = await startServer();
const profile = mkdtempSync(join(tmpdir(), 'ng-prof-'));
const ext = process.env.EXT ?? CHROME_BUILD;
const args = ['--no-sandbox', '--disable-gpu', '--no-first-run', `--disable-extensions-except=${ext}`, `--load-extension=${ext}`];
const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args });
await context.route(() => true, (route) => {
  const r = route.request();
  if (r.resourceType() === 'document' && r.frame().parentFrame()) return route.fulfill({ status: 200, contentType: 'text/html', body: '' });
  const h = r.url();
  return h.startsWith('http://127.0.0.1:') || h.startsWith('chrome-extension:') ? route.continue() : route.fulfill({ status: 204, body: '' });
});
const worker = await (context.serviceWorkers()[0] ?? context.waitForEvent('serviceworker'));
if (process.env.BIG) {
  const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
  const { records } = compileDictionary(catalogue, seeds);
  const { compiled } = compileTerms([...records, ...userEntities(Number(process.env.BIG))]);
  const packed = packDictionary(compiled);
  await worker.evaluate(async ({ key, packed }) => {
    const storage = (globalThis as any).chrome.storage.local;
    for (;;) { const stamp = (await storage.get(key))[key]?.stamp; if (stamp) return storage.set({ [key]: { stamp: `${stamp.split(':')[0]}:bench-x`, packed } }); await new Promise((r) => setTimeout(r, 50)); }
  }, { key: DICTIONARY_KEY, packed });
}
for (let i = 0; i < Number(process.env.N ?? 6); i++) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const complete = new Promise<string>((resolve) => cdp.on('Tracing.tracingComplete', (e) => resolve(e.stream ?? '')));
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,v8.execute,v8,__metadata', transferMode: 'ReturnAsStream' });
  await page.goto(server.url(`/news/${PAGE}`), { waitUntil: 'load' });
  for (let w = 0; !(await page.evaluate(`CSS.highlights.has('newsgloss-topic')||CSS.highlights.has('newsgloss-reader-floor')`)); w += 20) await new Promise((r) => setTimeout(r, 20));
  await page.waitForTimeout(300);
  await cdp.send('Tracing.end');
  const stream = await complete;
  let data = '';
  for (;;) { const c = await cdp.send('IO.read', { handle: stream }); data += c.base64Encoded ? Buffer.from(c.data, 'base64').toString() : c.data; if (c.eof) break; }
  const parsed = JSON.parse(data); const ev = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const pids = new Set(ev.filter((e: any) => (e.args?.beginData?.url ?? e.args?.data?.url ?? '').includes(PAGE)).map((e: any) => e.pid));
  const mains = new Set(ev.filter((e: any) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && pids.has(e.pid)).map((e: any) => `${e.pid}:${e.tid}`));
  const on = ev.filter((e: any) => e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`) && e.dur > 100).sort((a: any, b: any) => a.ts - b.ts);
  if (i < 1) { await page.close(); continue; }
  const t0 = on[0]?.ts ?? 0;
  const SCRIPT = new Set(['EvaluateScript', 'FunctionCall', 'RunMicrotasks', 'TimerFire', 'FireAnimationFrame', 'FireIdleCallback', 'v8.compile', 'v8.compileModule', 'v8.evaluateModule', 'v8.run', 'v8.callFunction']);
  const all = ev.filter((e: any) => e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`)).sort((a: any, b: any) => a.ts - b.ts);
  for (const t of all.filter((e: any) => (e.cat ?? '').split(',').includes('toplevel') && e.dur > Number(process.env.TMIN ?? 30) * 1000)) {
    const inner = all.filter((e: any) => e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur);
    if (!process.env.ALLTASKS && !inner.some((e: any) => SCRIPT.has(e.name))) continue;
    console.log('TASK', ((t.ts - t0) / 1000).toFixed(1), (t.dur / 1000).toFixed(1), t.name);
    for (const e of inner) if (e.dur > 500 || SCRIPT.has(e.name)) console.log('   ', ((e.ts - t0) / 1000).toFixed(2), (e.dur / 1000).toFixed(2), e.name, JSON.stringify(e.args?.data ?? e.args?.beginData ?? {}).slice(0, 100));
  }
  if (process.env.TASKS) { await page.close(); continue; }
  for (const e of on) { if (process.env.MIN && e.dur < Number(process.env.MIN) * 1000) continue;
    const a = e.args?.data ?? e.args?.beginData ?? {};
    console.log(((e.ts - t0) / 1000).toFixed(2).padStart(8), (e.dur / 1000).toFixed(2).padStart(6), e.name, (a.url ?? a.functionName ?? a.type ?? '').toString().slice(-50), a.functionName ?? '', a.scriptName ?? '');
  }
  await page.close();
}
await context.close(); await server.close();
