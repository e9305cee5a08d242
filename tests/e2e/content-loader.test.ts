/**
 * Chromium's content-script loader, in real Chromium: it imports content.js as a module (which
 * Chromium compiles off the page's main thread), falls back to the background running the
 * same file where the import is refused, and a document runs one content session either way.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type TestBrowser } from '../support/browsers.ts';
import { CHROME_BUILD, haveBuilds, haveChromium } from '../support/paths.ts';
import { readHighlights } from '../support/page-probes.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { CONTENT_GLOBAL, CONTENT_LOAD_GLOBAL, CONTENT_SCRIPT_FILE } from '../../src/content/script-files.ts';
import { until } from '../support/wait.ts';
import { EAGER_COMPILE_HINT } from '../../src/build/vite-content-script-plugin.ts';
import type { Browser } from '../../src/platform/browser.ts';

const PAGE = '<!doctype html><html lang="en"><head><title>Talks</title></head><body><article><p>Minister Sattar Hashemi met his Chinese counterpart Li Lecheng in Beijing.</p></article></body></html>';

/** How the loader had content.js run in the tab's top frame, once it did. */
const loadedAs = (tab: Awaited<ReturnType<TestBrowser['newPage']>>) =>
  until(() => tab.inExtensionWorld!(`globalThis.${CONTENT_LOAD_GLOBAL} ?? null`), (v) => v !== null, 10_000);

describe.skipIf(!haveChromium || !haveBuilds)('the content-script loader, in chromium', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    server.route('/talks.html', PAGE);
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('as built', () => {
    let browser: TestBrowser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('imports the content script as a module, and the page is painted', async () => {
      // What Chromium compiles on a worker thread as it streams in: every function, by V8's hint.
      expect(readFileSync(join(CHROME_BUILD, CONTENT_SCRIPT_FILE), 'utf8').startsWith(`${EAGER_COMPILE_HINT}\n`)).toBe(true);
      const tab = await browser.newPage();
      await tab.goto(server.url('/talks.html'));
      expect((await tab.evaluate(readHighlights, 10_000)).map((h) => h.text)).toContain('Li Lecheng');
      expect(await loadedAs(tab)).toBe('module');
      await tab.close();
    });

    it('starts one session per document when the file runs again there', async () => {
      const tab = await browser.newPage();
      await tab.goto(server.url('/talks.html'));
      await tab.evaluate(readHighlights, 10_000);
      expect(await loadedAs(tab)).toBe('module');
      // Mark the running session, then have the background run content.js in the tab again (as the fallback would).
      await tab.inExtensionWorld!(`globalThis.${CONTENT_GLOBAL}.testMark = 'first'`);
      const ran = await browser.inBackground!(async ({ file, url }: { file: string; url: string }) => {
        const api = (globalThis as unknown as { browser: Browser.Browser }).browser;
        const tabInfo = (await api.tabs.query({})).find((t) => t.url === url);
        const results = await api.scripting.executeScript({ target: { tabId: tabInfo!.id! }, files: [file] });
        return results.length;
      }, { file: CONTENT_SCRIPT_FILE, url: server.url('/talks.html') });
      // It ran (the browser answered once the file had run in the frame), and the session is the first one.
      expect(ran).toBe(1);
      expect(await tab.inExtensionWorld!(`globalThis.${CONTENT_GLOBAL}.testMark ?? null`)).toBe('first');
      await tab.close();
    });
  });

  describe('where the import is refused', () => {
    let browser: TestBrowser;
    let build: string;
    beforeAll(async () => {
      // The same build with nothing web-accessible: the browser refuses the loader's import.
      build = mkdtempSync(join(tmpdir(), 'ng-no-war-'));
      cpSync(CHROME_BUILD, build, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(build, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      delete manifest.web_accessible_resources;
      writeFileSync(join(build, 'manifest.json'), JSON.stringify(manifest));
      browser = await launchChromium(build);
    });
    afterAll(async () => {
      await browser?.close();
      if (build) rmSync(build, { recursive: true, force: true });
    });

    it('has the background run it as a classic script, and the page is painted', async () => {
      const tab = await browser.newPage();
      await tab.goto(server.url('/talks.html'));
      expect((await tab.evaluate(readHighlights, 10_000)).map((h) => h.text)).toContain('Li Lecheng');
      expect(await loadedAs(tab)).toBe('classic');
      await tab.close();
    });
  });
});
