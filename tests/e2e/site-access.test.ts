/**
 * Access to the reader's pages. Firefox leaves an MV3 add-on's host permission to the reader: in
 * a profile where it was never granted, the popup says so and offers the button that asks for it
 * (the browser's own prompt, which a test cannot answer, follows the click). Where access is
 * granted (Chromium on install, Firefox once allowed), the popup shows the page and no such notice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser } from '../support/browsers.ts';
import { haveBuilds, haveChromium, haveFirefox } from '../support/paths.ts';
import { waitScanned } from '../support/page-probes.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { until } from '../support/wait.ts';

const STORY = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Talks in Beijing</title></head>
<body><article><h1>Talks in Beijing</h1><p>Sattar Hashemi met Li Lecheng in Beijing to discuss artificial intelligence.</p></article></body></html>`;

interface PopupState {
  busy: string | null;
  notice: string | null;
  button: boolean;
  error: string;
  entities: number;
}

function readPopup(): PopupState {
  return {
    busy: document.getElementById('app')?.getAttribute('aria-busy') ?? null,
    notice: document.querySelector('section.access')?.textContent ?? null,
    button: document.querySelector('button[name=grant-access]') !== null,
    error: document.querySelector('p.error')?.textContent ?? '',
    entities: document.querySelectorAll('button.entity').length,
  };
}

for (const [name, launch, available, granted] of [
  ['firefox without the site permission', () => launchFirefox(undefined, { grantSites: false }), haveFirefox, false],
  ['firefox with the site permission', () => launchFirefox(), haveFirefox, true],
  ['chromium', () => launchChromium(), haveChromium, true],
] as const) {
  describe.skipIf(!available || !haveBuilds)(`site access, in ${name}`, () => {
    let browser: TestBrowser;
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
      server.route('/story.html', STORY);
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it(granted ? 'shows the page’s entities and no access notice' : 'says it cannot read pages and offers to ask for access', async () => {
      const tab = await browser.newPage();
      await tab.goto(server.url('/story.html'));
      if (granted) expect(await tab.evaluate(waitScanned, 10_000)).toBe(true);
      const popup = await browser.newPage();
      await popup.openExtensionPage(`${browser.extensionOrigin}/src/popup/index.html?url=${encodeURIComponent(server.url('/story.html'))}`);
      // The popup has asked the page (busy cleared) before anything is judged.
      const state = await until(() => popup.evaluate(readPopup, null), (s) => s.busy === 'false');
      if (granted) {
        expect(state.notice).toBeNull();
        expect(state.entities).toBeGreaterThan(0);
      } else {
        expect(state.notice).toMatch(/cannot read your pages/);
        expect(state.button).toBe(true);
        // Without access the browser does not even say which page the tab shows.
        expect(state.error).toMatch(/no access to this page yet|without access/);
        expect(await tab.evaluate(() => [...CSS.highlights.keys()].length, null)).toBe(0);
      }
      await popup.close();
      await tab.close();
    });
  });
}
