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
import { WasmScanner, makeScanner, scanModule } from '../../src/core/wasm-scanner.ts';
import { NEWS_PAGES_DIR, SEEDS_DIR, haveNewsPages } from '../support/paths.ts';
import { seededRandom } from '../support/wait.ts';

const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
const seedDict = loadDictionary(compileDictionary(catalogue, seeds).compiled);

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
