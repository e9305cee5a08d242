/**
 * The content script as a guest on a page, in real Chromium and Firefox ESR: what it matches and
 * skips, that it changes nothing in the page's DOM but for its one host element, and that content
 * arriving later gets highlighted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser } from '../support/browsers.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROME_BUILD, FIREFOX_BUILD, haveBuilds, haveChromium, haveFirefox } from '../support/paths.ts';
import { CONTENT_SCRIPT_FILE, PAGE_UI_GLOBAL, PAGE_UI_SCRIPT_FILE } from '../../src/content/script-files.ts';
import { askTab, pointAtHighlight, readCardTitle, readHighlights, waitCardHidden } from '../support/page-probes.ts';
import { shadowPoint } from '../support/highlight-probes.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { until } from '../support/wait.ts';

const RULES_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rules</title>
<style>.x { color: #222 }</style></head><body class="page">
<article id="story">
<p id="p1"><b>Sattar</b> Hashemi met <a href="#li">Li</a> Lecheng in Pé&shy;kin. He said Libya would change nothing.</p>
<p id="p2">Iran’s <i>Minister of Communications and Information Technology</i> spoke about AI; it was said at IT&nbsp;week.</p>
<p id="p3">Hashemi's visit to China. Ambassador Cong arrived. Chang changed plans.</p>
<p id="p4">Sattar</p><p id="p5">Hashemi</p>
<script type="text/plain">Beijing</script>
<textarea>Beijing</textarea><input value="Beijing"><div contenteditable="true">Beijing</div>
<noscript>Beijing</noscript>
</article></body></html>`;

const EXPECTED_RULES = [
  'official: Sattar Hashemi', 'official: Li Lecheng', 'place: Pé\u00adkin', 'place: Iran',
  'organisation: Minister of Communications and Information Technology', 'topic: AI', 'topic: IT',
  'official: Hashemi', 'event: visit to China', 'official: Ambassador Cong',
  // p4 and p5 are two blocks: no "Sattar Hashemi" across them, but the lone surname counts because
  // the page names him in full.
  'official: Hashemi',
];

for (const [name, launch, available, build] of [
  ['chromium', launchChromium, haveChromium, CHROME_BUILD],
  ['firefox', launchFirefox, haveFirefox, FIREFOX_BUILD],
] as const) {
  describe.skipIf(!available || !haveBuilds)(`the page as a guest house, in ${name}`, () => {
    let browser: TestBrowser;
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
      server.route('/rules.html', RULES_PAGE);
      server.route('/rules-no-wasm.html', RULES_PAGE, "default-src 'none'; style-src 'unsafe-inline'");
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('matches whole words across inline markup, and nothing in code, fields or editable regions', async () => {
      const page = await browser.newPage();
      await page.goto(server.url('/rules.html'));
      const seen = await page.evaluate(readHighlights, 10_000);
      expect(seen.map((h) => `${h.kind}: ${h.text}`)).toEqual(EXPECTED_RULES);
      await page.close();
    });

    it('reads pages with the WebAssembly scanner, and where a page’s policy refuses it in Chromium, finds the same with the JavaScript one', async () => {
      const ext = await browser.newPage();
      await ext.openExtensionPage(`${browser.extensionOrigin}/src/highlights/index.html`);
      const found: Record<string, unknown> = {};
      for (const path of ['/rules.html', '/rules-no-wasm.html']) {
        const page = await browser.newPage();
        await page.goto(server.url(path));
        const seen = await page.evaluate(readHighlights, 10_000);
        const pageMayCompile = await page.evaluate((header: number[]) => {
          try {
            return new WebAssembly.Module(new Uint8Array(header)) instanceof WebAssembly.Module;
          } catch {
            return false;
          }
        }, [0, 97, 115, 109, 1, 0, 0, 0]);
        const ask = () => ext.evaluate(askTab, { url: server.url(path), message: { type: 'page/entities' } }) as Promise<{ state: string; scanner: string | null } | null>;
        const ready = await until(ask, (s) => s?.state === 'ready');
        found[path] = { pageMayCompile, scanner: ready?.scanner, highlights: seen.map((h) => `${h.kind}: ${h.text}`) };
        await page.close();
      }
      await ext.close();
      expect(found).toEqual({
        '/rules.html': { pageMayCompile: true, scanner: 'webassembly', highlights: EXPECTED_RULES },
        // Firefox does not hold content scripts to the page's policy.
        '/rules-no-wasm.html': { pageMayCompile: false, scanner: name === 'chromium' ? 'javascript' : 'webassembly', highlights: EXPECTED_RULES },
      });
    });

    it('leaves the page’s DOM as parsed, but for its one host element', async () => {
      const page = await browser.newPage();
      await page.goto(server.url('/rules.html'));
      await page.evaluate(readHighlights, 10_000);
      const point = await page.evaluate(pointAtHighlight, 'Sattar Hashemi');
      await page.mouseMove(point!.x, point!.y);
      expect(await page.inUi(readCardTitle, { expected: 'Sattar Hashemi', timeoutMs: 3000 })).toBe('Sattar Hashemi');
      const diff = await page.evaluate((source: string) => {
        const parsed = new DOMParser().parseFromString(source, 'text/html');
        const hosts = [...document.querySelectorAll('newsgloss-ui')];
        const live = document.documentElement.cloneNode(true) as Element;
        live.querySelectorAll('newsgloss-ui').forEach((n) => n.remove());
        return {
          hosts: hosts.length,
          hostParent: hosts[0]?.parentElement?.localName,
          same: live.outerHTML === parsed.documentElement.outerHTML,
          styles: document.querySelectorAll('style').length,
        };
      }, RULES_PAGE);
      expect(diff).toEqual({ hosts: 1, hostParent: 'html', same: true, styles: 1 });
      await page.mouseMove(0, 0);
      expect(await (page.inUi(waitCardHidden, 2000, 0).then((hidden) => hidden ?? true))).toBe(true);
      await page.close();
    });

    it('opens an entity’s coverage page from its card', async () => {
      const page = await browser.newPage();
      await page.goto(server.url('/rules.html'));
      await page.evaluate(readHighlights, 10_000);
      const point = await page.evaluate(pointAtHighlight, 'Li Lecheng');
      await page.mouseMove(point!.x, point!.y);
      expect(await page.inUi(readCardTitle, { expected: 'Li Lecheng', timeoutMs: 3000 })).toBe('Li Lecheng');
      const more = await page.inUi(shadowPoint, { selector: '.card button.more', timeoutMs: 2000 });
      await page.click(more!.x, more!.y);
      const want = `${browser.extensionOrigin}/src/coverage/index.html?entity=li-lecheng&name=Li%20Lecheng`;
      const deadline = Date.now() + 5000;
      while (!(await browser.tabUrls()).includes(want) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await browser.tabUrls(), JSON.stringify(await browser.tabUrls())).toContain(want);
      await page.close();
    });

    it('leaves the card and note editor out of the page until the reader first hovers an entity', async () => {
      // What every page loads holds none of the reader-facing UI; page-ui.js holds it.
      const content = readFileSync(join(build, CONTENT_SCRIPT_FILE), 'utf8');
      const pageUi = readFileSync(join(build, PAGE_UI_SCRIPT_FILE), 'utf8');
      for (const text of ['Save highlight', 'Add to dictionary', 'Delete for good?', '.card {']) {
        expect(content, text).not.toContain(text);
        expect(pageUi, text).toContain(text);
      }
      const page = await browser.newPage();
      await page.goto(server.url('/rules.html'));
      await page.evaluate(readHighlights, 10_000);
      const loaded = `typeof globalThis[${JSON.stringify(PAGE_UI_GLOBAL)}]`;
      // Scanned and painted, and the UI's code not in the page's extension world (Chromium shows that world).
      if (page.inExtensionWorld) expect(await page.inExtensionWorld(loaded)).toBe('undefined');
      const point = await page.evaluate(pointAtHighlight, 'Li Lecheng');
      await page.mouseMove(point!.x, point!.y);
      expect(await page.inUi(readCardTitle, { expected: 'Li Lecheng', timeoutMs: 5000 })).toBe('Li Lecheng');
      if (page.inExtensionWorld) expect(await page.inExtensionWorld(loaded)).toBe('object');
      await page.close();
    });

    it('highlights content that arrives later and forgets content that goes', async () => {
      const page = await browser.newPage();
      await page.goto(server.url('/rules.html'));
      await page.evaluate(readHighlights, 10_000);
      await page.evaluate(() => {
        const more = document.createElement('section');
        more.innerHTML = '<p>Later, <span>Cong</span> Peiwu met Fatemeh Mohajerani in Tehran.</p>';
        document.getElementById('story')!.append(more);
        document.getElementById('p4')!.firstChild!.nodeValue = 'Issa Zarepour';
        document.getElementById('p3')!.remove();
      }, null);
      const texts = () => page.evaluate(async () => {
        const all: string[] = [];
        for (const [k, h] of CSS.highlights) if (k.startsWith('newsgloss-')) for (const r of h) if ((r as Range).toString()) all.push((r as Range).toString());
        return all.sort();
      }, null);
      const seen = await until(texts, (t) => t.includes('Cong Peiwu') && !t.includes('Ambassador Cong'));
      expect(seen).toEqual(
        ['AI', 'Cong Peiwu', 'Fatemeh Mohajerani', 'Hashemi', 'IT', 'Iran', 'Issa Zarepour', 'Li Lecheng', 'Minister of Communications and Information Technology', 'Pé\u00adkin', 'Sattar Hashemi', 'Tehran'].sort(),
      );
      await page.close();
    });
  });
}

/** The popup's switch for the site of the tab it is opened for: checked while the site is highlighted, null before it shows. */
function siteSwitch(): boolean | null {
  const box = document.querySelector<HTMLInputElement>('label.toggle input');
  return box ? box.checked : null;
}

for (const [name, launch, available] of [
  ['chromium', launchChromium, haveChromium],
  ['firefox', launchFirefox, haveFirefox],
] as const) {
  describe.skipIf(!available || !haveBuilds)(`pausing a site, in ${name}`, () => {
    let browser: TestBrowser;
    let server: TestServer;
    /** Flips the popup's switch for the site of `url`, as a reader does (the popup opened for that tab), once it shows the other state. */
    async function highlightSite(url: string, highlight: boolean): Promise<void> {
      const popup = await browser.newPage();
      await popup.openExtensionPage(`${browser.extensionOrigin}/src/popup/index.html?url=${encodeURIComponent(url)}`);
      expect(await until(() => popup.evaluate(siteSwitch, null), (c) => c === !highlight)).toBe(!highlight);
      await popup.evaluate(() => document.querySelector<HTMLInputElement>('label.toggle input')!.click(), null);
      expect(await until(() => popup.evaluate(siteSwitch, null), (c) => c === highlight)).toBe(highlight);
      await popup.close();
    }
    beforeAll(async () => {
      server = await startServer();
      server.route('/rules.html', RULES_PAGE);
      // A page whose policy refuses WebAssembly and whose own script writes down every violation it is told of.
      server.route(
        '/rules-watching.html',
        RULES_PAGE.replace('</body>', `<script nonce="n0">document.addEventListener('securitypolicyviolation', (e) => document.body.setAttribute('data-violations', (document.body.getAttribute('data-violations') ?? '') + e.blockedURI + ' '));</script></body>`),
        "default-src 'none'; script-src 'nonce-n0'; style-src 'unsafe-inline'",
      );
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('removes the highlights when the site is paused and brings them back when resumed', async () => {
      const page = await browser.newPage();
      await page.goto(server.url('/rules.html'));
      expect((await page.evaluate(readHighlights, 10_000)).length).toBe(EXPECTED_RULES.length);
      const count = () => page.evaluate(() => [...CSS.highlights.values()].reduce((n, h) => n + h.size, 0), null);
      await highlightSite(server.url('/rules.html'), false);
      expect(await until(count, (n) => n === 0)).toBe(0);
      // A paused site stays paused on reload: the page's content script says it has read the setting, and paints nothing.
      await page.goto(server.url('/rules.html'));
      const ext = await browser.newPage();
      await ext.openExtensionPage(`${browser.extensionOrigin}/src/highlights/index.html`);
      const state = () => ext.evaluate(askTab, { url: server.url('/rules.html'), message: { type: 'page/entities' } }) as Promise<{ state: string } | null>;
      expect((await until(state, (s) => s?.state === 'paused'))?.state).toBe('paused');
      expect(await count()).toBe(0);
      await ext.close();
      await highlightSite(server.url('/rules.html'), true);
      expect(await until(count, (n) => n === EXPECTED_RULES.length)).toBe(EXPECTED_RULES.length);
      await page.close();
    });

    it('on a paused site, never tries the scanner’s WebAssembly, which a page that refuses it would be told of', async () => {
      // Paused from the popup of another page of the same site, before this one loads.
      const other = await browser.newPage();
      await other.goto(server.url('/rules.html'));
      await highlightSite(server.url('/rules.html'), false);
      await other.close();
      const page = await browser.newPage();
      await page.goto(server.url('/rules-watching.html'));
      const ext = await browser.newPage();
      await ext.openExtensionPage(`${browser.extensionOrigin}/src/highlights/index.html`);
      const state = () => ext.evaluate(askTab, { url: server.url('/rules-watching.html'), message: { type: 'page/entities' } }) as Promise<{ state: string; scanner: string | null } | null>;
      expect((await until(state, (s) => s?.state === 'paused'))?.state).toBe('paused');
      // Firefox also reports the favicon its policy refuses: only the page's own blocked resources count here.
      const violations = () => page.evaluate(() => (document.body.getAttribute('data-violations') ?? '').split(' ').filter((v) => v && !v.endsWith('/favicon.ico')), null);
      expect(await violations()).toEqual([]);
      await highlightSite(server.url('/rules-watching.html'), true);
      if (name === 'chromium') {
        // Resumed, it tries, is refused and reads the page with JavaScript; the page's script hears of it, so it was listening.
        expect((await until(state, (s) => s?.state === 'ready'))?.scanner).toBe('javascript');
        expect(await until(violations, (v) => v.length > 0)).toEqual(['wasm-eval']);
      } else {
        // Firefox does not hold a content script's WebAssembly to the page's policy.
        expect((await until(state, (s) => s?.state === 'ready'))?.scanner).toBe('webassembly');
        expect(await violations()).toEqual([]);
      }
      await ext.close();
      await page.close();
    });
  });
}
