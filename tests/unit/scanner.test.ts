import { describe, expect, it } from 'vitest';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { loadDictionary, type Catalogue, type CatalogueEntity } from '../../src/core/dictionary.ts';
import { Scanner } from '../../src/core/scanner.ts';
import { WasmScanner, scanModule } from '../../src/core/wasm-scanner.ts';

const entity = (id: string, aliases: CatalogueEntity['aliases'], extra: Partial<CatalogueEntity> = {}): CatalogueEntity => ({
  id, kind: 'official', name: id, description: `${id} description`, aliases, source: 'test', ...extra,
});

const catalogue: Catalogue = {
  notNames: [],
  entities: [
    entity('hashemi', ['Sattar Hashemi', { text: 'Hashemi', ambiguous: true }]),
    entity('li', ['Li Lecheng', 'Li Licheng', { text: 'Li', ambiguous: true }]),
    entity('cong', ['Cong Peiwu', 'Ambassador Cong', { text: 'Cong', ambiguous: true }]),
    entity('chang', ['Chang Hua', { text: 'Chang', ambiguous: true }]),
    entity('ai', ['AI', 'artificial intelligence'], { kind: 'topic' }),
    entity('it', ['IT', 'information technology'], { kind: 'topic' }),
    entity('iran', ['Iran'], { kind: 'place' }),
    entity('china', ['China', 'Chine'], { kind: 'place' }),
    entity('beijing', ['Beijing', 'Pékin'], { kind: 'place' }),
    entity('deal', ['Iran-China Strategic Cooperation Agreement'], { kind: 'agreement' }),
    entity('visit', [{ text: 'visit to China', ambiguous: true }], { kind: 'event', contextFrom: ['hashemi'] }),
  ],
};
const { compiled, report } = compileDictionary(catalogue, []);
const dict = loadDictionary(compiled);

/** Scans `pieces` (a string is one text node; null is a block boundary) and lists what matched. */
function scan(...pieces: (string | null)[]): string[] {
  const run = (s: Scanner): string[] => {
    let all = '';
    for (const p of pieces) {
      if (p === null) s.boundary();
      else {
        s.feed(p);
        all += p;
      }
    }
    return s.finish().map((m) => `${compiled.entities[m.entity].id}:${all.slice(m.start, m.end)}`);
  };
  const found = run(new Scanner(dict));
  // The WebAssembly scanner must find exactly the same, case by case.
  expect(run(new WasmScanner(dict, scanModule()!))).toEqual(found);
  return found;
}

describe('scanner', () => {
  it('compiles the test catalogue cleanly', () => {
    expect(report.errors).toEqual([]);
  });

  it('matches names in capitals or title case, not in lower case; acronyms with their case', () => {
    // A capitalised name written in lower case is a common word ("turkey", "china") or a handle.
    expect(scan('SATTAR HASHEMI and sattar hashemi')).toEqual(['hashemi:SATTAR HASHEMI']);
    expect(scan('AI and IT matter; ai and it do not')).toEqual(['ai:AI', 'it:IT']);
  });

  it('matches whole words only', () => {
    expect(scan('He said Libya would change nothing, Li Lecheng said.')).toEqual(['li:Li Lecheng']);
    expect(scan('Chinese Iranians in Chinatown')).toEqual([]);
  });

  it('matches possessives and French elisions', () => {
    expect(scan("Hashemi's and Sattar Hashemi’s plans for l’Iran")).toEqual([
      "hashemi:Hashemi", 'hashemi:Sattar Hashemi', 'iran:Iran',
    ]);
  });

  it('folds accents and typographic variants', () => {
    expect(scan('Pekin, Pékin and PÉKIN')).toEqual(['beijing:Pekin', 'beijing:Pékin', 'beijing:PÉKIN']);
    expect(scan('the Iran–China Strategic\u00a0Cooperation Agree\u00adment')).toEqual([
      'deal:Iran–China Strategic\u00a0Cooperation Agree\u00adment',
    ]);
    expect(scan('Sattar\nHashemi')).toEqual(['hashemi:Sattar\nHashemi']);
  });

  it('lets the longest match win where matches overlap', () => {
    expect(scan('the Iran-China Strategic Cooperation Agreement')).toEqual(['deal:Iran-China Strategic Cooperation Agreement']);
  });

  it('matches across inline text nodes but not across blocks', () => {
    expect(scan('Sattar', ' Hashemi')).toEqual(['hashemi:Sattar Hashemi']);
    expect(scan('Sattar', null, 'Hashemi met Sattar Hashemi')).toEqual(['hashemi:Hashemi', 'hashemi:Sattar Hashemi']);
    expect(scan('Sattar', null, 'Hashemi')).toEqual([]);
  });

  it('counts ambiguous aliases only where the entity is named in full or by title', () => {
    expect(scan('Li said Cong and Chang agreed; Hashemi too.')).toEqual([]);
    expect(scan('Li said so. Li Lecheng agreed.')).toEqual(['li:Li', 'li:Li Lecheng']);
    expect(scan('Ambassador Cong spoke; Cong left.')).toEqual(['cong:Ambassador Cong', 'cong:Cong']);
    expect(scan('a visit to China')).toEqual(['china:China']);
    expect(scan('Sattar Hashemi announced a visit to China')).toEqual(['hashemi:Sattar Hashemi', 'visit:visit to China']);
  });

  it('remembers entities named earlier on the page for later scans', () => {
    const s = new Scanner(dict);
    const present = new Set<number>();
    s.feed('Li Lecheng arrived.');
    s.finish(present);
    s.reset();
    s.feed('Later, Li spoke.');
    expect(s.finish(present).map((m) => compiled.entities[m.entity].id)).toEqual(['li']);
  });

  it('keeps raw offsets exact around dropped characters', () => {
    const s = new Scanner(dict);
    const text = 'x\u00ad\u00ad Bei\u00adjing \u200b';
    s.feed(text);
    const [m] = s.finish();
    expect(text.slice(m.start, m.end)).toBe('Bei\u00adjing');
  });
});
