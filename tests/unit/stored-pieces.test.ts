/**
 * A large dictionary is stored in pieces of a few hundred kilobytes, so that no single storage
 * write (which Chromium takes on the browser's main thread, with the value it replaces) holds the
 * whole browser still; pages join the pieces and never mix two versions.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PIECE_CHARS, cutLongStrings, joinPieces, pieceCount, pieceKey, stalePieceKeys } from '../../src/core/stored-pieces.ts';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { compileTerms } from '../../src/core/compile-terms.ts';
import { wholeAutomaton, wholeBase64, type Base64, type SerializedAutomaton } from '../../src/core/automaton.ts';
import { isSplitAutomaton, type SplitAutomaton } from '../../src/core/automaton-parts.ts';
import { loadPackedDictionary, packDictionary, packedDictionarySteps, splitPacked, type PagePackedDictionary } from '../../src/core/stored-dictionary.ts';
import { findMentions } from '../../src/core/article-mentions.ts';
import { makeScanner, moduleAutomatonLoader, scanModule } from '../../src/core/wasm-scanner.ts';
import { runSteps } from '../../src/core/steps.ts';
import { SEEDS_DIR } from '../support/paths.ts';
import { userEntities } from '../bench/synthetic-dictionary.ts';

describe('a value cut into pieces', () => {
  it('keeps its shape, moves only the long strings, and joins back to the same record', () => {
    const long = 'a'.repeat(1500) + '😀'.repeat(700) + 'b'.repeat(7);
    const record = { stamp: 's', packed: { short: 'x', long, list: [long.slice(3), 3, null, { deep: long }] }, n: 4, flag: true };
    const { skeleton, pieces } = cutLongStrings(record, 1000);
    expect(skeleton.stamp).toBe('s');
    expect((skeleton.packed as { short: string }).short).toBe('x');
    expect(pieceCount(skeleton)).toBe(pieces.length);
    expect(pieces.join('')).toBe(long + long.slice(3) + long);
    expect(JSON.stringify(skeleton).length).toBeLessThan(300);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(1000);
      // Storage keeps UTF-8: no piece may end or start with half of a surrogate pair.
      expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(piece)).toBe(false);
    }
    // A cut that would fall between the halves of a pair falls before it.
    expect(pieces.some((p) => p.length === 999)).toBe(true);
    const stored = JSON.parse(JSON.stringify(skeleton)) as Record<string, unknown>;
    expect(joinPieces(stored, pieces)).toEqual(record);
  });

  it('leaves a record without long strings, or no larger than a piece, as it is', () => {
    const record = { stamp: 's', packed: { a: 'short', b: [1, 2], c: 'c'.repeat(1024) } };
    const { skeleton, pieces } = cutLongStrings(record, 8);
    expect(skeleton).toBe(record);
    expect(pieces).toEqual([]);
    expect(pieceCount(skeleton)).toBe(0);
    expect(joinPieces(skeleton, [])).toEqual(record);
    const small = { stamp: 's', packed: { long: 'l'.repeat(5000) } };
    expect(cutLongStrings(small, 6000)).toEqual({ skeleton: small, pieces: [] });
    expect(cutLongStrings(small, 4000).pieces.length).toBe(2);
  });

  it('says a piece is missing rather than join what is left', () => {
    const { skeleton, pieces } = cutLongStrings({ text: 'abcdefghij'.repeat(120) }, 400);
    expect(pieces.length).toBe(3);
    expect(joinPieces(skeleton, pieces)).toEqual({ text: 'abcdefghij'.repeat(120) });
    expect(joinPieces(skeleton, [pieces[0], undefined, pieces[2]])).toBeNull();
    expect(joinPieces(skeleton, pieces.slice(0, 2))).toBeNull();
    expect(joinPieces(skeleton, [pieces[0], 7, pieces[2]])).toBeNull();
  });

  it("finds other versions' pieces and only those", () => {
    const keys = ['dictionary', 'dictionaryEntities', pieceKey('dictionary', 'a:1', 0), pieceKey('dictionary', 'b:2', 0), pieceKey('dictionaryEntities', 'a:1', 0), 'pausedSites'];
    expect(stalePieceKeys(keys, 'dictionary', 'b:2')).toEqual([pieceKey('dictionary', 'a:1', 0)]);
    expect(stalePieceKeys(keys, 'dictionaryEntities', 'b:2')).toEqual([pieceKey('dictionaryEntities', 'a:1', 0)]);
  });
});

/** Local storage as the browser keeps it: values copied as JSON, every write recorded. */
function fakeStorage() {
  const data = new Map<string, string>();
  const writes: number[] = [];
  const reads: string[] = [];
  let beforeGet: (() => Promise<void>) | null = null;
  const area = {
    async get(keys: string | string[] | null) {
      const hook = beforeGet;
      beforeGet = null;
      const list = keys === null ? [...data.keys()] : typeof keys === 'string' ? [keys] : keys;
      reads.push(...list);
      const out = Object.fromEntries(list.filter((k) => data.has(k)).map((k) => [k, JSON.parse(data.get(k)!) as unknown]));
      await hook?.();
      return out;
    },
    async set(entries: Record<string, unknown>) {
      writes.push(JSON.stringify(entries).length);
      for (const [k, v] of Object.entries(entries)) data.set(k, JSON.stringify(v));
    },
    async remove(keys: string | string[]) {
      for (const k of typeof keys === 'string' ? [keys] : keys) data.delete(k);
    },
    async getKeys() {
      return [...data.keys()];
    },
  };
  return { area, data, writes, reads, afterNextGet: (hook: () => Promise<void>) => (beforeGet = hook) };
}

describe('the stored dictionary in pieces', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
  const { records } = compileDictionary(catalogue, seeds);
  // About 500,000 automaton states: its failure links alone are longer than a piece.
  const readers = userEntities(20_000);
  const packed = packDictionary(compileTerms([...records, ...readers]).compiled);
  const other = packDictionary(compileTerms([...records, ...readers.slice(0, 18_000)]).compiled);
  const text = `${seeds[0].text.slice(0, 3000)} Later ${readers[17].name} met ${readers[19_999].name} and ${readers[4242].name}.`;
  const expected = findMentions(loadPackedDictionary(packed), text);

  /** The mentions in `text` with the dictionary as a page reads it, through both loaders. */
  function mentionsWith(page: PagePackedDictionary) {
    const whole = { ...page, ...splitPacked(packed).text };
    return {
      js: findMentions(loadPackedDictionary(whole), text),
      module: findMentions(runSteps(packedDictionarySteps(whole, moduleAutomatonLoader(scanModule()!))), text),
    };
  }

  /** The entities the module's scanner finds in `text`, reading the parts it wants with `reader` (a page's way). */
  async function moduleFinds(page: PagePackedDictionary, reader: (parts: number[]) => Promise<unknown[]>): Promise<string[]> {
    const dict = runSteps(packedDictionarySteps({ ...page, ...splitPacked(packed).text }, moduleAutomatonLoader(scanModule()!)));
    const scanner = makeScanner(dict);
    const scan = () => {
      scanner.reset();
      scanner.feed(text);
      return [...new Set(scanner.finish().map((m) => dict.entities.get(m.entity).id))].sort();
    };
    scan();
    if (dict.automaton.parts) dict.automaton.parts.reader = reader;
    await dict.automaton.placeWanted();
    expect(dict.automaton.wantedParts()).toEqual([]);
    return scan();
  }

  it('is written a piece at a time, read whole by pages, and replaced without mixing versions', async () => {
    const storage = fakeStorage();
    vi.stubGlobal('browser', { storage: { local: storage.area } });
    const platform = await import('../../src/platform/browser.ts');
    await platform.writeStoredDictionary('build:a', packed);
    expect(storage.writes.length).toBeGreaterThanOrEqual(3);
    // No write holds much more than a piece: the records pages read first are small.
    expect(Math.max(...storage.writes)).toBeLessThan(PIECE_CHARS + 10_000);
    const start = await platform.readPageStart(() => null, 'example.org');
    expect(start.dictionary?.stamp).toBe('build:a');
    // Its automaton is stored in parts: a page reads the top, then the parts its text wants, and
    // finds what the whole automaton finds; read whole, it is what was written.
    const read = start.dictionary!.packed;
    expect(isSplitAutomaton(read.automaton)).toBe(true);
    storage.reads.length = 0;
    const found = await moduleFinds(read, (parts) => platform.readDictionaryParts('build:a', parts));
    expect(found).toEqual([...new Set(expected.map((m) => m.entity))].sort());
    const partsRead = storage.reads.filter((k) => k.includes('~part')).length;
    expect(partsRead).toBeGreaterThan(0);
    expect(partsRead).toBeLessThan((read.automaton as SplitAutomaton<Base64>).partFirst.length / 4);
    const whole = (await platform.wholeStoredDictionary(start.dictionary!)).packed;
    expect(expected.map((m) => m.entity)).toEqual(expect.arrayContaining(['u-17', 'u-19999', 'u-4242', 'china']));
    expect(mentionsWith(whole)).toEqual({ js: expected, module: expected });
    expect({ ...whole, automaton: wholeAutomaton(whole.automaton as SerializedAutomaton), termEntity: wholeBase64(whole.termEntity), termLength: wholeBase64(whole.termLength), termFlags: wholeBase64(whole.termFlags) }).toEqual(splitPacked(packed).page);
    expect(await platform.readEntityText('build:a')).toEqual(splitPacked(packed).text);
    // A paused site reads no pieces.
    await storage.area.set({ pausedSites: ['paused.example'] });
    storage.reads.length = 0;
    expect((await platform.readPageStart(() => null, 'paused.example')).dictionary).toBeNull();
    expect(storage.reads.some((k) => k.startsWith('dictionary~'))).toBe(false);
    await storage.area.set({ pausedSites: [] });

    // A newer version written between a page's read of the record and its read of the parts: the
    // record, small with its automaton in parts, was read whole; its parts are gone with the old
    // version, and a page marks them not to be had (the background then tells it of the new one).
    expect(pieceCount(await storage.area.get('dictionary').then((g) => g.dictionary))).toBe(0);
    storage.afterNextGet(() => platform.writeStoredDictionary('build:b', other));
    const raced = await platform.readPageStart(() => null, 'example.org');
    expect(raced.dictionary?.stamp).toBe('build:a');
    await expect(platform.wholeStoredDictionary(raced.dictionary!)).rejects.toThrow(/a part of its automaton is missing/);
    expect(await platform.readDictionaryParts('build:a', [0, 1])).toEqual([null, null]);
    const next = await platform.readPageStart(() => null, 'example.org');
    expect(next.dictionary?.stamp).toBe('build:b');
    expect((await platform.wholeStoredDictionary(next.dictionary!)).packed.automaton).toEqual(other.automaton);
    expect([...storage.data.keys()].filter((k) => k.includes('build:a'))).toEqual([]);
    expect([...storage.data.keys()].filter((k) => k.includes('build:b')).length).toBeGreaterThan(2);
    expect(await platform.readStoredDictionary()).toEqual(next.dictionary);
    await expect(platform.readEntityText('build:a')).rejects.toThrow(/another version/);
  });

  it('removes another version’s parts a few to a request and its pieces one at a time', async () => {
    vi.stubGlobal('browser', { storage: { local: fakeStorage().area } });
    const { staleDictionaryKeys } = await import('../../src/platform/browser.ts');
    const old = [...Array.from({ length: 50 }, (_, k) => `dictionary~b:old~part${k}`), 'dictionary~b:old~0', 'dictionary~b:old~1', 'dictionaryEntities~b:old~0'];
    const own = ['dictionary~b:new~part0', 'dictionary~b:new~0', 'dictionary', 'pausedSites'];
    const batches = staleDictionaryKeys([...own, ...old], 'b:new');
    expect(batches.map((b) => b.length)).toEqual([1, 1, 1, 24, 24, 2]);
    expect(batches.flat().sort()).toEqual([...old].sort());
  });

  it('works a page key out only where the page index lists any page, and finds the page there', async () => {
    const storage = fakeStorage();
    vi.stubGlobal('browser', { storage: { local: storage.area } });
    const platform = await import('../../src/platform/browser.ts');
    const { pageIndexHash } = await import('../../src/core/highlights.ts');
    const asked: string[] = [];
    const key = (k: string) => () => (asked.push(k), k);
    expect((await platform.readPageStart(key('none'), 'example.org')).hasHighlights).toBe(false);
    await storage.area.set({ pageIndex: { salt: 's', pages: {} } });
    expect((await platform.readPageStart(key('empty'), 'example.org')).hasHighlights).toBe(false);
    expect(asked).toEqual([]);
    await storage.area.set({ pageIndex: { salt: 's', pages: { [pageIndexHash('s', 'https://example.org/a')]: 1 } } });
    expect((await platform.readPageStart(key('https://example.org/a'), 'example.org')).hasHighlights).toBe(true);
    expect((await platform.readPageStart(key('https://example.org/b'), 'example.org')).hasHighlights).toBe(false);
    expect((await platform.readPageStart(() => null, 'example.org')).hasHighlights).toBe(false);
    expect(asked).toEqual(['https://example.org/a', 'https://example.org/b']);
  });
});
