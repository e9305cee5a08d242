/**
 * Two readers, two browser profiles, in real Chromium and Firefox ESR: Ana names herself on the
 * options page, saves a highlight with a note and exports her highlights; Bo imports the file on
 * his highlights page (preview first), sees Ana's highlight on the page with her name, imports the
 * same file again (nothing added) and a broken file (refused, nothing changed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser } from '../support/browsers.ts';
import { haveBuilds, haveChromium, haveFirefox } from '../support/paths.ts';
import { waitScanned } from '../support/page-probes.ts';
import { focusedField, panelByline, panelNote, readSaved, savedPoint, shadowPoint } from '../support/highlight-probes.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { until } from '../support/wait.ts';
import { chooseFile, clickSelector, openNoteEditor } from '../support/page-actions.ts';

const QUOTE = 'Li Lecheng said the digital economy would lead the agenda';
const NOTE = 'Ana: confirm with the embassy <b>before</b> Friday';
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Digital economy first</title>
<link rel="canonical" href="/world/digital-economy-first"></head><body><article><h1>Digital economy first</h1>
<p>Officials met in Beijing on Tuesday.</p><p id="q">In Beijing, ${QUOTE}, according to IRNA.</p>
<p>Artificial intelligence came second.</p></article></body></html>`;



const bodyText = () => document.body.innerText;

for (const [name, launch, available] of [
  ['chromium', launchChromium, haveChromium],
  ['firefox', launchFirefox, haveFirefox],
] as const) {
  describe.skipIf(!available || !haveBuilds)(`annotation files between two profiles, in ${name}`, () => {
    let ana: TestBrowser;
    let bo: TestBrowser;
    let server: TestServer;
    let exported = '';
    beforeAll(async () => {
      server = await startServer();
      server.route('/digital.html', PAGE);
      ana = await launch();
      bo = await launch();
    });
    afterAll(async () => {
      await ana?.close();
      await bo?.close();
      await server?.close();
    });

    it('Ana names herself, saves a highlight and exports an annotation file', async () => {
      const options = await ana.newPage();
      await options.openExtensionPage(`${ana.extensionOrigin}/src/options/index.html`);
      await until(() => options.evaluate(() => document.body.dataset.ready ?? null, null), (v) => v === 'true');
      await clickSelector(options, 'input[name=reader-name]');
      await options.type('Ana Ferreira');
      await options.press('Enter');
      expect(await until(() => options.evaluate(bodyText, null), (t) => t.includes('Saved'))).toContain('Ana Ferreira');
      await options.close();

      const page = await ana.newPage();
      await page.goto(server.url('/digital.html'));
      expect(await page.evaluate(waitScanned, 10_000)).toBe(true);
      await openNoteEditor(page, 'q', QUOTE);
      await page.type(NOTE);
      await page.press('Tab');
      await page.type('embassy');
      await page.press('Tab');
      await page.press('ArrowRight');
      await page.press('ArrowRight');
      await page.press('Control+Enter');
      expect(await until(() => page.evaluate(readSaved, null), (v) => Object.keys(v).length === 1)).toEqual({ blue: [QUOTE] });
      await page.close();

      const list = await ana.newPage();
      await list.openExtensionPage(`${ana.extensionOrigin}/src/highlights/index.html`);
      await until(() => list.evaluate(() => document.querySelectorAll('li[data-highlight]').length, null), (n) => n === 1);
      await clickSelector(list, 'button[name=export-jsonld]');
      expect(await until(() => list.evaluate(bodyText, null), (t) => t.includes('Exported 1 highlight'))).toMatch(/Exported 1 highlight as newsgloss-highlights-\d{4}-\d{2}-\d{2}\.jsonld/);
      // The same export, read back as the button made it (the download itself lands in the profile).
      exported = await list.evaluate(async () => {
        type Api = { runtime: { sendMessage(m: unknown): Promise<unknown> } };
        const g = globalThis as unknown as { browser?: Api; chrome: Api };
        const file = (await (g.browser ?? g.chrome).runtime.sendMessage({ type: 'annotations/export', filter: {}, format: 'jsonld' })) as { text: string };
        return file.text;
      }, null);
      await list.close();
      const file = JSON.parse(exported) as { type: string; first: { items: { creator: { name: string }; target: { source: string } }[] } };
      expect(file.type).toBe('AnnotationCollection');
      expect(file.first.items[0].creator.name).toBe('Ana Ferreira');
      expect(file.first.items[0].target.source).toBe(server.url('/world/digital-economy-first'));
    });

    it('Bo previews and imports it, and sees Ana’s highlight on the page with her name', async () => {
      expect(exported).not.toBe('');
      const list = await bo.newPage();
      await list.openExtensionPage(`${bo.extensionOrigin}/src/highlights/index.html`);
      await until(() => list.evaluate(bodyText, null), (t) => t.includes('0 of 0'));
      await list.evaluate(chooseFile, { text: exported, name: 'ana.jsonld', input: 'import', type: 'application/ld+json' });
      const preview = await until(() => list.evaluate(bodyText, null), (t) => t.includes('New: 1'));
      expect(preview).toContain('holds 1 annotation by Ana Ferreira (1) on 1 page');
      expect(preview).toContain('New: 1 · Updated: 0 · In conflict: 0 · Already here: 0');
      // Nothing is written before the reader confirms.
      expect(await list.evaluate(() => document.querySelectorAll('li[data-highlight]').length, null)).toBe(0);
      await clickSelector(list, 'button[name=confirm-import]');
      expect(await until(() => list.evaluate(bodyText, null), (t) => t.includes('Imported:'))).toContain('Imported: 1 new');
      await until(() => list.evaluate(() => document.querySelectorAll('li[data-highlight]').length, null), (n) => n === 1);
      // Filter by person.
      const people = await list.evaluate(() => [...document.querySelectorAll('select[name=creator] option')].map((o) => o.textContent), null);
      expect(people).toEqual(['Anyone', 'Ana Ferreira']);

      const page = await bo.newPage();
      await page.goto(server.url('/digital.html'));
      expect(await until(() => page.evaluate(readSaved, null), (v) => Object.keys(v).length === 1)).toEqual({ blue: [QUOTE] });
      const point = await page.evaluate(savedPoint, 'blue');
      await page.mouseMove(point!.x, point!.y);
      expect(await page.inUi(panelNote, 5000)).toBe(NOTE);
      expect(await page.inUi(panelByline, null)).toMatch(/^Ana Ferreira, \d{4}-\d{2}-\d{2}$/);
      await page.close();

      // The same file again adds nothing.
      await list.evaluate(chooseFile, { text: exported, name: 'ana.jsonld', input: 'import', type: 'application/ld+json' });
      expect(await until(() => list.evaluate(bodyText, null), (t) => t.includes('Already here: 1'))).toContain('New: 0 · Updated: 0 · In conflict: 0 · Already here: 1');
      await clickSelector(list, 'button[name=confirm-import]');
      expect(await until(() => list.evaluate(bodyText, null), (t) => t.includes('Imported:'))).toContain('Imported: 0 new, 0 updated, 0 in conflict, 1 already here');

      // Bo exports what he now has, right after importing: the teammate's highlight goes out under her name.
      await clickSelector(list, 'button[name=export-jsonld]');
      expect(await until(() => list.evaluate(bodyText, null), (t) => t.includes('Exported 1 highlight'))).toContain('Exported 1 highlight');

      // A cut-short file: refused with the reason, nothing changed.
      await list.evaluate(chooseFile, { text: exported.slice(0, exported.length / 2), name: 'cut.jsonld', input: 'import', type: 'application/ld+json' });
      const refused = await until(() => list.evaluate(bodyText, null), (t) => t.includes('was not imported'));
      expect(refused).toMatch(/cut\.jsonld was not imported; nothing was changed:\s*this is not JSON, or it is cut short/);
      expect(await list.evaluate(() => document.querySelectorAll('li[data-highlight]').length, null)).toBe(1);
      await list.close();
    });

    /** Opens the page, hovers the highlight and appends `text` to its note through Edit. */
    async function appendToNote(who: TestBrowser, text: string): Promise<void> {
      const page = await who.newPage();
      await page.goto(server.url('/digital.html'));
      await until(() => page.evaluate(readSaved, null), (v) => Object.keys(v).length === 1);
      const point = await page.evaluate(savedPoint, 'blue');
      await page.mouseMove(point!.x, point!.y);
      expect(await page.inUi(panelNote, 5000)).not.toBeNull();
      const edit = await page.inUi(shadowPoint, { selector: '.panel:not([hidden]) button', timeoutMs: 2000 });
      await page.click(edit!.x, edit!.y);
      expect(await page.inUi(focusedField, 5000)).toBe('note');
      await page.press('End');
      await page.type(text);
      await page.press('Control+Enter');
      await until(() => page.inUi((root) => root.querySelector('.panel:not([hidden]) form') !== null, null), (open) => open === false);
      await new Promise((r) => setTimeout(r, 300));
      await page.close();
    }

    it('an annotation edited on both sides comes back as a conflict Bo can see and resolve', async () => {
      await appendToNote(ana, ' (v2)');
      const list = await ana.newPage();
      await list.openExtensionPage(`${ana.extensionOrigin}/src/highlights/index.html`);
      const second = await list.evaluate(async () => {
        type Api = { runtime: { sendMessage(m: unknown): Promise<unknown> } };
        const g = globalThis as unknown as { browser?: Api; chrome: Api };
        return ((await (g.browser ?? g.chrome).runtime.sendMessage({ type: 'annotations/export', filter: {}, format: 'jsonld' })) as { text: string }).text;
      }, null);
      await list.close();
      expect((JSON.parse(second) as { first: { items: { body: { value: string }[] }[] } }).first.items[0].body[0].value).toBe(`${NOTE} (v2)`);

      await appendToNote(bo, ' (Bo)');
      const mine = await bo.newPage();
      await mine.openExtensionPage(`${bo.extensionOrigin}/src/highlights/index.html`);
      await until(() => mine.evaluate(() => document.querySelectorAll('li[data-highlight]').length, null), (n) => n === 1);
      await mine.evaluate(chooseFile, { text: second, name: 'ana-2.jsonld', input: 'import', type: 'application/ld+json' });
      expect(await until(() => mine.evaluate(bodyText, null), (t) => t.includes('In conflict: 1'))).toContain('New: 0 · Updated: 0 · In conflict: 1');
      await clickSelector(mine, 'button[name=confirm-import]');
      await until(() => mine.evaluate(() => document.querySelectorAll('.conflict').length, null), (n) => n === 1);
      const item = await mine.evaluate(() => document.querySelector('li[data-highlight]')!.textContent ?? '', null);
      // Bo's edit is the newer: it stays in front; Ana's is set aside as the conflict.
      expect(item).toContain(`${NOTE} (Bo)`);
      expect(item).toContain(`Conflict: another version, by Ana Ferreira`);
      expect(item).toContain(`${NOTE} (v2)`);
      await clickSelector(mine, 'button[name=adopt-other]');
      await until(() => mine.evaluate(() => document.querySelectorAll('.conflict').length, null), (n) => n === 0);
      const resolved = await mine.evaluate(() => document.querySelector('li[data-highlight] .note')?.textContent ?? '', null);
      expect(resolved).toBe(`${NOTE} (v2)`);
      await mine.close();
    });

    it('Bo imports a Hypothesis export: the reply in it is listed as refused with its reason, the others land when he chooses', async () => {
      // Hypothesis keys a page by the canonical address it declares, as Newsgloss does.
      const source = server.url('/world/digital-economy-first');
      const row = (id: string, over: Record<string, unknown>) => ({
        id, created: '2026-02-10T09:15:30.123456+00:00', updated: '2026-02-10T09:15:30.123456+00:00', user: 'acct:cy@hypothes.is', uri: source,
        text: '', tags: [], target: [{ source, selector: [{ type: 'TextQuoteSelector', exact: 'digital economy' }] }],
        document: { title: ['Digital economy first'] }, user_info: { display_name: 'Cy Okafor' }, ...over,
      });
      const file = JSON.stringify({
        export_date: '2026-03-01T08:00:00.000Z', export_userid: 'acct:cy@hypothes.is', client_version: '1.1500.0',
        annotations: [
          row('Hy1aaaaaaaaaaaaaaaaaaA', { text: 'Which economy?', tags: ['follow up'] }),
          row('Hy2aaaaaaaaaaaaaaaaaaA', { text: 'Agreed', references: ['Hy1aaaaaaaaaaaaaaaaaaA'], target: [{ source }] }),
          // "Beijing" stands twice on the page; Hypothesis's offsets count another text than ours,
          // its RangeSelector's XPath says which: the second paragraph.
          row('Hy3aaaaaaaaaaaaaaaaaaA', {
            text: 'Which meeting?',
            target: [{ source, selector: [
              { type: 'RangeSelector', startContainer: '/article[1]/p[2]', startOffset: 3, endContainer: '/article[1]/p[2]', endOffset: 10 },
              { type: 'TextPositionSelector', start: 9999, end: 10006 },
              { type: 'TextQuoteSelector', exact: 'Beijing' },
            ] }],
          }),
        ],
      });
      const list = await bo.newPage();
      await list.openExtensionPage(`${bo.extensionOrigin}/src/highlights/index.html`);
      const before = await until(() => list.evaluate(() => document.querySelectorAll('li[data-highlight]').length, null), (n) => n > 0);
      await list.evaluate(chooseFile, { text: file, name: 'hypothesis.json', input: 'import', type: 'application/json' });
      const preview = await until(() => list.evaluate(bodyText, null), (t) => t.includes('New: 2'));
      expect(preview).toContain('holds 2 annotations by Cy Okafor (2)');
      expect(preview).toContain('1 annotation cannot be imported');
      expect(preview).toContain('annotation 2 (Hy2aaaaaaaaaaaaaaaaaaA): is a reply to another annotation, not a passage of the page');
      await clickSelector(list, 'button[name=confirm-import]');
      expect(await until(() => list.evaluate(bodyText, null), (t) => t.includes('Imported:'))).toContain('Imported: 2 new');
      await until(() => list.evaluate(() => document.querySelectorAll('li[data-highlight]').length, null), (n) => n === before + 2);
      const page = await bo.newPage();
      await page.goto(server.url('/digital.html'));
      // Written without prefix or suffix, as a tool writes a quote found once: found all the same.
      const saved = await until(() => page.evaluate(readSaved, null), (v) => (v.yellow ?? []).includes('digital economy'));
      expect(saved.yellow).toContain('digital economy');
      const beijing = await until(
        () => page.evaluate(() => [...(CSS.highlights.get('newsgloss-note-yellow') ?? [])].filter((r) => r.toString() === 'Beijing').map((r) => (r as Range).startContainer.parentElement?.id ?? ''), null),
        (ids) => ids.length > 0,
      );
      expect(beijing).toEqual(['q']);
      await page.close();
      await list.close();
    });
  });
}
