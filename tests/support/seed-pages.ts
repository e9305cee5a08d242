/**
 * Local pages made from the seed articles, and what a reader should see highlighted on them,
 * worked out in Node with the same compiler and scanner the extension ships.
 */
import { compileDictionary, type Seed } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { loadDictionary } from '../../src/core/dictionary.ts';
import { Scanner } from '../../src/core/scanner.ts';
import { SEEDS_DIR } from './paths.ts';

export interface ExpectedHighlight {
  text: string;
  kind: string;
  entityName: string;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The paragraphs of a seed as the page shows them (one per non-empty line). */
export function seedParagraphs(seed: Seed): string[] {
  return seed.text.split(/\n/).map((l) => l.trim()).filter(Boolean);
}

export function seedPageHtml(seed: Seed): string {
  const title = seed.meta.title ?? seed.meta.outlet;
  const paras = seedParagraphs(seed).map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  return `<!doctype html><html lang="${seed.meta.lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><header><h1>${escapeHtml(title)}</h1><p class="meta">${escapeHtml(seed.meta.outlet)}</p></header><article>${paras}</article></body></html>`;
}

export function loadSeedPages(): { seeds: Seed[]; expected: Map<string, ExpectedHighlight[]> } {
  const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
  const { compiled } = compileDictionary(catalogue, seeds);
  const dict = loadDictionary(compiled);
  const scanner = new Scanner(dict);
  const expected = new Map<string, ExpectedHighlight[]>();
  for (const seed of seeds) {
    scanner.reset();
    const blocks = [seed.meta.title ?? seed.meta.outlet, seed.meta.outlet, ...seedParagraphs(seed)];
    let all = '';
    for (const b of blocks) {
      scanner.feed(b);
      scanner.boundary();
      all += b;
    }
    expected.set(
      seed.meta.file,
      scanner.finish().map((m) => {
        const e = compiled.entities[m.entity];
        return { text: all.slice(m.start, m.end), kind: e.kind, entityName: e.name };
      }),
    );
  }
  return { seeds, expected };
}
