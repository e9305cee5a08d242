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
import { base64ToBytes, bytesToBase64, isBase64, wholeAutomaton, type AutomatonLoader, type Base64, type SerializedAutomaton } from './automaton.ts';
import { ENTITY_KINDS, EntityTable, runtimeDictionarySteps, termLengths, type CompiledDictionary, type EntityKind, type RuntimeDictionary, type TypedDictionaryParts } from './dictionary.ts';
import { linesOf, type EntityText } from './entity-table.ts';
import { runSteps, type Steps } from './steps.ts';

/** As packed, every base64 table is one string; as read back from storage, a large one may be in pieces (see stored-pieces.ts). */
export interface PackedDictionary<B extends Base64 = string> extends EntityText {
  format: 8;
  /** One digit per entity: its kind's place in ENTITY_KINDS. */
  entityKinds: string;
  /**
   * Base64 of the term tables: Int32 entity, Uint8 length, Uint8 flags. A length of LONG_TERM or
   * more is stored as LONG_TERM and given in `extras` (`longTerms`): terms are names, and a byte
   * a length took 0.3 of the 6.0 million characters a page read with 100,000 reader entities.
   */
  termEntity: B;
  termLength: B;
  termFlags: B;
  /** JSON of termCase, entityContext (only the entities that have one), patterns and termPattern. */
  extras: string;
  automaton: SerializedAutomaton<B>;
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
  const longTerms: Record<number, number> = {};
  lengths.forEach((n, t) => {
    if (n >= LONG_TERM) longTerms[t] = n;
  });
  const extras: Extras = { termCase: c.termCase, entityContext, patterns: c.patterns, termPattern: c.termPattern, ...(Object.keys(longTerms).length ? { longTerms } : {}) };
  return {
    format: 8,
    entityIds: linesOf(c.entities.map((e) => e.id)),
    entityNames: linesOf(c.entities.map((e) => e.name)),
    entityKinds: c.entities.map((e) => {
      const code = KIND_CODE.get(e.kind);
      if (code === undefined) throw new Error(`entity ${e.id} has an unknown kind: ${String(e.kind)}`);
      return code;
    }).join(''),
    termEntity: bytesOf(Int32Array.from(c.termEntity)),
    termLength: bytesToBase64(Uint8Array.from(lengths, (n) => Math.min(n, LONG_TERM))),
    termFlags: bytesToBase64(Uint8Array.from(c.termFlags)),
    extras: JSON.stringify(extras),
    automaton: wholeAutomaton(c.automaton),
  };
}

/** The compiled dictionary again (for pages that hand it on); throws on a packed form whose parts do not fit together. */
export function unpackDictionary(p: PackedDictionary<Base64>): CompiledDictionary {
  const parts = typedParts(p);
  return {
    format: 2,
    ...parts,
    entities: parts.entities.all(),
    entityContext: Array.from({ length: parts.entities.length }, (_, e) => parts.entityContext[e] ?? []),
    termEntity: Array.from(parts.termEntity),
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
  return {
    entities,
    termEntity: int32s(p.termEntity, 'termEntity'),
    termLength: termLengthsOf(p.termLength, extras.longTerms ?? {}),
    termFlags: base64ToBytes(p.termFlags),
    termCase: extras.termCase,
    entityContext,
    ...(extras.patterns ? { patterns: extras.patterns } : {}),
    ...(extras.termPattern ? { termPattern: extras.termPattern } : {}),
    automaton: p.automaton,
  };
}

/** Whether a value read from storage has the shape of what a page reads (its contents are checked on unpacking). */
export function isPackedDictionary(v: unknown): v is PagePackedDictionary {
  const p = v as Partial<PackedDictionary> | null | undefined;
  return typeof p === 'object' && p !== null && p.format === 8 &&
    typeof p.entityKinds === 'string' && isBase64(p.termEntity) && isBase64(p.termLength) &&
    isBase64(p.termFlags) && typeof p.extras === 'string' && typeof p.automaton === 'object' && p.automaton !== null && isBase64(p.automaton.children) && typeof p.automaton.alphabet === 'string' && isBase64(p.automaton.termEnds);
}

function bytesOf(a: Int32Array): string {
  return bytesToBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
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

function int32s(b64: Base64, name: string): Int32Array {
  const bytes = base64ToBytes(b64);
  if (bytes.length % 4 !== 0) throw new Error(`stored dictionary: ${name} has the wrong size`);
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}
