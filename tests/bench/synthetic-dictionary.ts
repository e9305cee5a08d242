/**
 * A 10,000-term dictionary for scaling figures: the seed catalogue's aliases plus phrases made from
 * the seeds' own vocabulary (real word pairs of the seeds, then random pairs and triples).
 */
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { ENTITY_KINDS, type Catalogue, type CatalogueEntity } from '../../src/core/dictionary.ts';
import { normalize } from '../../src/core/normalize.ts';

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
