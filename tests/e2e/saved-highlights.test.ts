/**
 * Saved highlights as a reader meets them, in real Chromium and Firefox ESR: select text, save it
 * from the button next to the selection with a note, tags and a colour (keyboard only inside the
 * editor), see it painted; come back and see it again with its note on hover; come back to an
 * edited copy of the page (an inserted paragraph, re-wrapped text, a paragraph gone) and see the
 * one whose text is still there painted and the other listed in the popup as not found; find both
 * on the highlights page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from '../support/browsers.ts';
import { haveBuilds, haveChromium, haveFirefox } from '../support/paths.ts';
import { askTab, readHighlights, waitScanned } from '../support/page-probes.ts';
import { focusedField, panelButtons, panelNote, readSaved, savedPoint, shadowPoint } from '../support/highlight-probes.ts';
import { openNoteEditor } from '../support/page-actions.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { until } from '../support/wait.ts';

const QUOTE_1 = 'Minister Sattar Hashemi met his Chinese counterpart Li Lecheng in Beijing';
const QUOTE_2 = 'the two sides would review the agreement every year';
const NOTE_1 = 'Check the date against IRNA <script>alert(1)</script>';
const NOTE_2 = 'Only this outlet says "every year".';

const P1 = `<p>Officials from both countries spoke for two hours on Monday, according to a statement.</p>`;
const P2 = `<p id="q1">On Monday, ${QUOTE_1} to discuss technology cooperation, the ministry said.</p>`;
const P3 = `<p>Artificial intelligence and the digital economy were on the agenda.</p>`;
const P4 = `<p id="q2">A spokesman added that ${QUOTE_2}, without giving details.</p>`;

function story(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tehran and Beijing talk technology</title>
<link rel="canonical" href="/world/tehran-beijing-technology?utm_source=rss"></head><body><article><h1>Tehran and Beijing talk technology</h1>
${body}</article></body></html>`;
}

const ORIGINAL = story(`${P1}\n${P2}\n${P3}\n${P4}`);
/** The same story later: a paragraph inserted above, the first quote's paragraph re-wrapped, the second's removed. */
const EDITED = story(`<p>Advertisement: subscribe for unlimited access.</p>\n${P1}\n${P2.replace(/ (Li|in|to) /g, '\n      $1 ')}\n${P3}`);

for (const [name, launch, available] of [
  ['chromium', launchChromium, haveChromium],
  ['firefox', launchFirefox, haveFirefox],
] as const) {
  describe.skipIf(!available || !haveBuilds)(`saved highlights in ${name}`, () => {
    let browser: TestBrowser;
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
      server.route('/story.html', ORIGINAL);
      server.route('/story-later.html', EDITED);
      server.route('/story-late.html', story(`${P1}\n<div id="slot"></div>\n${P3}`));
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    async function saveSelection(page: TestPage, id: string, text: string, note: string, tags: string, moveColour: number): Promise<void> {
      await openNoteEditor(page, id, text);
      await page.type(note);
      await page.press('Tab');
      await page.type(tags);
      await page.press('Tab');
      for (let i = 0; i < moveColour; i++) await page.press('ArrowRight');
      await page.press('Control+Enter');
    }

    it('saves a selection with a note, paints it, and brings it back on the next visit with its note', async () => {
      const page = await browser.newPage();
      await page.goto(server.url('/story.html'));
      expect(await page.evaluate(waitScanned, 10_000)).toBe(true);

      await saveSelection(page, 'q1', QUOTE_1, NOTE_1, 'tech, china', 0);
      expect(await until(() => page.evaluate(readSaved, null), (v) => (v.yellow?.length ?? 0) === 1)).toEqual({ yellow: [QUOTE_1] });
      await saveSelection(page, 'q2', QUOTE_2, NOTE_2, 'follow up', 1);
      expect(await until(() => page.evaluate(readSaved, null), (v) => (v.green?.length ?? 0) === 1)).toEqual({ yellow: [QUOTE_1], green: [QUOTE_2] });

      await page.goto(server.url('/story.html'));
      expect(await until(() => page.evaluate(readSaved, null), (v) => Object.keys(v).length === 2)).toEqual({ yellow: [QUOTE_1], green: [QUOTE_2] });
      const point = await page.evaluate(savedPoint, 'yellow');
      await page.mouseMove(point!.x, point!.y);
      // The note is shown as text: the markup in it is neither parsed nor run.
      expect(await page.inUi(panelNote, 5000)).toBe(NOTE_1);

      // The "next highlight" shortcut's message steps through them in page order, note open and focused.
      const ext = await browser.newPage();
      await ext.openExtensionPage(`${browser.extensionOrigin}/src/highlights/index.html`);
      const next = (url: string) => ext.evaluate(async (u: string) => {
        type Api = { tabs: { query(q: object): Promise<{ id?: number; url?: string }[]>; sendMessage(id: number, m: unknown): Promise<unknown> } };
        const g = globalThis as unknown as { browser?: Api; chrome: Api };
        const api = g.browser ?? g.chrome;
        const tab = (await api.tabs.query({})).find((t) => t.url === u);
        return api.tabs.sendMessage(tab!.id!, { type: 'page/next-highlight' });
      }, url);
      const storyUrl = server.url('/story.html');
      expect(await next(storyUrl)).toEqual({ found: true });
      expect(await page.inUi(panelNote, 5000)).toBe(NOTE_1);
      expect(await next(storyUrl)).toEqual({ found: true });
      expect(await until(() => page.inUi(panelNote, 1000), (n) => n === NOTE_2)).toBe(NOTE_2);
      expect(await next(storyUrl)).toEqual({ found: true });
      expect(await until(() => page.inUi(panelNote, 1000), (n) => n === NOTE_1)).toBe(NOTE_1);
      await ext.close();
      expect(page.errors).toEqual([]);
      await page.close();
    });

    it('on an edited copy of the page, paints what is still there and lists the other as not found', async () => {
      const page = await browser.newPage();
      const url = server.url('/story-later.html');
      await page.goto(url);
      expect(await until(() => page.evaluate(readSaved, null), (v) => Object.keys(v).length > 0)).toEqual({ yellow: [QUOTE_1] });

      const popup = await browser.newPage();
      await popup.openExtensionPage(`${browser.extensionOrigin}/src/popup/index.html?url=${encodeURIComponent(url)}`);
      const listed = await until(
        () => popup.evaluate(() => ({
          found: [...document.querySelectorAll('li.highlight:not(.orphan)')].map((li) => li.textContent ?? ''),
          missing: [...document.querySelectorAll('li.orphan')].map((li) => li.textContent ?? ''),
        }), null),
        (v) => v.found.length + v.missing.length === 2,
      );
      expect(listed.found).toHaveLength(1);
      expect(listed.found[0]).toContain(QUOTE_1);
      expect(listed.missing).toHaveLength(1);
      expect(listed.missing[0]).toContain(QUOTE_2);
      expect(listed.missing[0]).toContain(NOTE_2);
      // The paragraph as it read when saved.
      expect(listed.missing[0]).toContain('A spokesman added that');
      // This page's highlights can be exported from here (the highlights page, filtered to it).
      expect(await popup.evaluate(() => document.body.innerText, null)).toContain('Export this page’s highlights');
      await popup.close();
      await page.close();
    });

    it('lists every highlight on the highlights page, searchable, with the entities inside it', async () => {
      const page = await browser.newPage();
      await page.openExtensionPage(`${browser.extensionOrigin}/src/highlights/index.html`);
      const all = await until(() => page.evaluate(() => [...document.querySelectorAll('li[data-highlight]')].map((li) => li.textContent ?? ''), null), (v) => v.length === 2);
      expect(all).toHaveLength(2);
      // The entities inside the selection were attached to it.
      const first = all.find((t) => t.includes(QUOTE_1))!;
      expect(first).toContain('Sattar Hashemi');
      expect(first).toContain('Li Lecheng');
      // Labelled by their names, read from the stored dictionary.
      const meta = await page.evaluate(() => [...document.querySelectorAll('li[data-highlight] .meta')].map((p) => p.textContent ?? ''), null);
      expect(meta.find((t) => t.includes('Li Lecheng'))).toMatch(/Sattar Hashemi, Li Lecheng|Li Lecheng, Sattar Hashemi/);
      expect(all.find((t) => t.includes(QUOTE_2))).toContain('follow up');
      const search = await page.evaluate(() => {
        const r = (document.querySelector('input[name=q]') as HTMLInputElement).getBoundingClientRect();
        return { x: r.left + 5, y: r.top + r.height / 2 };
      }, null);
      await page.click(search.x, search.y);
      await page.type('irna');
      const byNote = await until(() => page.evaluate(() => [...document.querySelectorAll('li[data-highlight]')].map((li) => li.textContent ?? ''), null), (v) => v.length === 1);
      expect(byNote).toHaveLength(1);
      expect(byNote[0]).toContain(QUOTE_1);
      for (let i = 0; i < 4; i++) await page.press('Backspace');
      await page.type('EVERY year');
      const found = await until(() => page.evaluate(() => [...document.querySelectorAll('li[data-highlight]')].map((li) => li.textContent ?? ''), null), (v) => v.length === 1);
      expect(found[0]).toContain(QUOTE_2);
      await page.close();
    });
    it('paints a highlight whose text arrives late, opens its note from the popup, edits and deletes it from the page', async () => {
      const page = await browser.newPage();
      const url = server.url('/story-late.html');
      await page.goto(url);
      expect(await page.evaluate(waitScanned, 10_000)).toBe(true);
      expect(await page.evaluate(readSaved, null)).toEqual({});
      await page.evaluate((html: string) => {
        setTimeout(() => (document.getElementById('slot')!.innerHTML = html), 300);
      }, P2);
      expect(await until(() => page.evaluate(readSaved, null), (v) => (v.yellow?.length ?? 0) === 1)).toEqual({ yellow: [QUOTE_1] });

      // From the popup's list: the page scrolls to it and opens its note.
      const popup = await browser.newPage();
      await popup.openExtensionPage(`${browser.extensionOrigin}/src/popup/index.html?url=${encodeURIComponent(url)}`);
      // Measured once the popup has settled (its related coverage read), so nothing moves the button before the click.
      await until(() => popup.evaluate(() => document.getElementById('app')?.getAttribute('aria-busy'), null), (v) => v === 'false');
      const show = await until(() => popup.evaluate(() => {
        const b = document.querySelector('li.highlight:not(.orphan) button.quote');
        if (!b) return null;
        const r = b.getBoundingClientRect();
        return { x: r.left + 5, y: r.top + r.height / 2 };
      }, null), (v) => v !== null);
      await popup.click(show!.x, show!.y);
      // The page loads its UI part on this first need; once, under load, Firefox showed no note within 5 s.
      expect(await page.inUi(panelNote, 10_000, 10_000)).toBe(NOTE_1);
      await popup.close();

      // Edit: the note editor opens with the saved note; the new one replaces it.
      expect(await page.inUi(panelButtons, null)).toEqual(['Edit', 'Delete']);
      const edit = await page.inUi(shadowPoint, { selector: '.panel:not([hidden]) button', timeoutMs: 2000 });
      await page.click(edit!.x, edit!.y);
      expect(await page.inUi(focusedField, 5000)).toBe('note');
      await page.press('End');
      await page.type(' (done)');
      await page.press('Control+Enter');
      await until(() => page.inUi(panelButtons, null), (v) => (v ?? []).length === 0);
      const point = await page.evaluate(savedPoint, 'yellow');
      await page.mouseMove(point!.x + 1, point!.y);
      expect(await page.inUi(panelNote, 5000)).toBe(`${NOTE_1} (done)`);

      // Delete asks once more, in place.
      const del = await page.inUi(shadowPoint, { selector: '.panel:not([hidden]) button.danger', timeoutMs: 2000 });
      await page.click(del!.x, del!.y);
      expect(await page.inUi(panelButtons, null)).toEqual(['Edit', 'Delete for good?']);
      await page.click(del!.x, del!.y);
      expect(await until(() => page.evaluate(readSaved, null), (v) => Object.keys(v).length === 0)).toEqual({});
      await page.goto(url);
      expect(await page.evaluate(waitScanned, 10_000)).toBe(true);
      // The page is ready and no longer knows the deleted highlight, and the late paragraph has been scanned: nothing of it is painted as saved.
      const ext = await browser.newPage();
      await ext.openExtensionPage(`${browser.extensionOrigin}/src/highlights/index.html`);
      const ask = (type: string) => ext.evaluate(askTab, { url, message: { type } }) as Promise<Record<string, unknown> | null>;
      expect((await until(() => ask('page/entities'), (s) => s?.state === 'ready'))?.state).toBe('ready');
      // Only the other quote, saved on the same story and absent from this copy, is still known.
      const known = (await ask('page/highlights'))?.items as { highlight: { quote: { exact: string } }; found: boolean }[];
      expect(known.map((k) => [k.highlight.quote.exact, k.found])).toEqual([[QUOTE_2, false]]);
      await page.evaluate((html: string) => void (document.getElementById('slot')!.innerHTML = html), P2);
      const painted = () => page.evaluate(readHighlights, 0).then((h) => h.map((x) => x.text));
      expect(await until(painted, (t) => t.includes('Sattar Hashemi'))).toContain('Sattar Hashemi');
      expect(await page.evaluate(readSaved, null)).toEqual({});
      await ext.close();
      expect(page.errors).toEqual([]);
      await page.close();
    });

  });
}
