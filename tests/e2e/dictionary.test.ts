/**
 * The reader's own dictionary, in real Chromium and Firefox ESR with two profiles: Ana adds a name
 * from a selection and sees it highlighted on another open tab without a reload (card and
 * evidence included), edits it on the dictionary page, exports her pack; Bo imports it (preview
 * first) and sees it highlighted; an edit on both sides comes back as a conflict Bo resolves; a
 * FollowTheMoney list of 25,000 entities imports and its names are highlighted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from '../support/browsers.ts';
import { haveBuilds, haveChromium, haveFirefox } from '../support/paths.ts';
import { readCardTitle, readHighlights, waitScanned } from '../support/page-probes.ts';
import { selectText, shadowPoint } from '../support/highlight-probes.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { until } from '../support/wait.ts';
import { chooseFile, clickSelector } from '../support/page-actions.ts';

const NAME = 'Rustam Qasimov';
const SENTENCE = `The deal was signed by ${NAME}, head of the Dushanbe mining authority, on Friday.`;
const FIRST = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lithium in the Pamirs</title>
<meta property="og:site_name" content="Pamir Herald"><meta property="article:published_time" content="2026-11-02T08:00:00Z"></head>
<body><article><h1>Lithium in the Pamirs</h1><p id="p1">${SENTENCE}</p><p>Beijing welcomed it.</p></article></body></html>`;
const SECOND = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Another story</title></head>
<body><article><p id="s1">Later, ${NAME} flew to Tehran.</p><p id="s2">Local papers wrote Rustam Kasimov instead.</p></article></body></html>`;

/** Ten first names and ten surnames with letters added: up to 26,000 distinct people and companies. */
const FIRST_NAMES = ['Arslan', 'Bakhyt', 'Dariga', 'Erlan', 'Farrukh', 'Gulnara', 'Hamid', 'Ilyas', 'Jamshid', 'Kairat'];
const SURNAMES = ['Abdrakhmanov', 'Baimukhanov', 'Chorshanbiev', 'Dzhumabaev', 'Ergeshov', 'Fayzullayev', 'Gafurov', 'Haydarov', 'Iskakov', 'Juraev'];

function ftmList(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const first = `${FIRST_NAMES[i % 10]}${i >= 100 ? String.fromCharCode(97 + Math.floor(i / 1000)) : ''}`;
    const last = `${SURNAMES[Math.floor(i / 10) % 10]}${String.fromCharCode(97 + (Math.floor(i / 100) % 10))}`;
    const company = i % 2 === 1;
    lines.push(JSON.stringify({
      id: `NK-${i.toString(36)}`, schema: company ? 'Company' : 'Person', datasets: ['test_sanctions'],
      properties: company
        ? { name: [`${first} ${last} Mining Holdings`], jurisdiction: ['tj'], notes: ['A mining company under sanctions.'] }
        : { name: [`${first} ${last}`], weakAlias: [last], position: i % 4 === 0 ? ['Deputy minister'] : [], country: ['kz'] },
    }));
  }
  lines.push(JSON.stringify({ id: 'rel-1', schema: 'Ownership', properties: { owner: ['NK-0'], asset: ['NK-1'] } }));
  return lines.join('\n');
}

const bodyText = () => document.body.innerText;

/** How many pieces of a compiled dictionary, and parts of its automaton, extension storage holds (read on an extension page). */
async function storedDictionaryPieces(): Promise<{ pieces: number; parts: number }> {
  type Api = { storage: { local: { get(k: null): Promise<Record<string, unknown>> } } };
  const g = globalThis as unknown as { browser?: Api; chrome: Api };
  const keys = Object.keys(await (g.browser ?? g.chrome).storage.local.get(null)).filter((k) => k.startsWith('dictionary~'));
  return { pieces: keys.filter((k) => !k.includes('~part')).length, parts: keys.filter((k) => k.includes('~part')).length };
}



/** Texts painted as entities of `kind` (all kinds when null). */
function painted(kind: string | null): string[] {
  const out: string[] = [];
  for (const [name, h] of CSS.highlights) {
    if (!name.startsWith('newsgloss-') || name.startsWith('newsgloss-note') || (kind && name !== `newsgloss-${kind}`)) continue;
    for (const r of h) out.push((r as Range).toString());
  }
  return out.sort();
}

/** The open card's text (on the UI's root, through TestPage.inUi). */
function cardText(root: ShadowRoot): string {
  const card = root.querySelector('.card') as HTMLElement | null;
  return card && !card.hidden ? (card.textContent ?? '') : '';
}

/** Keeps every blob the page turns into a download link, to read back what an export button produced. */
function keepDownloads(): void {
  const w = window as unknown as { kept: Blob[] };
  w.kept = [];
  const original = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (b: Blob | MediaSource) => {
    if (b instanceof Blob) w.kept.push(b);
    return original(b);
  };
}
const lastDownload = () => {
  const kept = (window as unknown as { kept: Blob[] }).kept;
  return kept.length ? kept[kept.length - 1].text() : Promise.resolve('');
};

async function openDictionary(who: TestBrowser): Promise<TestPage> {
  const page = await who.newPage();
  await page.openExtensionPage(`${who.extensionOrigin}/src/dictionary/index.html`);
  await until(() => page.evaluate(() => document.body.dataset.ready ?? null, null), (v) => v === 'true');
  return page;
}

/** Edits the entity named `name` on an open dictionary page: description replaced, one alias added. */
async function editEntity(page: TestPage, name: string, description: string, alias: string | null): Promise<void> {
  await clickSelector(page, 'input[name=search]');
  await page.type(name);
  await until(() => page.evaluate(() => document.querySelectorAll('li[data-entity]').length, null), (n) => n === 1);
  await clickSelector(page, 'li[data-entity] .row button');
  await clickSelector(page, 'form.entity-form textarea[name=description]');
  await page.evaluate(() => (document.querySelector('form.entity-form textarea[name=description]') as HTMLTextAreaElement).select(), null);
  await page.type(description);
  if (alias) {
    const empty = await page.evaluate(() => [...document.querySelectorAll<HTMLInputElement>('form.entity-form input[name=alias]')].findIndex((i) => !i.value), null);
    await clickSelector(page, `form.entity-form .alias-row:nth-of-type(${empty + 1}) input[name=alias]`);
    await page.type(alias);
  }
  await clickSelector(page, 'form.entity-form button[type=submit]');
  expect(await until(() => page.evaluate(bodyText, null), (t) => t.includes(`Saved “${name}”`))).toContain('entities in use');
}

for (const [name, launch, available] of [
  ['chromium', launchChromium, haveChromium],
  ['firefox', launchFirefox, haveFirefox],
] as const) {
  describe.skipIf(!available || !haveBuilds)(`the reader's dictionary, in ${name}`, () => {
    let ana: TestBrowser;
    let bo: TestBrowser;
    let server: TestServer;
    let pack = '';
    beforeAll(async () => {
      server = await startServer();
      server.route('/first.html', FIRST);
      server.route('/second.html', SECOND);
      ana = await launch();
      bo = await launch();
    });
    afterAll(async () => {
      await ana?.close();
      await bo?.close();
      await server?.close();
    });

    it('a name added from a selection is highlighted on another open tab without a reload, with its card and evidence', async () => {
      const other = await ana.newPage();
      await other.goto(server.url('/second.html'));
      expect(await other.evaluate(waitScanned, 10_000)).toBe(true);
      expect(await other.evaluate(painted, null)).not.toContain(NAME);

      const page = await ana.newPage();
      await page.goto(server.url('/first.html'));
      expect(await page.evaluate(waitScanned, 10_000)).toBe(true);
      // Stored as coverage before the name is in the dictionary: its mentions are found again once it is.
      const popup = await ana.newPage();
      await popup.openExtensionPage(`${ana.extensionOrigin}/src/popup/index.html?url=${encodeURIComponent(server.url('/first.html'))}`);
      await until(() => popup.evaluate(() => [...document.querySelectorAll('button')].some((b) => b.textContent === 'Save this article'), null), (v) => v);
      await popup.evaluate(() => [...document.querySelectorAll('button')].find((b) => b.textContent === 'Save this article')!.click(), null);
      expect(await until(() => popup.evaluate(bodyText, null), (t) => t.includes('Saved,'))).toContain('Saved, with');
      await popup.close();

      expect(await page.evaluate(selectText, { id: 'p1', text: NAME })).toBe(true);
      const add = await page.inUi(shadowPoint, { selector: 'button.add-entity', timeoutMs: 5000 });
      expect(add).not.toBeNull();
      await page.click(add!.x, add!.y);
      await page.inUi((root) => {
        const select = root.querySelector('select[name=entity-kind]') as HTMLSelectElement;
        select.value = 'official';
        select.dispatchEvent(new Event('change', { bubbles: true }));
      }, null);
      const submit = await page.inUi(shadowPoint, { selector: '.panel:not([hidden]) button.primary', timeoutMs: 2000 });
      await page.click(submit!.x, submit!.y);
      const done = await until(() => page.inUi((root) => root.querySelector('.done')?.textContent ?? '', null), (t) => !!t);
      expect(done).toContain(`Added “${NAME}” as Official`);
      expect(await until(() => page.evaluate(painted, 'official'), (v) => v.includes(NAME))).toContain(NAME);

      // The other tab was not reloaded: it follows the stored dictionary.
      expect(await until(() => other.evaluate(painted, 'official'), (v) => v.includes(NAME))).toEqual([NAME]);
      const seen = await other.evaluate(readHighlights, 5000);
      const mark = seen.find((h) => h.text === NAME)!;
      await other.mouseMove(mark.x, mark.y);
      expect(await other.inUi(readCardTitle, { expected: NAME, timeoutMs: 5000 })).toBe(NAME);
      const card = await other.inUi(cardText, null).then((t) => t ?? '');
      expect(card).toContain('Added by you');
      expect(card).toContain('Where it was named');
      expect(card).toContain(SENTENCE);
      expect(card).toContain('Pamir Herald');
      expect(card).toContain('2026-11-02');
      await page.close();

      // Edited on the dictionary page: a new spelling is highlighted on the open tab.
      const dict = await openDictionary(ana);
      await editEntity(dict, NAME, 'Head of the Dushanbe mining authority.', 'Rustam Kasimov');
      const id = await dict.evaluate(() => (document.querySelector('li[data-entity]') as HTMLElement).dataset.entity ?? '', null);
      await dict.close();

      // Its coverage timeline lists the article stored before it was added.
      const timeline = await until(async () => {
        const coverage = await ana.newPage();
        await coverage.openExtensionPage(`${ana.extensionOrigin}/src/coverage/index.html?entity=${encodeURIComponent(id)}`);
        const text = await until(() => coverage.evaluate(bodyText, null), (t) => !t.includes('Loading'));
        await coverage.close();
        return text;
      }, (t) => t.includes('1 stored article mentions it'), 20_000, 500);
      expect(timeline).toContain('1 stored article mentions it');
      expect(timeline).toContain('Lithium in the Pamirs');
      expect(await until(() => other.evaluate(painted, 'official'), (v) => v.length === 2)).toEqual(['Rustam Kasimov', NAME]);
      await other.close();
    });

    it('Ana exports her pack; Bo previews it, imports it and sees the name highlighted', async () => {
      const dict = await openDictionary(ana);
      await dict.evaluate(keepDownloads, null);
      await clickSelector(dict, 'nav.tabs button:nth-child(2)');
      await clickSelector(dict, 'button[name=export-pack]');
      expect(await until(() => dict.evaluate(bodyText, null), (t) => t.includes('Exported 1 entity'))).toMatch(/Exported 1 entity as newsgloss-dictionary-\d{4}-\d{2}-\d{2}\.json/);
      pack = await dict.evaluate(lastDownload, null);
      await dict.close();
      const file = JSON.parse(pack) as { format: string; entities: { name: string; aliases: { text: string }[] }[] };
      expect(file.format).toBe('newsgloss-dictionary-pack');
      expect(file.entities[0].aliases.map((a) => a.text)).toEqual([NAME, 'Rustam Kasimov']);

      const bdict = await openDictionary(bo);
      await clickSelector(bdict, 'nav.tabs button:nth-child(2)');
      await bdict.evaluate(chooseFile, { text: pack, name: 'ana-pack.json', input: 'import-pack' });
      const preview = await until(() => bdict.evaluate(bodyText, null), (t) => t.includes('New: 1'));
      expect(preview).toContain('New: 1 · Changed: 0 · In conflict: 0 · Already here: 0');
      expect(preview).toContain('new: Official “Rustam Qasimov”');
      await clickSelector(bdict, 'button[name=confirm-import]');
      expect(await until(() => bdict.evaluate(bodyText, null), (t) => t.includes('Imported into'))).toContain('1 new, 0 changed');
      await bdict.close();

      const page = await bo.newPage();
      await page.goto(server.url('/second.html'));
      expect(await until(() => page.evaluate(painted, 'official'), (v) => v.length === 2)).toEqual(['Rustam Kasimov', NAME]);
      await page.close();
    });

    it('an entity edited in both profiles comes back as a conflict Bo sees and resolves', async () => {
      const adict = await openDictionary(ana);
      await editEntity(adict, NAME, 'Ana: he chairs the authority since 2024.', null);
      await adict.evaluate(keepDownloads, null);
      await clickSelector(adict, 'nav.tabs button:nth-child(2)');
      await clickSelector(adict, 'button[name=export-pack]');
      await until(() => adict.evaluate(bodyText, null), (t) => t.includes('Exported 1 entity'));
      const second = await adict.evaluate(lastDownload, null);
      await adict.close();

      const bdict = await openDictionary(bo);
      await editEntity(bdict, NAME, 'Bo: he was replaced in October.', null);
      await clickSelector(bdict, 'nav.tabs button:nth-child(2)');
      await bdict.evaluate(chooseFile, { text: second, name: 'ana-pack-2.json', input: 'import-pack' });
      expect(await until(() => bdict.evaluate(bodyText, null), (t) => t.includes('In conflict: 1'))).toContain('New: 0 · Changed: 0 · In conflict: 1');
      await clickSelector(bdict, 'button[name=confirm-import]');
      await until(() => bdict.evaluate(bodyText, null), (t) => t.includes('Imported into'));
      await clickSelector(bdict, 'nav.tabs button:nth-child(1)');
      await until(() => bdict.evaluate(() => document.querySelectorAll('.conflict').length, null), (n) => n === 1);
      const item = await bdict.evaluate(() => document.querySelector('li[data-entity]')?.textContent ?? '', null);
      // Bo's edit is the newer one and stays in front; Ana's is kept beside it.
      expect(item).toContain('Bo: he was replaced in October.');
      expect(item).toContain('Ana: he chairs the authority since 2024.');
      await clickSelector(bdict, '.conflict button:nth-child(2)');
      await until(() => bdict.evaluate(() => document.querySelectorAll('.conflict').length, null), (n) => n === 0);
      expect(await bdict.evaluate(() => document.querySelector('li[data-entity] .description')?.textContent ?? '', null)).toBe('Ana: he chairs the authority since 2024.');
      await bdict.close();
    });

    it('a FollowTheMoney list of 25,000 entities imports and its names are highlighted', async () => {
      // Large enough for its automaton to be stored in parts.
      const list = ftmList(25_000);
      const dict = await openDictionary(bo);
      await clickSelector(dict, 'nav.tabs button:nth-child(2)');
      await dict.evaluate(chooseFile, { text: list, name: 'test-sanctions.jsonl', input: 'import-pack' });
      const preview = await until(() => dict.evaluate(bodyText, null), (t) => t.includes('New: 25000'), 60_000);
      expect(preview).toContain('FollowTheMoney list “test-sanctions”');
      expect(preview).toContain('holds 25,000 entities');
      expect(preview).toContain('1 records that are not names to highlight');
      await clickSelector(dict, 'button[name=confirm-import]');
      expect(await until(() => dict.evaluate(bodyText, null), (t) => t.includes('Imported into'), 60_000)).toContain('25000 new');
      await until(() => dict.evaluate(bodyText, null), (t) => t.includes('entities in use'), 60_000);
      // Its automaton (over 100,000 states) is stored in parts, of which the page below reads those its text needs.
      const stored = await until(() => dict.evaluate(storedDictionaryPieces, null), (n) => n.parts > 1, 30_000);
      expect(stored.parts).toBeGreaterThan(10);
      await dict.close();

      const sanctions = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sanctions</title></head><body>
        <p id="a">Officials named Arslan Abdrakhmanova in the filing; Bakhyt Gafurovz was not listed.</p>
        <p id="b">Bakhyt Chorshanbieva Mining Holdings denied it; Jamshidj Juraevj declined to comment.</p>
        <p id="c">Arslan is a common first name.</p></body></html>`;
      server.route('/sanctions.html', sanctions);
      // A policy that forbids WebAssembly: Chromium's content script then scans with JavaScript
      // tables, for which the automaton is read whole from its parts.
      server.route('/sanctions-strict.html', sanctions, "default-src 'none'; style-src 'unsafe-inline'");
      const page = await bo.newPage();
      await page.goto(server.url('/sanctions.html'));
      const seen = await until(() => page.evaluate(painted, null), (v) => v.length >= 3, 15_000);
      expect(seen).toEqual(['Arslan Abdrakhmanova', 'Bakhyt Chorshanbieva Mining Holdings', 'Jamshidj Juraevj']);
      // Person 0 holds a position: an official; person 9,998 holds none; record 21 is a company.
      expect(await page.evaluate(painted, 'official')).toEqual(['Arslan Abdrakhmanova']);
      expect(await page.evaluate(painted, 'person')).toEqual(['Jamshidj Juraevj']);
      expect(await page.evaluate(painted, 'organisation')).toEqual(['Bakhyt Chorshanbieva Mining Holdings']);
      await page.close();
      const strict = await bo.newPage();
      await strict.goto(server.url('/sanctions-strict.html'));
      expect(await until(() => strict.evaluate(painted, null), (v) => v.length >= 3, 15_000)).toEqual(seen);
      await strict.close();
    });
  });
}
