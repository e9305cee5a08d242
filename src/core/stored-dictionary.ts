/**
 * The compiled dictionary as it is kept in extension storage, which every page reads on load.
 *
 * Browser storage hands a page a few long strings many times faster than lists of values: for a
 * dictionary of 100,000 reader entities, reading the entity list took 360 ms as objects and 67 ms
 * as one string, the term tables 164 ms as lists and 21 ms as one string (Chromium 156, in the
 * background). So every list travels as one string: JSON text for the entities' ids and names and
 * for the parts that are rarely large, base64 for the numeric term tables, and the automaton in its
 * own compact form (see SerializedAutomaton). The ids and names are stored apart from the rest
 * (`splitPacked`): a page reads them only when it first shows an entity.
 */
import { base64Length, base64ToBytes, bytesToBase64, isBase64, wholeAutomaton, type AutomatonLoader, type Base64, type SerializedAutomaton } from './automaton.ts';
import { checkTermTables, ENTITY_KINDS, EntityTable, entityIndexBytes, runtimeDictionarySteps, TermEntities, termLengths, type CompiledDictionary, type EntityKind, type RuntimeDictionary, type TypedDictionaryParts } from './dictionary.ts';
import { linesOf, type EntityText } from './entity-table.ts';
import { runSteps, type Steps } from './steps.ts';
import { IN_PARTS, isSplitAutomaton, type SplitAutomaton, type TermBuffers } from './automaton-parts.ts';

/** As packed, every base64 table is one string; as read back from storage, a large one may be in pieces (see stored-pieces.ts). */
export interface PackedDictionary<B extends Base64 = string> extends EntityText {
  format: 9;
  /** One digit per entity: its kind's place in ENTITY_KINDS. */
  entityKinds: string;
  /**
   * Base64 of the term tables. Entity: little-endian, in as few bytes a term as the number of
   * entities needs (entityIndexBytes: one for the seed pack, three for 100,000 reader entities,
   * where four took 1.2 of the 5.7 million characters a page read).
   */
  termEntity: B;
  /**
   * Empty where the lengths are in order, as they are for terms numbered in state order (the
   * automaton numbers its states breadth first): `extras` then gives them in runs
   * (`lengthRuns`), where a byte a term took 0.3 of those 5.7 million characters. Otherwise a
   * byte a term, a length of LONG_TERM or more stored as LONG_TERM and given in `extras`
   * (`longTerms`).
   */
  termLength: B;
  /** A byte a term. */
  termFlags: B;
  /** JSON of termCase, entityContext (only the entities that have one), patterns and termPattern. */
  extras: string;
  /** Whole as packed; where storage keeps it in parts, the top alone (see storedDictionaryWrites, automaton-parts.ts). */
  automaton: SerializedAutomaton<B> | SplitAutomaton<B>;
}

/** The base64 tables of a stored dictionary, which a page decodes in the pieces storage keeps them in (see stored-pieces.ts). */
export const BASE64_TABLES: ReadonlySet<string> = new Set(['termEntity', 'termLength', 'termFlags', 'children', 'edgeChar', 'termEnds', 'termIds']);

/** What a page reads on load: all but the entities' ids and names (stored apart, see splitPacked). */
export type PagePackedDictionary = Omit<PackedDictionary<Base64>, keyof EntityText>;

/** The packed form in the two parts storage keeps: what every page reads, and the ids and names. */
export function splitPacked(p: PackedDictionary): { page: PagePackedDictionary; text: EntityText } {
  const { entityIds, entityNames, ...page } = p;
  return { page, text: { entityIds, entityNames } };
}

interface Extras {
  termCase: CompiledDictionary['termCase'];
  entityContext: Record<number, number[]>;
  patterns?: CompiledDictionary['patterns'];
  termPattern?: CompiledDictionary['termPattern'];
  /** The length of every term as long as LONG_TERM or longer, by term. */
  longTerms?: Record<number, number>;
  /** The terms' lengths where they are in order: [length, how many terms have it], lengths increasing. */
  lengthRuns?: [number, number][];
}

/** The byte that stands for a term's length of this or more: the length is then in `extras`. */
const LONG_TERM = 255;

const KIND_CODE = new Map<EntityKind, string>(ENTITY_KINDS.map((k, i) => [k, String(i)]));

export function packDictionary(c: CompiledDictionary): PackedDictionary {
  const entityContext: Record<number, number[]> = {};
  c.entityContext.forEach((context, e) => {
    if (context.length > 0) entityContext[e] = context;
  });
  const lengths = termLengths(c.termLength);
  const lengthRuns = runsInOrder(lengths);
  const longTerms: Record<number, number> = {};
  if (!lengthRuns) {
    lengths.forEach((n, t) => {
      if (n >= LONG_TERM) longTerms[t] = n;
    });
  }
  const extras: Extras = {
    termCase: c.termCase, entityContext, patterns: c.patterns, termPattern: c.termPattern,
    ...(Object.keys(longTerms).length ? { longTerms } : {}), ...(lengthRuns ? { lengthRuns } : {}),
  };
  return {
    format: 9,
    entityIds: linesOf(c.entities.map((e) => e.id)),
    entityNames: linesOf(c.entities.map((e) => e.name)),
    entityKinds: c.entities.map((e) => {
      const code = KIND_CODE.get(e.kind);
      if (code === undefined) throw new Error(`entity ${e.id} has an unknown kind: ${String(e.kind)}`);
      return code;
    }).join(''),
    termEntity: bytesToBase64(entityBytes(c.termEntity, entityIndexBytes(c.entities.length))),
    termLength: lengthRuns ? '' : bytesToBase64(Uint8Array.from(lengths, (n) => Math.min(n, LONG_TERM))),
    termFlags: bytesToBase64(Uint8Array.from(c.termFlags)),
    extras: JSON.stringify(extras),
    automaton: wholeAutomaton(c.automaton),
  };
}

/** The compiled dictionary again (for pages that hand it on); throws on a packed form whose parts do not fit together. */
export function unpackDictionary(p: PackedDictionary<Base64>): CompiledDictionary {
  const parts = typedParts(p);
  if (isSplitAutomaton(parts.automaton)) throw new Error(`dictionary automaton: ${IN_PARTS}`);
  return {
    format: 2,
    ...parts,
    automaton: parts.automaton,
    entities: parts.entities.all(),
    entityContext: Array.from({ length: parts.entities.length }, (_, e) => parts.entityContext[e] ?? []),
    termEntity: Array.from({ length: parts.termEntity.length }, (_, t) => parts.termEntity.of(t)),
    termLength: Array.from(parts.termLength),
    termFlags: Array.from(parts.termFlags),
  };
}

/** Straight to the scanner's form, with no lists in between: what a page does on every load. */
export function loadPackedDictionary(p: PackedDictionary<Base64>): RuntimeDictionary {
  return runSteps(packedDictionarySteps(p));
}

/**
 * loadPackedDictionary in steps (see steps.ts): the entities, then each pass over the automaton
 * (into the scanner module's memory with its loader, see wasm-scanner.ts). Without its ids and
 * names, `text` reads them when the entities are first made `ready`.
 */
export function* packedDictionarySteps(p: PagePackedDictionary & Partial<EntityText>, loadAutomaton?: AutomatonLoader, text?: () => Promise<EntityText>): Steps<RuntimeDictionary> {
  const parts = typedParts(p, text);
  yield;
  return yield* runtimeDictionarySteps(parts, loadAutomaton);
}

function typedParts(p: PagePackedDictionary & Partial<EntityText>, text?: () => Promise<EntityText>): TypedDictionaryParts {
  let entities: EntityTable;
  if (typeof p.entityIds === 'string' && typeof p.entityNames === 'string') entities = EntityTable.fromLines(p.entityIds, p.entityNames, p.entityKinds);
  else if (text) entities = EntityTable.deferred(p.entityKinds, text);
  else throw new Error('stored dictionary: the entities have no ids and names');
  const extras = JSON.parse(p.extras) as Extras;
  // Entities without context are left out: the scanner reads a missing one as none.
  const entityContext: number[][] = [];
  for (const [e, context] of Object.entries(extras.entityContext)) entityContext[Number(e)] = context;
  const width = entityIndexBytes(p.entityKinds.length);
  const termBuffers = termBuffersOf(p, width);
  const terms = {
    termEntity: TermEntities.packed(termBuffers?.entity ?? base64ToBytes(p.termEntity), width),
    termLength: extras.lengthRuns ? lengthsOfRuns(p.termLength, extras.lengthRuns) : termLengthsOf(p.termLength, extras.longTerms ?? {}),
    termFlags: termBuffers?.flags ?? base64ToBytes(p.termFlags),
  };
  checkTermTables(terms);
  return {
    entities,
    ...terms,
    termCase: extras.termCase,
    entityContext,
    ...(extras.patterns ? { patterns: extras.patterns } : {}),
    ...(extras.termPattern ? { termPattern: extras.termPattern } : {}),
    automaton: p.automaton,
    ...(termBuffers ? { termBuffers } : {}),
  };
}

/**
 * Where the term tables are stored with the automaton's parts: empty tables for every term, which
 * the automaton fills as it places its top and parts. Null where they are stored here.
 */
function termBuffersOf(p: PagePackedDictionary, width: number): TermBuffers | null {
  const terms = isSplitAutomaton(p.automaton) ? p.automaton.terms : undefined;
  if (!terms) return null;
  if (terms.width !== width || !Number.isSafeInteger(terms.count) || terms.count < 0 || base64Length(p.termEntity) !== 0 || base64Length(p.termFlags) !== 0) {
    throw new Error('stored dictionary: its term tables are stored twice, or not as wide as its entities need');
  }
  return { entity: new Uint8Array(terms.count * width), width, flags: new Uint8Array(terms.count), entities: p.entityKinds.length };
}

/** Whether a value read from storage has the shape of what a page reads (its contents are checked on unpacking). */
export function isPackedDictionary(v: unknown): v is PagePackedDictionary {
  const p = v as Partial<PackedDictionary> | null | undefined;
  return typeof p === 'object' && p !== null && p.format === 9 &&
    typeof p.entityKinds === 'string' && isBase64(p.termEntity) && isBase64(p.termLength) &&
    isBase64(p.termFlags) && typeof p.extras === 'string' && typeof p.automaton === 'object' && p.automaton !== null &&
    (isSplitAutomaton(p.automaton) || (isBase64(p.automaton.children) && typeof p.automaton.alphabet === 'string' && isBase64(p.automaton.termEnds)));
}

/** Each term's entity in `width` bytes, little-endian; throws on an index those bytes cannot hold (it would be cut silently). */
function entityBytes(termEntity: readonly number[], width: number): Uint8Array {
  const bytes = new Uint8Array(termEntity.length * width);
  termEntity.forEach((e, t) => {
    if (!(Number.isInteger(e) && e >= 0 && e < 2 ** (8 * width))) throw new Error(`term ${t} names entity ${e}, which is not among the dictionary's entities`);
    for (let i = 0; i < width; i++) bytes[t * width + i] = (e >>> (8 * i)) & 0xff;
  });
  return bytes;
}

/** The lengths as [length, count] runs when they never decrease, else null. */
function runsInOrder(lengths: Uint16Array): [number, number][] | null {
  const runs: [number, number][] = [];
  for (const n of lengths) {
    const last = runs[runs.length - 1];
    if (last && last[0] === n) last[1]++;
    else if (!last || last[0] < n) runs.push([n, 1]);
    else return null;
  }
  return runs;
}

/** The terms' lengths from their runs, which must be whole, increasing, and stand alone (no byte table beside them). */
function lengthsOfRuns(b64: Base64, runs: unknown): Uint16Array {
  const wrong = () => new Error('stored dictionary: the runs of term lengths are damaged');
  if (!Array.isArray(runs) || base64Length(b64) !== 0) throw wrong();
  let terms = 0;
  let previous = 0;
  for (const run of runs as unknown[]) {
    const [n, count] = Array.isArray(run) && run.length === 2 ? (run as unknown[]) : [];
    if (!(Number.isInteger(n) && Number.isInteger(count) && (n as number) > previous && (n as number) <= 0xffff && (count as number) > 0)) throw wrong();
    previous = n as number;
    terms += count as number;
  }
  const lengths = new Uint16Array(terms);
  let at = 0;
  for (const [n, count] of runs as [number, number][]) lengths.fill(n, at, (at += count));
  return lengths;
}

/** The terms' lengths: a byte each, widened, and the long ones from `longTerms`, which must give each of them. */
function termLengthsOf(b64: Base64, longTerms: Record<number, number>): Uint16Array {
  const bytes = base64ToBytes(b64);
  const lengths = new Uint16Array(bytes);
  for (let t = bytes.indexOf(LONG_TERM); t >= 0; t = bytes.indexOf(LONG_TERM, t + 1)) {
    if (!Object.hasOwn(longTerms, t)) throw new Error('stored dictionary: termLength and its long terms do not match');
  }
  for (const [term, n] of Object.entries(longTerms)) {
    const t = Number(term);
    if (!(t >= 0 && t < lengths.length && lengths[t] === LONG_TERM && Number.isInteger(n) && n >= LONG_TERM && n <= 0xffff)) {
      throw new Error('stored dictionary: termLength and its long terms do not match');
    }
    lengths[t] = n;
  }
  return lengths;
}
