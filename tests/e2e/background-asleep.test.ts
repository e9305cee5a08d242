/**
 * A page load never wakes the background, in real Chromium: the content script reads the
 * compiled dictionary and the page index from storage, which the browser answers itself, and
 * asks the background only when the reader acts (here, a hover that opens a card).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type ServiceWorkerWatch, type TestBrowser } from '../support/browsers.ts';
import { haveBuilds, haveChromium } from '../support/paths.ts';
import { pointAtHighlight, readCardTitle, readHighlights } from '../support/page-probes.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { CONTENT_GLOBAL } from '../../src/content/script-files.ts';
import { until } from '../support/wait.ts';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { compileTerms } from '../../src/core/compile-terms.ts';
import { packDictionary } from '../../src/core/stored-dictionary.ts';
import { SPLIT_MIN_STATES } from '../../src/core/automaton-parts.ts';
import { SEEDS_DIR } from '../support/paths.ts';
import { userEntities } from '../bench/synthetic-dictionary.ts';
import { installedBuild, writeBenchDictionary, type Background } from '../bench/bench-dictionary.ts';

const PAGE = '<!doctype html><html lang="en"><head><title>Talks</title></head><body><article><p>Minister Sattar Hashemi met his Chinese counterpart Li Lecheng in Beijing.</p></article></body></html>';

describe.skipIf(!haveChromium || !haveBuilds)('the background while pages load, in chromium', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let worker: ServiceWorkerWatch;
  beforeAll(async () => {
    server = await startServer();
    server.route('/talks.html', PAGE);
    server.route('/other.html', PAGE.replace('Talks', 'Other talks'));
    browser = await launchChromium();
    worker = await browser.watchServiceWorker!();
    // A first page once the background has stored the dictionary (on install): from then on
    // pages read it from storage.
    const first = await browser.newPage();
    await first.goto(server.url('/talks.html'));
    expect((await first.evaluate(readHighlights, 10_000)).length).toBeGreaterThan(0);
    await first.close();
  });
  afterAll(async () => {
    await worker?.close();
    await browser?.close();
    await server?.close();
  });

  /** Opens `path` and waits for positive signs that the page's work ran: `name` painted, and the session ready (past reading the page's saved highlights, the last step of its start; the popup reads the same state). */
  async function painted(path: string, name: string) {
    const tab = await browser.newPage();
    await tab.goto(server.url(path));
    expect((await tab.evaluate(readHighlights, 10_000)).map((h) => h.text)).toContain(name);
    expect(await until(() => tab.inExtensionWorld!(`globalThis.${CONTENT_GLOBAL}?.state ?? null`), (s) => s === 'ready')).toBe('ready');
    return tab;
  }

  it('stays stopped while a page is painted and its session made ready; a hover wakes it', async () => {
    await worker.stop();
    const tab = await painted('/other.html', 'Li Lecheng');
    expect(worker.starts()).toBe(0);

    // The reader acts: the card's UI is loaded by the background, which wakes for it.
    const point = await tab.evaluate(pointAtHighlight, 'Sattar Hashemi');
    await tab.mouseMove(point!.x, point!.y);
    expect(await tab.inUi(readCardTitle, { expected: 'Sattar Hashemi', timeoutMs: 5000 })).toBe('Sattar Hashemi');
    expect(worker.starts()).toBeGreaterThan(0);
    await tab.close();
  });

  it('stays stopped while a page reads the parts of a reader dictionary it wants', async () => {
    // 10,000 reader entities: an automaton large enough to be stored in parts, which the page reads from storage.
    const readers = userEntities(10_000);
    const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
    const { compiled } = compileTerms([...compileDictionary(catalogue, seeds).records, ...readers]);
    const packed = packDictionary(compiled);
    expect(packed.automaton.states).toBeGreaterThanOrEqual(SPLIT_MIN_STATES);
    const background: Background = { evaluate: (fn, arg) => browser.inBackground!(fn, arg) };
    await writeBenchDictionary(background, await installedBuild(background), packed, 'asleep');
    const name = readers[7_321].name;
    server.route('/readers.html', PAGE.replace('in Beijing.', `in Beijing, with ${name}.`));

    await worker.stop();
    const tab = await painted('/readers.html', name);
    // The name's states below the top came from a part the page read.
    expect(await tab.inExtensionWorld!(`globalThis.${CONTENT_GLOBAL}.highlighter.dict.automaton.partsPlaced`)).toBeGreaterThan(0);
    expect(worker.starts()).toBe(0);
    await tab.close();
  });
});
