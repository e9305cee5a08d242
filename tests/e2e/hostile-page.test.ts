/**
 * The page as an adversary, in real Chromium and Firefox ESR: a news page whose own script tries
 * to switch the extension off or detect it (by its events, by loading its files), to pass itself
 * off as another outlet (a foreign or a javascript: canonical address), and whose reader's notes
 * and addresses must stay out of what content scripts can read. Each test waits for a sign that
 * the extension did its work on the page before asserting what the page could not do.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser } from '../support/browsers.ts';
import { CHROME_BUILD, FIREFOX_BUILD, haveBuilds, haveChromium, haveFirefox } from '../support/paths.ts';
import { readHighlights, waitScanned } from '../support/page-probes.ts';
import { panelNote, readSaved, savedPoint } from '../support/highlight-probes.ts';
import { openNoteEditor } from '../support/page-actions.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { CONTENT_GLOBAL, CONTENT_LOAD_GLOBAL, CONTENT_SCRIPT_FILE } from '../../src/content/script-files.ts';
import { until } from '../support/wait.ts';

const QUOTE = 'Minister Sattar Hashemi met his Chinese counterpart Li Lecheng in Beijing';
const NOTE = 'Source in the ministry: call back Thursday';

/**
 * The page's own script: it listens for the old takeover event (recording any it did not fire
 * itself) and fires it, as a hostile page would. It also sets the names under which the extension
 * marks, in its own world, that a document already runs its content script.
 */
const HOSTILE_SCRIPT = `<script>
window.${CONTENT_GLOBAL} = { forged: true };
window.${CONTENT_LOAD_GLOBAL} = 'forged';
window.seen = [];
window.roots = [];
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { const root = attach.call(this, init); window.roots.push(root); return root; };
for (const type of ['newsgloss:takeover', 'newsgloss', 'newsgloss:ready']) {
  const note = (where) => (e) => { if (!(e.detail && e.detail.fromPage)) window.seen.push(type + ' ' + where); };
  document.addEventListener(type, note('document'), true);
  window.addEventListener(type, note('window'), true);
}
const takeover = () => document.dispatchEvent(new CustomEvent('newsgloss:takeover', { detail: { fromPage: true } }));
takeover();
setTimeout(takeover, 300);
</script>`;

function page(canonical: string | null, title: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
${canonical === null ? '' : `<link rel="canonical" href="${canonical}">`}
<meta property="og:site_name" content="Hostile Wire">${HOSTILE_SCRIPT}</head>
<body><article><h1>${title}</h1>
<p id="q1">On Monday, ${QUOTE} to discuss technology cooperation and the 25-year agreement, the ministry said.</p>
<p>Artificial intelligence, the digital economy and the Shanghai Cooperation Organisation were on the agenda in Tehran.</p>
<p>Iran's ICT minister and China's ambassador Chang Hua also spoke about communication infrastructure.</p>
</article></body></html>`;
}

/**
 * The hostile page's policy: its own inline script runs and it may request its own origin and any
 * extension address, so what stops it is the browser's rule for extension files, not this policy.
 */
const HOSTILE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' chrome-extension: moz-extension:";

/** Every file of a build, as paths inside the extension. */
function filesOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** Everything in extension storage, read from an extension page. */
function readExtensionStorage(): Promise<Record<string, unknown>> {
  type Api = { storage: { local: { get(k: null): Promise<Record<string, unknown>> } } };
  const g = globalThis as unknown as { browser?: Api; chrome: Api };
  return (g.browser ?? g.chrome).storage.local.get(null);
}

/** The popup's ranking copy, read from session storage on an extension page. */
function readSessionStorage(): Promise<Record<string, unknown>> {
  type Api = { storage: { session: { get(k: null): Promise<Record<string, unknown>> } } };
  const g = globalThis as unknown as { browser?: Api; chrome: Api };
  return (g.browser ?? g.chrome).storage.session.get(null);
}

/**
 * Asks session and local storage from the world the expression runs in (the content script's) and
 * leaves what each answered in a global there, for a later look.
 */
const ASK_STORAGE_FROM_CONTENT_WORLD = `(() => {
  const ask = (area) => chrome.storage[area].get(null).then((got) => 'read ' + Object.keys(got).length + ' keys', (e) => 'refused: ' + e.message);
  Promise.all([ask('session'), ask('local')]).then(([session, local]) => { globalThis.__storageAnswers = { session, local }; });
  return true;
})()`;

/** Stored article addresses, read from the database on an extension page. */
function storedArticleUrls(): Promise<string[]> {
  return new Promise((resolve) => {
    const open = indexedDB.open('newsgloss-coverage');
    open.onsuccess = () => {
      const req = open.result.transaction('articles').objectStore('articles').getAll();
      req.onsuccess = () => resolve((req.result as { url: string | null; origin: string }[]).filter((a) => a.origin === 'saved').map((a) => a.url ?? ''));
    };
  });
}

for (const [name, launch, available, build] of [
  ['chromium', launchChromium, haveChromium, CHROME_BUILD],
  ['firefox', launchFirefox, haveFirefox, FIREFOX_BUILD],
] as const) {
  describe.skipIf(!available || !haveBuilds)(`a hostile page, in ${name}`, () => {
    let browser: TestBrowser;
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
      server.route('/claims-other-outlet.html', page('https://example.org/world/envoy-meets-minister', 'Claims another outlet'), HOSTILE_CSP);
      server.route('/javascript-canonical.html', page('javascript:alert(document.domain)', 'A javascript: canonical'), HOSTILE_CSP);
      server.route('/plain.html', page(null, 'A plain page'), HOSTILE_CSP);
      server.route('/kept.html', page(null, 'A page with a note'), HOSTILE_CSP);
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('cannot switch the extension off with its old event, and sees no event of it', async () => {
      const tab = await browser.newPage();
      await tab.goto(server.url('/plain.html'));
      expect(await tab.evaluate(waitScanned, 10_000)).toBe(true);
      // Fired again after the scan; then new content must still be highlighted.
      await tab.evaluate(() => {
        document.dispatchEvent(new CustomEvent('newsgloss:takeover', { detail: { fromPage: true } }));
        const p = document.createElement('p');
        p.id = 'late';
        p.textContent = 'Later, Cong Peiwu spoke in Tehran.';
        document.querySelector('article')!.append(p);
      }, null);
      const seen = await until(() => tab.evaluate(readHighlights, 3000), (h) => h.some((x) => x.text === 'Cong Peiwu'));
      expect(seen.map((h) => h.text)).toContain('Cong Peiwu');
      // The page's script ran (it set up its list), and nothing of the extension reached it.
      expect(await tab.evaluate(() => (window as unknown as { seen?: string[] }).seen, null)).toEqual([]);
      await tab.close();
    });

    it('cannot remove the paint for good by clearing the highlight registry', async () => {
      const tab = await browser.newPage();
      await tab.goto(server.url('/plain.html'));
      const before = (await tab.evaluate(readHighlights, 10_000)).map((h) => h.text);
      expect(before).toContain('Sattar Hashemi');
      expect(await tab.evaluate(() => {
        CSS.highlights.clear();
        return CSS.highlights.size;
      }, null)).toBe(0);
      const after = await until(() => tab.evaluate(readHighlights, 500), (h) => h.length === before.length, 10_000);
      expect(after.map((h) => h.text)).toEqual(before);
      await tab.close();
    });

    it('cannot load any file of the extension to detect it or its build', async () => {
      const files = filesOf(build);
      expect(files).toContain(CONTENT_SCRIPT_FILE);
      const manifest = await import(join(build, 'manifest.json'), { with: { type: 'json' } }) as { default: { web_accessible_resources?: unknown } };
      // Chromium's build exposes the content script alone (its loader imports it), to pages only
      // under the session's made-up address; Firefox's exposes nothing.
      expect(manifest.default.web_accessible_resources).toEqual(name === 'chromium'
        ? [{ resources: [CONTENT_SCRIPT_FILE], matches: ['http://*/*', 'https://*/*'], use_dynamic_url: true }]
        : undefined);
      const tab = await browser.newPage();
      await tab.goto(server.url('/plain.html'));
      expect(await tab.evaluate(waitScanned, 10_000)).toBe(true);
      const results = await tab.evaluate(async (args: { origin: string; files: string[]; own: string }) => {
        const attempt = (url: string) =>
          fetch(url, { mode: 'no-cors', cache: 'no-store' }).then(() => 'loaded', (e: unknown) => `refused: ${String(e)}`);
        const own = await attempt(args.own);
        // What the page sees for an extension that is not installed (a made-up id of the same form).
        const absent = await attempt(`${args.origin.replace(/\/\/[^/]+/, '//abcdefghijklmnopabcdefghijklmnop')}/${args.files[0]}`);
        const loaded: string[] = [];
        const told: string[] = [];
        for (const f of args.files) {
          const outcome = await attempt(`${args.origin}/${f}`);
          if (outcome === 'loaded') loaded.push(f);
          if (outcome !== absent) told.push(`${f}: ${outcome}`);
        }
        // What the page's resource timing names: the content script's import is not in it.
        const named = performance.getEntriesByType('resource').map((e) => e.name).filter((u) => !u.startsWith('http'));
        return { own, absent, loaded, told, named };
      }, { origin: browser.extensionOrigin, files, own: server.url('/plain.html') });
      // The page's own fetches work (the attempts ran); none of the extension's files load, and
      // each is refused as a file of an extension that is not installed is (the web-accessible
      // content.js included: pages may load it only under the session's made-up address).
      expect(results.own).toBe('loaded');
      expect(results.absent).toMatch(/^refused/);
      expect(results.loaded).toEqual([]);
      expect(results.told).toEqual([]);
      expect(results.named).toEqual([]);
      await tab.close();
    });

    it('cannot store itself as another outlet’s article, nor under a javascript: address', async () => {
      for (const path of ['/claims-other-outlet.html', '/javascript-canonical.html']) {
        const tab = await browser.newPage();
        await tab.goto(server.url(path));
        expect(await tab.evaluate(waitScanned, 10_000)).toBe(true);
        const popup = await browser.newPage();
        await popup.openExtensionPage(`${browser.extensionOrigin}/src/popup/index.html?url=${encodeURIComponent(server.url(path))}`);
        await until(() => popup.evaluate(() => document.getElementById('app')?.getAttribute('aria-busy'), null), (v) => v === 'false');
        await popup.evaluate(() => [...document.querySelectorAll('button')].find((b) => b.textContent === 'Save this article')!.click(), null);
        const status = await until(() => popup.evaluate(() => document.querySelector('[role=status]')?.textContent ?? '', null), (s) => s.startsWith('Saved'));
        expect(status).toMatch(/^Saved/);
        await popup.close();
        await tab.close();
      }
      const ext = await browser.newPage();
      await ext.openExtensionPage(`${browser.extensionOrigin}/src/highlights/index.html`);
      const urls = await ext.evaluate(storedArticleUrls, null);
      expect(urls.sort()).toEqual([server.url('/claims-other-outlet.html'), server.url('/javascript-canonical.html')].sort());
      await ext.close();
    });

    it('cannot read a note, open it by fake pointer events, or reach the editor', async () => {
      const tab = await browser.newPage();
      await tab.goto(server.url('/plain.html'));
      expect(await tab.evaluate(waitScanned, 10_000)).toBe(true);
      await openNoteEditor(tab, 'q1', QUOTE);
      // The editor is open: the page tries to reach it and to type into it.
      const reach = await tab.evaluate(() => {
        const host = document.querySelector('newsgloss-ui');
        const w = window as unknown as { roots: ShadowRoot[] };
        return {
          host: host !== null,
          shadowRoot: host?.shadowRoot ?? null,
          capturedRoots: w.roots.length,
          active: document.activeElement?.localName ?? null,
          textareas: document.querySelectorAll('textarea').length,
        };
      }, null);
      expect(reach).toEqual({ host: true, shadowRoot: null, capturedRoots: 0, active: 'newsgloss-ui', textareas: 0 });
      await tab.type(NOTE);
      await tab.press('Control+Enter');
      expect(await until(() => tab.evaluate(readSaved, null), (v) => (v.yellow?.length ?? 0) === 1)).toEqual({ yellow: [QUOTE] });
      await tab.press('Escape');

      // Fake pointer events over the saved highlight: the note must not open. The page waits two
      // frames (the content script reads pointer moves once a frame), then a real move must open it.
      const at = await tab.evaluate(savedPoint, 'yellow');
      await tab.mouseMove(1, 1);
      await tab.evaluate(async (p: { x: number; y: number }) => {
        for (const type of ['pointerover', 'pointermove', 'mouseover', 'mousemove']) {
          document.elementFromPoint(p.x, p.y)?.dispatchEvent(new PointerEvent(type, { bubbles: true, composed: true, clientX: p.x, clientY: p.y }));
        }
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      }, at!);
      expect(await tab.inUi(panelNote, 0, 0)).toBeNull();
      await tab.mouseMove(at!.x, at!.y);
      expect(await tab.inUi(panelNote, 5000)).toBe(NOTE);
      // What the page can see while the note is open: nothing of it.
      const seen = await tab.evaluate(() => ({
        shadowRoot: document.querySelector('newsgloss-ui')?.shadowRoot ?? null,
        text: document.body.innerText.includes('call back Thursday'),
      }), null);
      expect(seen).toEqual({ shadowRoot: null, text: false });
      await tab.close();
    });

    it('keeps no address, note or reader setting where content scripts can read them', async () => {
      const tab = await browser.newPage();
      await tab.goto(server.url('/kept.html'));
      expect(await tab.evaluate(waitScanned, 10_000)).toBe(true);
      await openNoteEditor(tab, 'q1', QUOTE);
      await tab.type(NOTE);
      await tab.press('Control+Enter');
      expect(await until(() => tab.evaluate(readSaved, null), (v) => (v.yellow?.length ?? 0) === 1)).toEqual({ yellow: [QUOTE] });

      const ext = await browser.newPage();
      await ext.openExtensionPage(`${browser.extensionOrigin}/src/options/index.html`);
      // The page index is written after the save: wait for its entry, the sign the work ran.
      const stored = await until(() => ext.evaluate(readExtensionStorage, null), (s) => Object.keys((s.pageIndex as { pages?: object } | undefined)?.pages ?? {}).length > 0);
      // One entry per annotated page (this one, and the one the test before annotated, if it ran).
      expect(Object.keys((stored.pageIndex as { pages: object }).pages).length).toBeGreaterThanOrEqual(1);
      const keys = Object.keys(stored);
      expect(keys.filter((k) => k.startsWith('hl:') || ['readerName', 'readerId', 'autoSave'].includes(k))).toEqual([]);
      const { dictionary: _dictionary, ...rest } = stored;
      const text = JSON.stringify(rest);
      expect(text).not.toContain(server.url('/kept.html'));
      expect(text).not.toContain('127.0.0.1');
      expect(text).not.toContain(NOTE);
      await ext.close();
      await tab.close();
    });

    it('keeps the popup\'s copy of stored articles where content scripts cannot read it', async () => {
      const tab = await browser.newPage();
      await tab.goto(server.url('/kept.html'));
      expect(await tab.evaluate(waitScanned, 10_000)).toBe(true);
      // The copy (built on install) holds the stored articles' addresses, in session storage only.
      const ext = await browser.newPage();
      await ext.openExtensionPage(`${browser.extensionOrigin}/src/options/index.html`);
      const session = await until(() => ext.evaluate(readSessionStorage, null), (s) => s['related:state'] !== undefined);
      const seedUrl = (JSON.parse(Object.entries(session).find(([k]) => k.startsWith('related:a:seed:'))![1] as string) as { url: string }).url;
      expect(seedUrl).toMatch(/^https:\/\//);
      expect(JSON.stringify(await ext.evaluate(readExtensionStorage, null))).not.toContain(seedUrl);
      // Where the test can reach the content script's own world (Chromium), it is refused session
      // storage, and only that: it reads local storage as always.
      if (tab.inExtensionWorld) {
        expect(await tab.inExtensionWorld(ASK_STORAGE_FROM_CONTENT_WORLD)).toBe(true);
        const answers = await until(() => tab.inExtensionWorld!('globalThis.__storageAnswers ?? null'), (a) => a !== null) as { session: string; local: string };
        expect(answers.local).toMatch(/^read \d+ keys$/);
        expect(answers.session).toMatch(/^refused: /);
      }
      await ext.close();
      await tab.close();
    });
  });
}
