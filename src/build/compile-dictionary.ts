/**
 * The dictionary compiler: checks the curated catalogue against the seed articles with the
 * run-time normaliser and scanner, records where each entity is evidenced, and emits the compiled
 * automaton and the entity records. Pure: the caller reads the files.
 */
import { compileTerms } from '../core/compile-terms.ts';
import {
  ENTITY_KINDS,
  SEED_PACK_ID,
  loadDictionary,
  type Catalogue,
  type CatalogueAlias,
  type CompiledDictionary,
  type EntityRecord,
  type Evidence,
  type SeedArticle,
} from '../core/dictionary.ts';
import { normalize } from '../core/normalize.ts';
import { Scanner } from '../core/scanner.ts';
import { splitSentences } from '../core/sentences.ts';

export interface Seed {
  meta: SeedArticle;
  text: string;
}

/** What the build found wrong (errors fail it) or worth a look (warnings). */
export interface CompileReport {
  errors: string[];
  /** Aliases that occur in no seed: fine for known forms from elsewhere, a typo otherwise. */
  unusedAliases: { entity: string; alias: string }[];
  /** Capitalised words of the seeds that no entity covers and that are not listed as non-names. */
  uncoveredNames: { file: string; word: string; sentence: string }[];
}

export interface CompileResult {
  compiled: CompiledDictionary;
  records: EntityRecord[];
  report: CompileReport;
}

function aliasOf(a: string | CatalogueAlias): CatalogueAlias {
  return typeof a === 'string' ? { text: a } : a;
}

/** Builds the dictionary from the catalogue and the seed articles. */
export function compileDictionary(catalogue: Catalogue, seeds: readonly Seed[]): CompileResult {
  const errors: string[] = [];
  const ids = new Map<string, number>();
  catalogue.entities.forEach((e, i) => {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(e.id)) errors.push(`entity "${e.id}": id must be kebab-case`);
    if (ids.has(e.id)) errors.push(`entity "${e.id}" is defined twice`);
    ids.set(e.id, i);
    if (!ENTITY_KINDS.includes(e.kind)) errors.push(`entity "${e.id}": unknown kind "${String(e.kind)}"`);
    if (!e.name.trim() || !e.description.trim()) errors.push(`entity "${e.id}": name and description are required`);
    if (e.aliases.length === 0) errors.push(`entity "${e.id}" has no alias`);
  });

  const { compiled, termAlias, skipped, unknownContext } = compileTerms(
    catalogue.entities.map((e) => ({ ...e, aliases: e.aliases.map(aliasOf) })),
  );
  for (const s of skipped) {
    if (s.reason === 'empty') errors.push(`entity "${s.entity}": alias "${s.alias}" is empty once normalised`);
    else if (s.reason === 'duplicate') errors.push(`entity "${s.entity}": alias "${s.alias}" is listed twice`);
    else errors.push(`alias "${s.alias}" belongs to both "${s.owner}" and "${s.entity}"`);
  }
  for (const u of unknownContext) errors.push(`entity "${u.entity}": contextFrom names unknown entity "${u.context}"`);
  const patternCount = termAlias.length;
  const termEntity = compiled.termEntity;

  // Evidence: scan every seed with the run-time scanner, sentence by sentence.
  const runtime = loadDictionary(compiled);
  const scanner = new Scanner(runtime);
  const evidence: Evidence[][] = catalogue.entities.map(() => []);
  const termUsed = new Uint8Array(patternCount);
  const uncoveredNames: CompileReport['uncoveredNames'] = [];
  const notNames = new Set(catalogue.notNames.map((w) => normalize(w)));
  for (const seed of seeds) {
    scanner.reset();
    const sentences = splitSentences(seed.text);
    const starts: number[] = [];
    let offset = 0;
    const joined = sentences.map((s) => {
      starts.push(offset);
      offset += s.length;
      return s;
    });
    for (const s of joined) {
      scanner.feed(s);
      scanner.boundary();
    }
    const matches = scanner.finish();
    const all = joined.join('');
    const covered = new Uint8Array(all.length);
    for (const m of matches) {
      covered.fill(1, m.start, m.end);
      termUsed[m.term] = 1;
      let si = starts.length - 1;
      while (starts[si] > m.start) si--;
      const sentence = sentences[si].trim();
      const list = evidence[m.entity];
      if (!list.some((ev) => ev.file === seed.meta.file && ev.sentence === sentence)) {
        list.push({ file: seed.meta.file, form: all.slice(m.start, m.end), sentence });
      }
    }
    for (const w of all.matchAll(/\p{Lu}[\p{L}\p{N}]*/gu)) {
      const start = w.index;
      if (covered[start]) continue;
      if (notNames.has(normalize(w[0]))) continue;
      let si = starts.length - 1;
      while (starts[si] > start) si--;
      uncoveredNames.push({ file: seed.meta.file, word: w[0], sentence: sentences[si].trim() });
    }
  }

  const seedText = new Map(seeds.map((s) => [s.meta.file, normalize(s.text)]));
  const records: EntityRecord[] = catalogue.entities.map((e, i) => {
    for (const claim of e.claims ?? []) {
      for (const src of claim.sources) {
        const text = seedText.get(src.file);
        if (text === undefined) errors.push(`entity "${e.id}": claim cites unknown seed "${src.file}"`);
        else if (!text.includes(normalize(src.quote))) {
          errors.push(`entity "${e.id}": claim quote not found in ${src.file}: "${src.quote}"`);
        }
      }
    }
    if (evidence[i].length === 0 && !e.source) {
      errors.push(`entity "${e.id}" occurs in no seed article and names no other source`);
    }
    return {
      id: e.id,
      kind: e.kind,
      name: e.name,
      description: e.description,
      aliases: e.aliases.map(aliasOf),
      contextFrom: e.contextFrom,
      pack: SEED_PACK_ID,
      evidence: evidence[i],
      claims: e.claims ?? [],
      source: e.source,
    };
  });

  const unusedAliases = termAlias.flatMap((_, t) =>
    termUsed[t] ? [] : [{ entity: catalogue.entities[termEntity[t]].id, alias: termAlias[t] }],
  );
  return { compiled, records, report: { errors, unusedAliases, uncoveredNames } };
}
