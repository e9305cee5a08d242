/**
 * An Aho–Corasick automaton over normalised UTF-16 code units, built once at build time and shipped
 * as flat typed arrays, so a page is scanned in one pass whatever the number of terms.
 */

import { runSteps, type Steps } from './steps.ts';
import { lastIndexAtMost } from './sorted.ts';
import { IN_PARTS, isSplitAutomaton, type PartGates, type StoredAutomaton, type TermBuffers } from './automaton-parts.ts';

/** The automaton's tables. State 0 is the root. */
export interface AutomatonTables {
  /**
   * Edges of state `s` are `edgeChar[edgeOffset[s] .. edgeOffset[s + 1])`, sorted by char. States
   * are numbered breadth first, children in edge order, so edge `e` always leads to state `e + 1`:
   * no target table is kept.
   */
  edgeOffset: Int32Array;
  edgeChar: Uint16Array;
  /** Failure link of each state; NO_LINK where not worked out yet (see Automaton.failOf). */
  fail: Int32Array;
  /** Index of the term that ends at this state, or -1. */
  termAt: Int32Array;
  /**
   * The nearest state on the failure chain (excluding this one) where a term ends, or -1;
   * NO_LINK where not worked out yet (see Automaton.outOf).
   */
  outLink: Int32Array;
}

/** A failure or output link not worked out yet, in tables read with `automatonSteps`. */
export const NO_LINK = -2;

/**
 * Base64 text, or the same text in pieces as storage keeps a large dictionary (each piece a whole
 * number of four-character groups): decoded piece by piece, never joined into one string first.
 */
export type Base64 = string | readonly string[];

/** The text of base64 in pieces as one string (for writing it again). */
export function wholeBase64(b64: Base64): string {
  return typeof b64 === 'string' ? b64 : b64.join('');
}

/** A stored automaton with each table as one string again (for writing it again). */
export function wholeAutomaton(s: SerializedAutomaton): SerializedAutomaton<string> {
  return {
    ...s, children: wholeBase64(s.children), edgeChar: wholeBase64(s.edgeChar),
    termEnds: wholeBase64(s.termEnds), termIds: wholeBase64(s.termIds),
  };
}

/** Whether `v` is Base64's shape (its contents are checked when decoded). */
export function isBase64(v: unknown): v is Base64 {
  return typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
}

/**
 * The tables as base64 strings, for JSON transport between build, background and page, and for
 * extension storage, which every page reads on load: what can be rebuilt in one pass is left out.
 * Edge offsets travel as each state's number of children in unary (about two bits a state, where
 * a byte a state was 2.7 of the 9.3 million characters with 100,000 reader entities). Failure and output links
 * do not travel at all: they follow from the edges (`failureLinks`; the WebAssembly scanner works
 * out each as a page first needs it, see scan.wat). With 100,000 reader entities the failure links
 * were 8.2 of the 17.5 million characters every page read from storage. Edges and term ends travel
 * as the WebAssembly scanner holds them, so a page decodes them straight into place.
 */
export interface SerializedAutomaton<B extends Base64 = Base64> {
  states: number;
  edges: number;
  /**
   * Each state's number of children in unary, in state order: a 1 bit per child, then a 0
   * (`states + edges` bits in 64-bit little-endian words, the last one padded with zeros).
   */
  children: B;
  /**
   * The characters the edges use, in order (UTF-16 units), when there are at most 256 of them (a
   * dictionary in one or a few alphabets): `edgeChar` is then one byte per edge, a place in this
   * list. Empty when there are more: `edgeChar` holds the units themselves, two bytes each.
   */
  alphabet: string;
  edgeChar: B;
  /** One bit per state, set where a term ends (64-bit little-endian words, the last one padded with zeros). */
  termEnds: B;
  /**
   * The term that ends at each of those states, in state order (Int32); empty where the terms are
   * numbered in that order (as compile-terms.ts numbers them), the n-th term end ending term n.
   */
  termIds: B;
}

/**
 * Builds the automaton for `patterns` (already normalised, unique, non-empty).
 *
 * Built for dictionaries of 100,000 entities and more: the patterns are inserted in sorted order,
 * so each state's children arrive in increasing character order and the trie is a few flat arrays
 * (first child, next sibling) rather than a map per state; states are then renumbered breadth
 * first so that each state's edges lie together, sorted, as the scanner reads them.
 */
export function buildAutomaton(patterns: readonly string[]): AutomatonTables {
  const order = patterns.map((_, i) => i);
  order.sort((a, b) => (patterns[a] < patterns[b] ? -1 : patterns[a] > patterns[b] ? 1 : a - b));

  // Trie in insertion numbering.
  const char: number[] = [0];
  const firstChild: number[] = [-1];
  const lastChild: number[] = [-1];
  const nextSibling: number[] = [-1];
  const term: number[] = [-1];
  const path: number[] = [0];
  let previous = '';
  for (const termIndex of order) {
    const pattern = patterns[termIndex];
    if (pattern.length === 0) throw new Error(`term ${termIndex} is empty`);
    let common = 0;
    const limit = Math.min(pattern.length, previous.length);
    while (common < limit && pattern.charCodeAt(common) === previous.charCodeAt(common)) common++;
    for (let i = common; i < pattern.length; i++) {
      const parent = path[i];
      const s = char.length;
      char.push(pattern.charCodeAt(i));
      firstChild.push(-1);
      lastChild.push(-1);
      nextSibling.push(-1);
      term.push(-1);
      if (lastChild[parent] === -1) firstChild[parent] = s;
      else nextSibling[lastChild[parent]] = s;
      lastChild[parent] = s;
      path[i + 1] = s;
    }
    const end = path[pattern.length];
    if (term[end] !== -1) throw new Error(`terms ${term[end]} and ${termIndex} are the same text`);
    term[end] = termIndex;
    previous = pattern;
  }

  const n = char.length;
  const rootChild = new Int32Array(65536);
  for (let c = firstChild[0]; c !== -1; c = nextSibling[c]) rootChild[char[c]] = c;
  const childOf = (s: number, c: number): number => {
    if (s === 0) return rootChild[c];
    for (let t = firstChild[s]; t !== -1; t = nextSibling[t]) {
      if (char[t] === c) return t;
      if (char[t] > c) return 0;
    }
    return 0;
  };

  // Breadth-first order: failure links point to shallower states, already computed.
  const bfs = new Int32Array(n);
  const failOld = new Int32Array(n);
  const outOld = new Int32Array(n).fill(-1);
  let tail = 1;
  for (let q = 0; q < tail; q++) {
    const s = bfs[q];
    for (let t = firstChild[s]; t !== -1; t = nextSibling[t]) {
      bfs[tail++] = t;
      if (s === 0) continue;
      let f = failOld[s];
      let target = childOf(f, char[t]);
      while (target === 0 && f !== 0) {
        f = failOld[f];
        target = childOf(f, char[t]);
      }
      failOld[t] = target;
      outOld[t] = term[target] !== -1 ? target : outOld[target];
    }
  }

  const renumber = new Int32Array(n);
  for (let q = 0; q < n; q++) renumber[bfs[q]] = q;
  const edges = n - 1;
  const edgeOffset = new Int32Array(n + 1);
  const edgeChar = new Uint16Array(edges);
  const fail = new Int32Array(n);
  const termAt = new Int32Array(n);
  const outLink = new Int32Array(n);
  let e = 0;
  for (let q = 0; q < n; q++) {
    const s = bfs[q];
    edgeOffset[q] = e;
    for (let t = firstChild[s]; t !== -1; t = nextSibling[t]) {
      edgeChar[e] = char[t];
      if (renumber[t] !== e + 1) throw new Error('automaton: breadth-first numbering broken');
      e++;
    }
    fail[q] = renumber[failOld[s]];
    termAt[q] = term[s];
    outLink[q] = outOld[s] === -1 ? -1 : renumber[outOld[s]];
  }
  edgeOffset[n] = e;
  return { edgeOffset, edgeChar, fail, termAt, outLink };
}

/**
 * The automaton ready to run: the tables plus a dense root table, because most characters of a
 * page are read at the root and a direct look-up there is what keeps the scan near reading speed.
 * The root table (256 KB) is made on first use: the WebAssembly scanner keeps its own.
 */
export class Automaton {
  private root: Int32Array | null = null;
  readonly states: number;

  /** `tables` null: a subclass keeps them elsewhere and gives a copy on first use (see copyTables). */
  constructor(private tables: AutomatonTables | null, states?: number) {
    this.states = states ?? tables?.fail.length ?? 0;
  }

  /** The tables as typed arrays, as the JavaScript scanner reads them. */
  get t(): AutomatonTables {
    return (this.tables ??= this.copyTables());
  }

  protected copyTables(): AutomatonTables {
    throw new Error('automaton: no tables');
  }

  /** An automaton stored in parts: its parts, which a scan may want (see automaton-parts.ts); null for one stored whole. */
  parts: PartGates | null = null;

  /** The stored parts a scan wanted and did not have, since they were last placed. */
  wantedParts(): number[] {
    return this.parts?.wantedParts() ?? [];
  }

  /** Whether it is stored in parts that a scan may want (see wantedParts). */
  get inParts(): boolean {
    return this.parts !== null;
  }

  /**
   * The states of the cut depth of an automaton in parts, from `gateFirst` on, `gateCount` of
   * them: edges out of one are followed only where `open` says so (none for one stored whole).
   */
  readonly gateFirst: number = 0;
  get gateCount(): number {
    return 0;
  }

  /** Whether edges out of gate state `s` may be followed; if not yet, its part is marked wanted. */
  open(_s: number): boolean {
    return true;
  }

  /** Whether edges out of gate state `s` are followed now (marking nothing). */
  isOpen(_s: number): boolean {
    return true;
  }

  /** How many times parts were placed (see placeWanted). */
  get partsPlaced(): number {
    return this.parts?.placings ?? 0;
  }

  /** Reads and places the parts a scan wanted. */
  async placeWanted(): Promise<void> {
    await this.parts?.placeWanted();
  }

  get rootNext(): Int32Array {
    if (!this.root) {
      const { edgeOffset, edgeChar } = this.t;
      this.root = new Int32Array(65536);
      for (let e = edgeOffset[0]; e < edgeOffset[1]; e++) this.root[edgeChar[e]] = e + 1;
    }
    return this.root;
  }

  /** The state after reading folded unit `c` in `state`. */
  step(state: number, c: number): number {
    for (;;) {
      if (state === 0) return this.rootNext[c];
      const next = this.child(state, c);
      if (next !== 0) return next;
      state = this.failOf(state);
    }
  }

  /** The child of `state` along an edge that reads `c`, or 0 for none. */
  child(state: number, c: number): number {
    if (state === 0) return this.rootNext[c];
    const { edgeOffset, edgeChar } = this.t;
    let lo = edgeOffset[state];
    let hi = edgeOffset[state + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const mc = edgeChar[mid];
      if (mc === c) return (state - this.gateFirst) >>> 0 < this.gateCount && !this.open(state) ? 0 : mid + 1;
      if (mc < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /**
   * The failure link of `q`, worked out the first time it is asked for where the tables were read
   * without them (as scan.wat does: the parent by a binary search over the edge offsets, then the
   * parent's link followed as the builder does). A page reaches a few hundred of a large
   * dictionary's millions of states; working them all out took the background 82–88 ms.
   */
  failOf(q: number): number {
    const { fail, edgeChar } = this.t;
    const known = fail[q];
    if (known !== NO_LINK) return known;
    const e = q - 1;
    const parent = this.parentOf(e);
    let target = 0;
    if (parent !== 0) {
      const c = edgeChar[e];
      let f = this.failOf(parent);
      target = this.child(f, c);
      while (target === 0 && f !== 0) {
        f = this.failOf(f);
        target = this.child(f, c);
      }
    }
    // A link always leads back: kept so even for tables that broke that, so no chain loops.
    if (target >= q) target = 0;
    fail[q] = target;
    return target;
  }

  /** The state edge `e` leaves: the last state whose edges start at or before it. */
  protected parentOf(e: number): number {
    return lastIndexAtMost(this.t.edgeOffset, e, e);
  }

  /** The output link of `q` (see AutomatonTables), worked out the first time it is asked for. */
  outOf(q: number): number {
    const { outLink, termAt } = this.t;
    const known = outLink[q];
    if (known !== NO_LINK) return known;
    const f = this.failOf(q);
    const link = f === 0 ? -1 : termAt[f] >= 0 ? f : this.outOf(f);
    outLink[q] = link;
    return link;
  }
}

/** Bytes as base64 (the form binary tables travel in through JSON and extension storage); natively where the engine can. */
export function bytesToBase64(bytes: Uint8Array): string {
  const native = (bytes as { toBase64?: () => string }).toBase64;
  if (native) return native.call(bytes);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function base64ToBytes(b64: Base64): Uint8Array {
  if (typeof b64 !== 'string') {
    const bytes = new Uint8Array(base64Length(b64));
    decodeBase64Into(b64, bytes, 'base64');
    return bytes;
  }
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (native) return native(b64);
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Bytes that base64 text decodes to, or -1 when a piece is not whole four-character groups (our encoder pads). */
export function base64Length(b64: Base64): number {
  let n = 0;
  for (const piece of typeof b64 === 'string' ? [b64] : b64) {
    if (piece.length % 4 !== 0) return -1;
    n += (piece.length / 4) * 3 - (piece.endsWith('==') ? 2 : piece.endsWith('=') ? 1 : 0);
  }
  return n;
}

/** Decodes base64 into `target`, which it must fill exactly, piece by piece; straight into place where the engine can. */
export function decodeBase64Into(b64: Base64, target: Uint8Array, name: string): void {
  const wrongSize = () => new Error(`dictionary automaton: ${name} has the wrong size`);
  const native = (target as { setFromBase64?: (s: string) => { read: number; written: number } }).setFromBase64;
  let at = 0;
  for (const piece of typeof b64 === 'string' ? [b64] : b64) {
    if (native) {
      const { read, written } = native.call(target.subarray(at), piece);
      if (read !== piece.length) throw wrongSize();
      at += written;
      continue;
    }
    const binary = atob(piece);
    if (at + binary.length > target.length) throw wrongSize();
    for (let i = 0; i < binary.length; i++) target[at + i] = binary.charCodeAt(i);
    at += binary.length;
  }
  if (at !== target.length) throw wrongSize();
}

function encode(a: Int32Array | Uint16Array): string {
  return bytesToBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** Where terms end (one bit per state) and which (in state order), from a table of term per state, -1 for none. */
export function termEnds(termAt: Int32Array): { bits: Uint8Array; ids: Int32Array } {
  const bits = new Uint8Array(Math.ceil(termAt.length / 64) * 8);
  const ids: number[] = [];
  termAt.forEach((term, q) => {
    if (term === -1) return;
    bits[q >> 3] |= 1 << (q & 7);
    ids.push(term);
  });
  return { bits, ids: Int32Array.from(ids) };
}

/** Packs the tables for JSON. */
export function serializeAutomaton(t: AutomatonTables): SerializedAutomaton<string> {
  const states = t.fail.length;
  const edges = t.edgeChar.length;
  const children = new Uint8Array(childBitsBytes(states, edges));
  for (let q = 0, at = 0; q < states; q++, at++) {
    for (let n = t.edgeOffset[q + 1] - t.edgeOffset[q]; n > 0; n--, at++) children[at >> 3] |= 1 << (at & 7);
  }
  const alphabet = narrowAlphabet(t.edgeChar);
  const ends = termEnds(t.termAt);
  return {
    states,
    edges: t.edgeChar.length,
    children: bytesToBase64(children),
    alphabet: alphabet ? encode(alphabet) : '',
    edgeChar: alphabet ? bytesToBase64(edgePlaces(t.edgeChar, alphabet)) : encode(t.edgeChar),
    termEnds: bytesToBase64(ends.bits),
    termIds: ends.ids.every((t, rank) => t === rank) ? '' : encode(ends.ids),
  };
}

/** States per step of the JavaScript passes over a large automaton (see steps.ts). */
const STATES_PER_STEP = 1 << 16;

/**
 * The failure links of the automaton with these edges: for each state, the state of the longest
 * proper suffix of its text that is a state too (0, the root, for none), each worked out as
 * Automaton.failOf does on first need.
 */
export function failureLinks(edgeOffset: Int32Array, edgeChar: Uint16Array): Int32Array {
  return linkedTables(edgeOffset, edgeChar, new Int32Array(edgeOffset.length - 1).fill(-1)).fail;
}

/** The tables with these edges and term ends, every link worked out. */
export function linkedTables(edgeOffset: Int32Array, edgeChar: Uint16Array, termAt: Int32Array): AutomatonTables {
  return runSteps(withEveryLinkSteps(linklessTables(edgeOffset, edgeChar, termAt)));
}

/** Tables whose links are all left to their first need (see Automaton.failOf, outOf). */
function linklessTables(edgeOffset: Int32Array, edgeChar: Uint16Array, termAt: Int32Array): AutomatonTables {
  const fail = new Int32Array(edgeOffset.length - 1).fill(NO_LINK);
  const outLink = new Int32Array(edgeOffset.length - 1).fill(NO_LINK);
  fail[0] = 0;
  outLink[0] = -1;
  return { edgeOffset, edgeChar, fail, termAt, outLink };
}

/**
 * `tables` with every link worked out, in steps of 65,536 states. In state order each state's
 * parent and failure state are already worked out, so each takes one look.
 */
function* withEveryLinkSteps(tables: AutomatonTables): Steps<AutomatonTables> {
  const automaton = new Automaton(tables);
  for (let q = 1; q < automaton.states; q++) {
    if (q % STATES_PER_STEP === 0) yield;
    automaton.failOf(q);
    automaton.outOf(q);
  }
  return tables;
}

/** The distinct characters of the edges, in order, when there are 1 to 256 of them (see SerializedAutomaton), or null. */
export function narrowAlphabet(edgeChar: Uint16Array): Uint16Array | null {
  const alphabet = Uint16Array.from(new Set(edgeChar)).sort();
  return alphabet.length > 0 && alphabet.length <= 256 ? alphabet : null;
}

/** Each unit's place in `alphabet` + 1, 0 for none. */
export function alphabetPlaces(alphabet: Uint16Array): Uint8Array {
  const places = new Uint8Array(65536);
  alphabet.forEach((c, i) => (places[c] = i + 1));
  return places;
}

/** The edges as places in their alphabet, one byte each. */
export function edgePlaces(edgeChar: Uint16Array, alphabet: Uint16Array): Uint8Array {
  const places = alphabetPlaces(alphabet);
  return Uint8Array.from(edgeChar, (c) => places[c] - 1);
}

/** Makes the automaton ready to run from its stored form, whole or in parts (see automaton-parts.ts), in steps (see steps.ts). */
export type AutomatonLoader = (s: StoredAutomaton, terms?: TermBuffers) => Steps<Automaton>;

/**
 * The automaton with its tables as JavaScript typed arrays, each link worked out on first need.
 * One stored in parts must be assembled first (assembleAutomaton).
 */
export function* automatonSteps(s: StoredAutomaton): Steps<Automaton> {
  if (isSplitAutomaton(s)) throw new Error(`dictionary automaton: ${IN_PARTS}`);
  const { edgeOffset, edgeChar, termAt } = yield* linklessTablesSteps(s);
  return new Automaton(linklessTables(edgeOffset, edgeChar, termAt));
}

/**
 * Unpacks tables from JSON, checking their sizes and order so a damaged dictionary fails loudly
 * here, with every link worked out (the tests' reference); a scan reads them with automatonSteps,
 * which leaves each link to its first need.
 */
export function deserializeAutomaton(s: SerializedAutomaton): AutomatonTables {
  return runSteps(deserializeAutomatonSteps(s));
}

/** deserializeAutomaton in steps, pausing within and after each pass over the states. */
export function* deserializeAutomatonSteps(s: SerializedAutomaton): Steps<AutomatonTables> {
  const { edgeOffset, edgeChar, termAt } = yield* linklessTablesSteps(s);
  return yield* withEveryLinkSteps(linklessTables(edgeOffset, edgeChar, termAt));
}

/** The stored tables unpacked and checked, in steps, without the links (worked out from them). */
function* linklessTablesSteps(s: SerializedAutomaton): Steps<Omit<AutomatonTables, 'fail' | 'outLink'>> {
  const states = s.states;
  const edgeChar = yield* edgeChars(s);
  const children = base64ToBytes(s.children);
  if (children.length !== childBitsBytes(states, s.edges)) throw new Error('dictionary automaton: children has the wrong size');
  const edgeOffset = yield* edgeOffsetSteps(children, states, s.edges);
  yield;
  const termAt = new Int32Array(states).fill(-1);
  const bits = base64ToBytes(s.termEnds);
  if (bits.length !== Math.ceil(states / 64) * 8) throw new Error('dictionary automaton: termEnds has the wrong size');
  const idBytes = base64ToBytes(s.termIds);
  if (idBytes.length % 4 !== 0) throw new Error('dictionary automaton: termIds has the wrong size');
  const ids = new Int32Array(idBytes.buffer, idBytes.byteOffset, idBytes.length / 4);
  const inStateOrder = ids.length === 0;
  let rank = 0;
  for (let q = 0; q < bits.length * 8; q++) {
    if (q % STATES_PER_STEP === STATES_PER_STEP - 1) yield;
    if (!(bits[q >> 3] & (1 << (q & 7)))) continue;
    if (q >= states) throw new Error(`dictionary automaton: ${TERM_PAST_STATES}`);
    termAt[q] = inStateOrder ? rank++ : (ids[rank++] ?? -1);
  }
  if (!inStateOrder && rank !== ids.length) throw new Error(`dictionary automaton: ${TERMS_MISMATCH}`);
  yield;
  return { edgeOffset, edgeChar, termAt };
}

/** Each state's edge offset (and the edges' count after the last), from the stored unary child counts, checked; in steps. */
export function* edgeOffsetSteps(children: Uint8Array, states: number, edges: number): Steps<Int32Array> {
  const edgeOffset = new Int32Array(states + 1);
  const childBits = states + edges;
  for (let q = 0, at = 0; q < states; q++, at++) {
    if (q % STATES_PER_STEP === STATES_PER_STEP - 1) yield;
    let n = 0;
    while (at < childBits && children[at >> 3] & (1 << (at & 7))) {
      n++;
      at++;
    }
    if (at >= childBits) throw new Error(`dictionary automaton: ${CHILDREN_MISMATCH}`);
    edgeOffset[q + 1] = edgeOffset[q] + n;
  }
  if (edgeOffset[states] !== edges) throw new Error(`dictionary automaton: ${CHILDREN_MISMATCH}`);
  return edgeOffset;
}

/** The edges' characters, from places in the alphabet or as stored. */
function* edgeChars(s: SerializedAutomaton): Steps<Uint16Array> {
  if (s.edges !== s.states - 1) throw new Error('dictionary automaton: edgeChar has the wrong size');
  const bytes = base64ToBytes(s.edgeChar);
  if (s.alphabet === '') {
    if (bytes.length !== s.edges * 2) throw new Error('dictionary automaton: edgeChar has the wrong size');
    return new Uint16Array(bytes.buffer, bytes.byteOffset, s.edges);
  }
  const alphabet = storedAlphabet(s.alphabet)!;
  if (bytes.length !== s.edges) throw new Error('dictionary automaton: edgeChar has the wrong size');
  const chars = new Uint16Array(s.edges);
  for (let e = 0; e < s.edges; e++) {
    if (e % STATES_PER_STEP === STATES_PER_STEP - 1) yield;
    if (bytes[e] >= alphabet.length) throw new Error(`dictionary automaton: ${EDGE_OUTSIDE_ALPHABET}`);
    chars[e] = alphabet[bytes[e]];
  }
  return chars;
}

/** A stored alphabet's characters, null for none; throws on one that is not 1 to 256 whole units. */
export function storedAlphabet(b64: string): Uint16Array | null {
  if (b64 === '') return null;
  const bytes = base64ToBytes(b64);
  if (bytes.length === 0 || bytes.length % 2 !== 0 || bytes.length > 512) throw new Error('dictionary automaton: alphabet has the wrong size');
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
}

/** Bytes of the unary child counts of `states` with `edges` between them (whole 64-bit words). */
export function childBitsBytes(states: number, edges: number): number {
  return Math.ceil((states + edges) / 64) * 8;
}

/** Messages the WebAssembly loader gives too. */
export const CHILDREN_MISMATCH = 'children does not add up to the states and edges';
export const TERM_PAST_STATES = 'a term ends at a state that does not exist';
export const TERMS_MISMATCH = 'termIds do not match termEnds';

/** The message for an edge whose place is past the alphabet's end (the WebAssembly loader's too). */
export const EDGE_OUTSIDE_ALPHABET = 'an edge names a character past the alphabet';
