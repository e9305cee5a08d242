/**
 * Dictionaries for scaling figures: a 10,000-term one from the seed catalogue's aliases plus phrases
 * made from the seeds' own vocabulary (real word pairs of the seeds, then random pairs and triples),
 * and readers' entity lists of any size made of names that do not occur in news text.
 */
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { ENTITY_KINDS, type Catalogue, type CatalogueEntity } from '../../src/core/dictionary.ts';
import { normalize } from '../../src/core/normalize.ts';
import type { TermSource } from '../../src/core/compile-terms.ts';
import { seededRandom } from '../support/wait.ts';

export function syntheticCatalogue(seedDir: string, size: number): Catalogue {
  const { catalogue, seeds } = readSeedFolder(seedDir);
  const taken = new Set<string>();
  for (const e of catalogue.entities) for (const a of e.aliases) taken.add(normalize(typeof a === 'string' ? a : a.text));
  const words = seeds.flatMap((s) => s.text.match(/\p{L}{4,}/gu) ?? []);
  const vocab = [...new Set(words)];
  const phrases: string[] = [];
  const add = (p: string) => {
    const n = normalize(p);
    if (!taken.has(n)) {
      taken.add(n);
      phrases.push(p);
    }
  };
  let count = taken.size;
  for (let i = 0; i + 1 < words.length && count < size; i++, count = taken.size) add(`${words[i]} ${words[i + 1]}`);
  let x = 12345;
  const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  while (taken.size < size) {
    const n = rand() < 0.6 ? 2 : 3;
    add(Array.from({ length: n }, () => vocab[Math.floor(rand() * vocab.length)]).join(' '));
  }
  const extra: CatalogueEntity[] = [];
  for (let i = 0; i < phrases.length; i += 4) {
    extra.push({
      id: `synthetic-${i / 4}`,
      kind: ENTITY_KINDS[(i / 4) % ENTITY_KINDS.length],
      name: phrases[i],
      description: 'Synthetic entity for the scaling benchmark.',
      aliases: phrases.slice(i, i + 4),
      source: 'benchmark',
    });
  }
  return { entities: [...catalogue.entities, ...extra], notNames: [] };
}

/** Compiles a catalogue against the seeds, failing on any catalogue error. */
export function compileForBench(catalogue: Catalogue, seedDir: string) {
  const { compiled, report } = compileDictionary(catalogue, readSeedFolder(seedDir).seeds);
  // Synthetic phrases built from the seeds can overlap a real name there and win as longer matches,
  // leaving that entity without evidence: harmless for timing, so only other errors stop the run.
  const errors = report.errors.filter((e) => !e.includes('occurs in no seed article'));
  if (errors.length) throw new Error(errors.slice(0, 3).join('; '));
  return compiled;
}

/** Names that do not occur in news text: syllables drawn at random, two or three words. */
export function names(count: number, seed: number): string[] {
  const rand = seededRandom(seed);
  const syl = ['ka', 'ro', 'mi', 'zu', 'bel', 'tor', 'vash', 'qin', 'dar', 'lek', 'sul', 'ym', 'or', 'than', 'gri', 'po'];
  const word = () => {
    const n = 2 + Math.floor(rand() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += syl[Math.floor(rand() * syl.length)];
    return w[0].toUpperCase() + w.slice(1);
  };
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < count) {
    const n = [word(), word(), ...(rand() < 0.3 ? [word()] : [])].join(' ');
    if (!seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  }
  return out;
}

/** `count` reader entities, each with its name, a second alias and its last word as an ambiguous alias. */
export function userEntities(count: number): TermSource[] {
  const all = names(count * 2, count);
  return Array.from({ length: count }, (_, i) => ({
    id: `u-${i}`, kind: ENTITY_KINDS[i % ENTITY_KINDS.length], name: all[2 * i],
    aliases: [{ text: all[2 * i] }, { text: all[2 * i + 1] }, { text: all[2 * i].split(' ').pop()!, ambiguous: true }],
  }));
}
