/**
 * Types of the entity dictionary: the curated catalogue (input of the build), the compiled
 * dictionary (what the content script scans with) and the entity records (what a card shows).
 */
import type { Automaton, AutomatonLoader, SerializedAutomaton } from './automaton.ts';
import { javascriptAutomatonLoader } from './parted-tables.ts';
import type { StoredAutomaton, TermBuffers } from './automaton-parts.ts';
import { EntityTable, type DictionaryEntity, type EntityKind } from './entity-table.ts';
import { runSteps, type Steps } from './steps.ts';

export { ENTITY_KINDS, EntityTable, type DictionaryEntity, type EntityKind } from './entity-table.ts';

/** Term flag: compared with its case (short acronyms such as AI, IT, SCO). */
export const TERM_CASE_SENSITIVE = 1;
/** Term flag: ambiguous alone (a bare surname); counts only where the entity is named in full. */
export const TERM_NEEDS_CONTEXT = 2;
/** Term flag: a capitalised name; written in lower case on a page it is a common word ("turkey", "china"). */
export const TERM_CAPITALISED = 4;
/**
 * Term flag: a name with other senses away from the story (a city that is also a surname, an
 * acronym that is also a TV channel); it counts only on pages that name at least
 * `TOPICAL_MIN_OTHERS` other entities of the dictionary, or one of its context entities.
 */
export const TERM_NEEDS_TOPIC = 8;
export const TOPICAL_MIN_OTHERS = 2;
/** Term flag: the noun of a pattern alias; it counts only where the pattern's check holds. */
export const TERM_PATTERN = 16;
/**
 * Term flag: a Russian name whose last word declines; a case ending may follow it ("Тегеран" in
 * "Тегерана", "Тегерану", "Тегераном").
 */
export const TERM_INFLECTS = 32;
/**
 * Term flag: the stem of a Russian name whose last letter changes in the other cases ("Китай",
 * "Китая"; "Москва", "Москвы"): it counts only when a case ending follows it.
 */
export const TERM_STEM = 64;
/**
 * Term flag: a Persian or Urdu name ending in heh; where the page writes that letter as teh
 * marbuta the word is Arabic, and another word (روسیه "Russia" in Persian, روسية "Russian" in Arabic).
 */
export const TERM_FINAL_HEH = 128;

/** One alias as written in the catalogue. */
export interface CatalogueAlias {
  text: string;
  lang?: string;
  /** A bare surname or other form that is ambiguous on its own. */
  ambiguous?: boolean;
  /** Overrides the automatic rule (all-capitals aliases of up to five letters are case-sensitive). */
  caseSensitive?: boolean;
  /** Has other senses away from the story: counts only on pages about it (see TERM_NEEDS_TOPIC). */
  needsTopic?: boolean;
  /** A pattern alias: `text` is a description; the pattern's nouns are what the automaton finds. */
  pattern?: AliasPattern;
  note?: string;
}

/** A statement the seeds make about an entity, with the seeds' own words; disagreements are kept. */
export interface CatalogueClaim {
  about: string;
  sources: { file: string; quote: string }[];
}

/** One entity of the curated catalogue (`seeds/catalogue.json`). */
export interface CatalogueEntity {
  id: string;
  kind: EntityKind;
  name: string;
  description: string;
  aliases: (string | CatalogueAlias)[];
  /** Entities whose full mention also makes this entity's ambiguous aliases count. */
  contextFrom?: string[];
  claims?: CatalogueClaim[];
  /** For an entity not evidenced in the seeds: where it comes from. */
  source?: string;
}

export interface Catalogue {
  entities: CatalogueEntity[];
  /** Capitalised words of the seeds that are not names (sentence openers, photo credits...). */
  notNames: string[];
}

/** Metadata of one seed article, as in `seeds/index.json`. */
export interface SeedArticle {
  file: string;
  outlet: string;
  url: string | null;
  title: string | null;
  lang: string;
  published: string | null;
}

/** Where an entity is evidenced: one sentence of one seed article. */
export interface Evidence {
  file: string;
  /** The text as the seed writes it. */
  form: string;
  sentence: string;
}

/** The longest entity name accepted anywhere (form, page, pack file). */
export const MAX_NAME_LENGTH = 300;

/** The built-in pack: the catalogue checked against the seed articles at build time. */
export const SEED_PACK_ID = 'seed';

/** One alias of an entity, seed or user. */
export interface EntityAlias {
  text: string;
  lang?: string;
  note?: string;
  ambiguous?: boolean;
  caseSensitive?: boolean;
  needsTopic?: boolean;
  pattern?: AliasPattern;
}

/**
 * A pattern alias for agreements and events: one of `nouns` (in the automaton), with a number of
 * years before it within `within` words ("25-year strategic cooperation pact", "25 year
 * comprehensive deal"), or after it ("accord de coopération de 25 ans"). The words between are
 * free qualifiers. The match runs from the number to the noun, or from the noun to the unit.
 */
export interface AliasPattern {
  nouns: string[];
  /** The numbers, as words or digits ("25", "twenty-five"). */
  years: string[];
  /** Units that follow the number before the noun: "25-year pact", "25 year deal", "25-летнее соглашение". */
  before: string[];
  /** Units that follow the number after the noun: "accord de 25 ans", "سند همکاری ۲۵ ساله". */
  after: string[];
  /** At most this many words between the noun and the number. */
  within: number;
}

/** Who wrote an entity (the reader, a teammate whose pack was imported, a list's publisher). */
export interface EntityAuthor {
  id: string;
  name: string;
}

/**
 * Everything a hover card or the popup shows about an entity: one model for the seed pack and the
 * reader's own entities. Evidence names its article by `file`; seed files are described by the
 * seed index, a user entity's pages by its own `sources`.
 */
export interface EntityRecord {
  id: string;
  kind: EntityKind;
  name: string;
  description: string;
  aliases: EntityAlias[];
  evidence: Evidence[];
  claims: CatalogueClaim[];
  source?: string;
  /** The pack the entity belongs to. */
  pack: string;
  contextFrom?: string[];
  /** The pages a user entity's evidence comes from, in the shape of seed articles. */
  sources?: SeedArticle[];
  author?: EntityAuthor;
}

/** The dictionary as compiled for scanning. */
export interface CompiledDictionary {
  format: 2;
  entities: DictionaryEntity[];
  termEntity: number[];
  termLength: number[];
  termFlags: number[];
  /** For case-sensitive terms: the alias with its case, indexed by term. */
  termCase: Record<number, string>;
  /** For each entity, the entities whose full mention lets its ambiguous aliases count. */
  entityContext: number[][];
  /** Pattern aliases, and for each of their terms (the nouns) which pattern it belongs to. */
  patterns?: AliasPattern[];
  termPattern?: Record<number, number>;
  automaton: SerializedAutomaton;
}

/** The compiled dictionary unpacked into the arrays the scanner reads. */
export interface RuntimeDictionary {
  entities: EntityTable;
  automaton: Automaton;
  termEntity: TermEntities;
  /** Normalised units per term: 16 bits (see compile-terms.ts). */
  termLength: Uint16Array;
  termFlags: Uint8Array;
  termCase: (string | undefined)[];
  entityContext: number[][];
  patterns: AliasPattern[];
  termPattern: Map<number, number>;
}

/** Unpacks a compiled dictionary, refusing one whose parts do not fit together. */
export function loadDictionary(d: CompiledDictionary): RuntimeDictionary {
  if (d.format !== 2) throw new Error(`dictionary format ${String(d.format)} is not supported`);
  return runtimeDictionary({
    ...d,
    entities: EntityTable.of(d.entities),
    termEntity: TermEntities.listed(Int32Array.from(d.termEntity)),
    termLength: termLengths(d.termLength),
    termFlags: Uint8Array.from(d.termFlags),
  });
}

/** The compiled dictionary's parts with the term tables already typed (as storage's packed form gives them). */
export type TypedDictionaryParts = Omit<CompiledDictionary, 'format' | 'entities' | 'termEntity' | 'termLength' | 'termFlags' | 'automaton'> & {
  /** Whole, or its top alone where it is stored in parts (a page reads the parts it needs later). */
  automaton: StoredAutomaton;
  /** Where the term tables are split with the automaton: theirs, filled as its parts are placed. */
  termBuffers?: TermBuffers;
  entities: EntityTable;
  termEntity: TermEntities;
  /** Normalised units per term: 16 bits (see compile-terms.ts). */
  termLength: Uint16Array;
  termFlags: Uint8Array;
};

/**
 * Each term's entity. Stored in as few bytes a term as the number of entities needs (see
 * stored-dictionary.ts) and read there: the scanner asks only for the terms it keeps, where
 * widening every entry on each page load (230,000 with 100,000 reader entities) would cost a page
 * a loop of cold JavaScript.
 */
export class TermEntities {
  private constructor(
    readonly length: number,
    private readonly list: Int32Array | null,
    private readonly bytes: Uint8Array,
    private readonly width: number,
  ) {}

  /** From a list of entity indexes. */
  static listed(list: Int32Array): TermEntities {
    return new TermEntities(list.length, list, new Uint8Array(0), 4);
  }

  /** From little-endian entries of `width` bytes (1 to 4); throws when the bytes are not whole entries. */
  static packed(bytes: Uint8Array, width: number): TermEntities {
    if (!(width >= 1 && width <= 4) || bytes.length % width !== 0) throw new Error('stored dictionary: termEntity has the wrong size');
    return new TermEntities(bytes.length / width, null, bytes, width);
  }

  /** The entity of term `t`. */
  of(t: number): number {
    if (this.list) return this.list[t];
    const b = this.bytes;
    const at = t * this.width;
    switch (this.width) {
      case 1: return b[at];
      case 2: return b[at] | (b[at + 1] << 8);
      case 3: return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
      default: return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);
    }
  }
}

/** Bytes a term's entity takes among `entities` entities: the fewest that hold the largest index. */
export function entityIndexBytes(entities: number): number {
  return entities <= 0x100 ? 1 : entities <= 0x10000 ? 2 : entities <= 0x1000000 ? 3 : 4;
}

/** The runtime dictionary from typed parts, refusing parts that do not fit together. */
export function runtimeDictionary(d: TypedDictionaryParts): RuntimeDictionary {
  return runSteps(runtimeDictionarySteps(d));
}

/** runtimeDictionary in steps (see steps.ts); `loadAutomaton` says where the automaton's tables go. */
export function* runtimeDictionarySteps(d: TypedDictionaryParts, loadAutomaton: AutomatonLoader = javascriptAutomatonLoader): Steps<RuntimeDictionary> {
  checkTermTables(d);
  const termCase: (string | undefined)[] = new Array<string | undefined>(d.termEntity.length);
  for (const [k, v] of Object.entries(d.termCase)) termCase[Number(k)] = v;
  const automaton = yield* loadAutomaton(d.automaton, d.termBuffers);
  return {
    entities: d.entities,
    automaton,
    termEntity: d.termEntity,
    termLength: d.termLength,
    termFlags: d.termFlags,
    termCase,
    entityContext: d.entityContext,
    patterns: d.patterns ?? [],
    termPattern: new Map(Object.entries(d.termPattern ?? {}).map(([k, v]) => [Number(k), v])),
  };
}

/** Throws unless every term has an entity, a length and flags. */
export function checkTermTables(d: Pick<TypedDictionaryParts, 'termEntity' | 'termLength' | 'termFlags'>): void {
  const n = d.termEntity.length;
  if (d.termLength.length !== n || d.termFlags.length !== n) throw new Error('dictionary term tables differ in length');
}

/** Term lengths in 16 bits: aliases are capped far below (user-entities.ts), so a longer one is a fault. */
export function termLengths(lengths: readonly number[]): Uint16Array {
  if (lengths.some((n) => n > 0xffff)) throw new Error('dictionary: a term longer than 65,535 units');
  return Uint16Array.from(lengths);
}
