/**
 * The WebAssembly scanner finds exactly what the JavaScript scanner finds: on the seed articles,
 * on the saved news pages (where present), across scripts and characters beyond the BMP, fed in
 * pieces that make its buffers move, and with more candidates than its memory first holds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { loadDictionary, type Catalogue, type CatalogueEntity, type RuntimeDictionary } from '../../src/core/dictionary.ts';
import { Scanner } from '../../src/core/scanner.ts';
import { FOLD_FLAGS, foldCode } from '../../src/core/normalize.ts';
import { WasmScanner, makeScanner, moduleAutomatonLoader, scanModule } from '../../src/core/wasm-scanner.ts';
import { alphabetPlaces, Automaton, base64ToBytes, buildAutomaton, bytesToBase64, deserializeAutomaton, serializeAutomaton, type SerializedAutomaton } from '../../src/core/automaton.ts';
import { packDictionary, packedDictionarySteps } from '../../src/core/stored-dictionary.ts';
import { runSteps } from '../../src/core/steps.ts';
import { NEWS_PAGES_DIR, SEEDS_DIR, haveNewsPages } from '../support/paths.ts';
import { seededRandom } from '../support/wait.ts';

const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
const seedCompiled = compileDictionary(catalogue, seeds).compiled;
const seedDict = loadDictionary(seedCompiled);
/** The seed pack as a page unpacks it where the module compiles: the automaton straight into an instance's memory. */
const inModule = () => runSteps(packedDictionarySteps(packDictionary(seedCompiled), moduleAutomatonLoader(scanModule()!)));
const loadIntoModule = (s: SerializedAutomaton) => runSteps(moduleAutomatonLoader(scanModule()!)(s));

/** Feeds `pieces` (null: a block boundary) and returns every kept match, open edges allowed. */
function run(scanner: Scanner, pieces: (string | null)[]): string[] {
  for (const p of pieces) {
    if (p === null) scanner.boundary();
    else scanner.feed(p);
  }
  const out: string[] = [];
  const present = new Set<number>();
  for (const m of scanner.finish(present, (_start, _end, left, right) => `${left ? '<' : ''}${right ? '>' : ''}`)) out.push(`${m.start}-${m.end}:${m.entity}${m.anchor}`);
  return [...out, `present:${[...present].sort((a, b) => a - b).join(',')}`, `raw:${scanner.rawLength}`];
}

function same(dict: RuntimeDictionary, pieces: (string | null)[]): string[] {
  const expected = run(new Scanner(dict), pieces);
  expect(run(new WasmScanner(dict, scanModule()!), pieces)).toEqual(expected);
  return expected;
}

/** Cuts `text` into pieces of random length, with a block boundary now and then. */
function cut(text: string, seed: number): (string | null)[] {
  const random = seededRandom(seed);
  const pieces: (string | null)[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(random() * 3000);
    pieces.push(text.slice(i, i + n));
    if (random() < 0.2) pieces.push(null);
    i += n;
  }
  return pieces;
}

function pageText(html: string): string {
  return html.replace(/<(script|style|noscript)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, '\u00a0').replace(/&amp;/g, '&');
}

describe('the WebAssembly scanner', () => {
  it('compiles here, and makeScanner chooses it', () => {
    expect(scanModule()).toBeInstanceOf(WebAssembly.Module);
    expect(makeScanner(seedDict)).toBeInstanceOf(WasmScanner);
  });

  it('finds what the JavaScript scanner finds in the seed articles, whole and in pieces', () => {
    for (const [i, seed] of seeds.entries()) {
      const whole = same(seedDict, [seed.text]);
      expect(whole.length).toBeGreaterThan(10);
      same(seedDict, cut(seed.text, i + 1));
    }
  });

  it('reads every script, characters beyond the BMP and lone surrogates the same way', () => {
    const entity = (id: string, aliases: string[]): CatalogueEntity => ({ id, kind: 'place', name: id, description: id, aliases, source: 'test' });
    const multi: Catalogue = {
      notNames: [],
      entities: [
        entity('china', ['China', 'Chine', 'الصين', 'چین', 'Китай', '中国']),
        entity('tehran', ['Tehran', 'Téhéran', 'طهران', 'تهران', 'Тегеран', '德黑兰']),
        entity('yoshinoya', ['𠮷野家']),
      ],
    };
    const dict = loadDictionary(compileDictionary(multi, []).compiled);
    const text = [
      'Visite à Téhéran: la CHINE et l\u2019Iran. 😀 China\u00adtown, 中国与德黑兰 ',
      'وفد من الصين في طهران، وبالصين، ‌چین و تهران؛ ',
      'Делегация Китая в Тегеране, с Китаем. \ud800 lone \udc00 halves 𝐈𝐫𝐚𝐧 在𠮷野家吃饭, 𠮷野家.',
      'Ｃｈｉｎａ e\u0301 Cafe\u0301 \u200bChina\u200b',
    ].join('');
    const found = same(dict, [text]);
    expect(found.filter((f) => !f.startsWith('present') && !f.startsWith('raw')).length).toBeGreaterThan(12);
    // Past the characters beyond the BMP, offsets still count UTF-16 units, as the page does.
    const yoshinoya = text.lastIndexOf('𠮷野家');
    expect(found).toContain(`${yoshinoya}-${yoshinoya + 4}:2`);
    same(dict, cut(text, 7));
    same(dict, [...text].map((c) => c));
  });

  it('collapses runs of spaces, tabs and line ends of every length and alignment as the JavaScript scanner does', () => {
    const random = seededRandom(41);
    // Runs the module skips sixteen bytes at a time, units that fold to a space but end such a
    // stretch (vertical tab, form feed, no-break space), and text either side.
    const bits = [' ', '\t', '\n', '\r', '\u000b', '\u000c', '\u00a0', '.', '-', 'Iran', 'China', 'Li Lecheng', 'x', '中国', '😀'];
    // A two-word name with a run of each between its words: a name only where the run collapses.
    const joined = bits.slice(0, 9).flatMap((bit) => Array.from({ length: 41 }, (_, n) => `Li ${bit.repeat(n)}Lecheng, Li  ${bit.repeat(n)}Lecheng`)).join(' Iran. ');
    expect(same(seedDict, [joined]).length).toBeGreaterThan(400);
    same(seedDict, cut(joined, 7));
    for (let round = 0; round < 60; round++) {
      let text = '';
      while (text.length < 3000) {
        const bit = bits[Math.floor(random() * bits.length)];
        text += bit.repeat(1 + Math.floor(random() * (bit.length === 1 ? 40 : 2)));
      }
      same(seedDict, [text]);
      same(seedDict, cut(text, round));
    }
  });

  it('grows its candidate area and moves its buffers without losing what was written', () => {
    const text = 'Iran and China. '.repeat(40_000);
    const found = same(seedDict, cut(text, 3));
    expect(found.length).toBeGreaterThan(75_000);
  });

  it('starts afresh after reset, as a page’s later scans use it', () => {
    const wasm = new WasmScanner(seedDict, scanModule()!);
    const once = run(new WasmScanner(seedDict, scanModule()!), [seeds[1].text]);
    run(wasm, cut('Iran and China. '.repeat(5000), 5));
    wasm.reset();
    expect(run(wasm, [seeds[1].text])).toEqual(once);
    wasm.reset();
    expect(run(wasm, ['nothing here'])).toEqual(['present:', 'raw:12']);
  });

  describe('with the dictionary unpacked straight into its memory', () => {
    it('holds the tables deserializeAutomaton makes, states with 255 children and more included', () => {
      const han = Array.from({ length: 700 }, (_, i) => String.fromCharCode(0x4e00 + i));
      const wide = serializeAutomaton(buildAutomaton([...han, ...han.slice(0, 300).map((c, i) => `${c}${han[(i * 7) % 600]}`), ...han.slice(400, 700).map((c) => `${han[1]}${c}`)]));
      expect(deserializeAutomaton(wide).edgeOffset[1]).toBeGreaterThan(255);
      // Thousands of blocks of 64 states, each found by the k-th zero of a word, for every k.
      const random = seededRandom(7);
      const words = Array.from({ length: 6000 }, () => Array.from({ length: 3 + Math.floor(random() * 9) }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join(''));
      const many = serializeAutomaton(buildAutomaton([...new Set(words)]));
      expect(many.states).toBeGreaterThan(25_000);
      for (const stored of [seedCompiled.automaton, wide, many]) {
        const expected = deserializeAutomaton(stored);
        const loaded = loadIntoModule(stored);
        expect(loaded.states).toBe(expected.fail.length);
        expect(loaded.t).toEqual(expected);
      }
    });

    it('refuses a block of 64 states whose edges do not fit its 16-bit offsets, and the JavaScript scanner reads it', () => {
      // 55,040 children of the root, then 200 more for each of the next 63 states: 67,640 edges start in block 0.
      const firsts = Array.from({ length: 0xd800 - 0x100 }, (_, i) => String.fromCharCode(0x100 + i));
      const seconds = Array.from({ length: 200 }, (_, i) => String.fromCharCode(0x4e00 + i));
      const terms = [...firsts, ...firsts.slice(0, 63).flatMap((c) => seconds.map((d) => c + d))];
      const stored = serializeAutomaton(buildAutomaton(terms));
      expect(deserializeAutomaton(stored).edgeOffset[64]).toBe(0xd800 - 0x100 + 63 * 200);
      expect(() => loadIntoModule(stored)).toThrow(/more edges in one block of 64 states/);
      const dict: RuntimeDictionary = { ...seedDict, automaton: new Automaton(deserializeAutomaton(stored)) };
      const scanner = makeScanner(dict);
      expect(scanner).toBeInstanceOf(Scanner);
      expect(scanner).not.toBeInstanceOf(WasmScanner);
    });

    it('scans as the JavaScript tables do: the first scanner on the instance itself, any other on a copy', () => {
      const dict = inModule();
      const first = makeScanner(dict);
      const second = makeScanner(dict);
      expect(first).toBeInstanceOf(WasmScanner);
      expect(second).toBeInstanceOf(WasmScanner);
      for (const [i, seed] of seeds.entries()) {
        const expected = run(new Scanner(seedDict), [seed.text]);
        for (const scanner of [first, second, new Scanner(dict)]) {
          scanner.reset();
          expect(run(scanner, cut(seed.text, i + 11))).toEqual(expected);
        }
      }
      // Its buffers grow over where the stored counts were decoded, and past the tables' end.
      const text = 'Iran and China, Li Lecheng. '.repeat(30_000);
      first.reset();
      expect(run(first, [text])).toEqual(run(new Scanner(seedDict), [text]));
    });

    it('works out an output link once and reuses it for every state whose failure chain passes there', () => {
      const entity = (id: string, aliases: string[]): CatalogueEntity => ({ id, kind: 'person', name: aliases[0], description: id, aliases, source: 'test' });
      const names: Catalogue = {
        notNames: [],
        entities: [entity('eve', ['Evelyn']), entity('bob', ['Bobby Evelyn Xu']), entity('ann', ['Anna Bobby Evelyn Yu']), entity('cy', ['Cyrus Bobby Evelyn Zu'])],
      };
      const compiled = compileDictionary(names, []).compiled;
      const dict = runSteps(packedDictionarySteps(packDictionary(compiled), moduleAutomatonLoader(scanModule()!)));
      // "Anna Bobby Evelyn" works the link out (through "Bobby Evelyn", which ends no term);
      // "Cyrus Bobby Evelyn" then finds it written at "Bobby Evelyn".
      const text = 'Anna Bobby Evelyn. Cyrus Bobby Evelyn. Bobby Evelyn.';
      const found = run(makeScanner(dict), [text]);
      expect(found).toEqual(run(new Scanner(loadDictionary(compiled)), [text]));
      expect(found.filter((f) => /^\d+-\d+:0$/.test(f))).toHaveLength(3);
    });

    it('reads a dictionary of more than 256 letters by the characters themselves, and one of fewer by their places', () => {
      const han = Array.from({ length: 400 }, (_, i) => String.fromCharCode(0x4e00 + i));
      const entity = (id: string, alias: string): CatalogueEntity => ({ id, kind: 'place', name: alias, description: id, aliases: [alias], source: 'test' });
      const text = han.map((c, i) => `${c}${han[(i * 7) % 400]}，${han[(i * 7) % 400]}${c}。`).join('') + ' Iran, China; 中国.';
      for (const names of [han.map((c, i) => `${c}${han[(i * 7) % 400]}`), ['Iran', 'China', '中国', `${han[0]}${han[7]}`]]) {
        const compiled = compileDictionary({ notNames: [], entities: names.map((n, i) => entity(`e${i}`, n)) }, []).compiled;
        const expected = run(new Scanner(loadDictionary(compiled)), [text]);
        expect(expected.length, names[0]).toBeGreaterThan(3);
        expect(run(new WasmScanner(loadDictionary(compiled), scanModule()!), [text])).toEqual(expected);
        const dict = runSteps(packedDictionarySteps(packDictionary(compiled), moduleAutomatonLoader(scanModule()!)));
        expect(run(makeScanner(dict), [text])).toEqual(expected);
        expect(compiled.automaton.alphabet === '').toBe(names.length === 400);
      }
    });

    it('folds the Han ideographs itself exactly as the normaliser does, with their places in a narrow alphabet', () => {
      const han = Array.from({ length: 0x9fff - 0x4e00 + 1 }, (_, i) => 0x4e00 + i).concat(Array.from({ length: 0x4dbf - 0x3400 + 1 }, (_, i) => 0x3400 + i));
      // And the units either side of both ranges, which the normaliser folds (Yi syllables are letters).
      const beside = [0x33ff, 0x4dc0, 0x4dff, 0xa000, 0xa001];
      const text = String.fromCharCode(...han.slice(0, 30000)) + String.fromCharCode(...han.slice(30000), ...beside) + ' 中国 Iran';
      const narrowDict = seedDict;
      const wideDict = loadDictionary(compileDictionary({ notNames: [], entities: han.slice(0, 300).map((c, i) => ({ id: `e${i}`, kind: 'place', name: String.fromCharCode(c, c + 1), description: 'd', aliases: [String.fromCharCode(c, c + 1)], source: 'test' })) }, []).compiled);
      for (const dict of [narrowDict, wideDict]) {
        const scanner = new WasmScanner(dict, scanModule()!);
        scanner.feed(text);
        const { buffer } = (scanner as unknown as { memory: WebAssembly.Memory }).memory;
        const header = new Int32Array(buffer, 0, 28);
        const fold = new Uint32Array(buffer, header[0], 65536);
        const places = header[20] ? alphabetPlaces(new Uint16Array(buffer, header[19], header[20])) : null;
        expect(places === null).toBe(dict === wideDict);
        if (places) expect(han.filter((c) => places[c] !== 0).length).toBeGreaterThan(3);
        const wrong = [...han, ...beside].filter((c) => fold[c] !== ((foldCode(c) | (FOLD_FLAGS[c] << 16) | ((places?.[foldCode(c)] ?? 0) << 24)) >>> 0));
        expect(wrong.map((c) => c.toString(16))).toEqual([]);
      }
    });

    it('works out each failure link as the builder made it, whatever the order they are asked for in', () => {
      const random = seededRandom(29);
      for (const alphabet of ['ab', 'abcdé -', '中国伊朗德黑兰', Array.from({ length: 300 }, (_, i) => String.fromCharCode(0x4e00 + i)).join('')]) {
        const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
        const built = buildAutomaton([...new Set(Array.from({ length: 3000 }, () => word(1 + Math.floor(random() * 12))))]);
        const loaded = loadIntoModule(serializeAutomaton(built)) as Automaton & { take(): { exports: { failOf(q: number): number } } };
        const { failOf } = loaded.take().exports;
        const order = [...built.fail.keys()];
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
        // Asked in a random order, then again (each kept once worked out).
        for (const q of [...order, ...order]) if (failOf(q) !== built.fail[q]) expect(`${q}: ${failOf(q)}`).toBe(`${q}: ${built.fail[q]}`);
        expect(built.fail.some((f, q) => f > 0 && built.fail[f] > 0 && q > 0)).toBe(true);
      }
    });

    it('keeps failure links past 65,535 in three bytes', () => {
      // 40,000 words put their states far down the breadth-first order. "Xa <word> Gh" fails into
      // them on the way to an output link ("Xa <word> Zz") and in a step ("Xa <word>s", for "<word>s").
      const random = seededRandom(17);
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      const words = new Set<string>();
      while (words.size < 40_000) words.add(Array.from({ length: 6 }, (_, i) => (i ? letters : letters.toUpperCase())[Math.floor(random() * 26)]).join(''));
      const list = [...words];
      const entity = (id: string, alias: string): CatalogueEntity => ({ id, kind: 'topic', name: alias, description: id, aliases: [alias], source: 'test' });
      const catalogue: Catalogue = { notNames: [], entities: [...list.map((w, i) => entity(`w${i}`, w)), ...list.slice(0, 300).flatMap((w, i) => [entity(`x${i}`, `Xa ${w} Gh`), entity(`s${i}`, `${w}s`)])] };
      const compiled = compileDictionary(catalogue, []).compiled;
      const tables = deserializeAutomaton(compiled.automaton);
      expect(tables.fail.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(0xffff);
      const text = list.slice(0, 300).map((w) => `Xa ${w} Zz. Xa ${w} Gh. Xa ${w}s.`).join(' ');
      const found = same(loadDictionary(compiled), [text]);
      expect(found.length).toBeGreaterThan(900);
      const dict = runSteps(packedDictionarySteps(packDictionary(compiled), moduleAutomatonLoader(scanModule()!)));
      expect(run(makeScanner(dict), [text])).toEqual(found);
    });

    it('unpacks a dictionary in turns, a state of 300 children past the first turn included', () => {
      // 40,000 words put "Qqqqq" past state 65,536 (the module's first turn); its 300 children are a run of ones over several words.
      const random = seededRandom(23);
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      const words = new Set<string>();
      while (words.size < 40_000) words.add(Array.from({ length: 6 }, (_, i) => (i ? letters : letters.toUpperCase())[Math.floor(random() * 26)]).join(''));
      // And 300 single characters make the root's count wide too, in the first turn.
      const wide = Array.from({ length: 300 }, (_, i) => `Qqqqq${String.fromCharCode(0x4e00 + i)}`);
      const single = Array.from({ length: 300 }, (_, i) => String.fromCharCode(0x5000 + i));
      const entity = (id: string, alias: string): CatalogueEntity => ({ id, kind: 'topic', name: alias, description: id, aliases: [alias], source: 'test' });
      const catalogue: Catalogue = { notNames: [], entities: [...[...words].map((w, i) => entity(`w${i}`, w)), ...wide.map((w, i) => entity(`q${i}`, w)), ...single.map((w, i) => entity(`c${i}`, w))] };
      const compiled = compileDictionary(catalogue, []).compiled;
      const tables = deserializeAutomaton(compiled.automaton);
      const wideStates = [...tables.edgeOffset.keys()].filter((q) => q < tables.fail.length && tables.edgeOffset[q + 1] - tables.edgeOffset[q] >= 255);
      expect(wideStates[0]).toBe(0);
      expect(wideStates.some((q) => q >= 65_536)).toBe(true);
      const text = [...wide.slice(0, 100), ...single.slice(0, 50), ...[...words].slice(0, 100)].join(' 。 ');
      const found = same(loadDictionary(compiled), [text]);
      expect(found.length).toBeGreaterThan(150);
      const dict = runSteps(packedDictionarySteps(packDictionary(compiled), moduleAutomatonLoader(scanModule()!)));
      expect(run(makeScanner(dict), [text])).toEqual(found);
    });

    it('refuses a damaged automaton with deserializeAutomaton’s message', () => {
      const tables = buildAutomaton(['ab', 'b', 'abc']);
      const s = serializeAutomaton(tables);
      const i32 = (values: number[]) => bytesToBase64(new Uint8Array(Int32Array.from(values).buffer));
      const ends = base64ToBytes(s.termEnds);
      const ids = [...new Int32Array(base64ToBytes(s.termIds).buffer)];
      expect([ends[0], ids]).toEqual([0b11100, [1, 0, 2]]);
      const damaged: [string, SerializedAutomaton][] = [
        ['edgeChar cut short', { ...s, edgeChar: s.edgeChar.slice(0, 4) }],
        ['a child too many', { ...s, children: bytesToBase64(Uint8Array.from([0b01001111, 0, 0, 0, 0, 0, 0, 0])) }],
        ['a child too few', { ...s, children: bytesToBase64(Uint8Array.from([0b01001001, 0, 0, 0, 0, 0, 0, 0])) }],
        ['children all ones', { ...s, children: bytesToBase64(new Uint8Array(8).fill(255)) }],
        ['children cut short', { ...s, children: '' }],
        ['a term end past the last state', { ...s, termEnds: bytesToBase64(Uint8Array.from([...ends.slice(0, 1).map((b) => b | 32), ...ends.slice(1)])) }],
        ['term ends cut short', { ...s, termEnds: bytesToBase64(ends.slice(0, 4)) }],
        ['fewer terms than term ends', { ...s, termIds: i32(ids.slice(1)) }],
        ['more terms than term ends', { ...s, termIds: i32([...ids, 0]) }],
        ['half a term', { ...s, termIds: bytesToBase64(Uint8Array.from([1, 0, 0])) }],
        ['one edge too many', { ...s, edges: s.edges + 1 }],
        ['an edge just past the alphabet', { ...s, edgeChar: bytesToBase64(Uint8Array.from([0, 1, 3, 1])) }],
        ['an alphabet of half a character', { ...s, alphabet: bytesToBase64(Uint8Array.from([97, 0, 98])) }],
        ['edge characters as they are, with an alphabet', { ...s, edgeChar: bytesToBase64(new Uint8Array(Uint16Array.from([97, 98, 98, 99]).buffer)) }],
      ];
      for (const [what, stored] of damaged) {
        let message = '';
        try {
          deserializeAutomaton(stored);
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message, what).toMatch(/^dictionary automaton: /);
        expect(() => loadIntoModule(stored), what).toThrow(message);
      }
      // The module checks edges sixteen at a time: a place past the alphabet among the first sixteen of twenty.
      const long = serializeAutomaton(buildAutomaton(['abcdefghijklmnopqrst']));
      const places = base64ToBytes(long.edgeChar);
      places[3] = 20;
      const outside = { ...long, edgeChar: bytesToBase64(places) };
      expect(() => deserializeAutomaton(outside)).toThrow('an edge names a character past the alphabet');
      expect(() => loadIntoModule(outside)).toThrow('an edge names a character past the alphabet');
      expect(() => loadIntoModule(long)).not.toThrow();
      // Then sixty-four at a time: a place past the alphabet in each sixteen of the first sixty-four of a hundred, and after them.
      const longer = serializeAutomaton(buildAutomaton(['abcdefghijklmnopqrst'.repeat(5)]));
      expect(longer.edges).toBe(100);
      for (const at of [0, 17, 38, 63, 64, 80, 99]) {
        const bytes = base64ToBytes(longer.edgeChar);
        bytes[at] = 20;
        expect(() => loadIntoModule({ ...longer, edgeChar: bytesToBase64(bytes) }), `edge ${at}`).toThrow('an edge names a character past the alphabet');
      }
      expect(() => loadIntoModule(longer)).not.toThrow();
    });
  });

  describe.skipIf(!haveNewsPages)('on the saved news pages', () => {
    const files = haveNewsPages ? readdirSync(NEWS_PAGES_DIR).filter((f) => f.endsWith('.html')).sort() : [];
    it(`finds what the JavaScript scanner finds on ${files.length} pages`, () => {
      expect(files.length).toBeGreaterThan(60);
      for (const [i, file] of files.entries()) {
        const text = pageText(readFileSync(NEWS_PAGES_DIR + file, 'utf8'));
        same(seedDict, [text]);
        if (i % 8 === 0) same(seedDict, cut(text, i));
      }
    });
  });
});
