/**
 * A large automaton stored in parts, so that a page reads only what its text can reach.
 *
 * With 100,000 reader entities the automaton has about two million states, and every page read
 * all of them from storage, though its text reaches a few thousand. States are numbered breadth
 * first, so the states of depth at most CUT_DEPTH come first: that top of the trie is stored
 * whole. Every deeper state lies under one state of depth CUT_DEPTH; consecutive states of that
 * depth are grouped into parts, and a part holds all their descendants. Breadth-first numbering
 * keeps a group's descendants of each depth together, so a part is a few ranges of states.
 *
 * A page scans with the top first. Where a state of depth CUT_DEPTH has an edge that the text
 * reads, the scanner notes it (see scan.wat, the gate) instead of following it; the page then
 * reads the parts noted and scans again. This is exact: every deeper state a full scan would
 * visit, through edges, failure or output links, has a text that occurs in the page, so the top
 * scan stood at its ancestor of depth CUT_DEPTH where those first CUT_DEPTH characters occur, and
 * read the next.
 *
 * Ranges are stored as whole blocks of 64 states (the scanner's unit for edge offsets and term
 * ranks), each block complete: a block that two parts share is stored in both.
 */
import { base64Length, base64ToBytes, bytesToBase64, childBitsBytes, edgeOffsetSteps, isBase64, type Base64, type SerializedAutomaton } from './automaton.ts';
import { lastIndexAtMost } from './sorted.ts';
import { runSteps } from './steps.ts';

/** The depth at which the trie is cut (a page reads the top of the trie to this depth whole). */
export const CUT_DEPTH = 6;

/** States a part holds at least (but the last): about 6 KB of storage, one small read. */
export const PART_STATES = 4096;

/** Automata up to this many states are stored whole: the seed pack and lists of a few thousand names. */
export const SPLIT_MIN_STATES = 100_000;

/** What a page reads first: the sizes, the top of the trie, and which states each part holds. */
export interface SplitAutomaton<B extends Base64 = string> {
  states: number;
  edges: number;
  alphabet: string;
  /** The states of depth CUT_DEPTH: [cutFirst, cutEnd). States from cutEnd on are in parts. */
  cutFirst: number;
  cutEnd: number;
  /** Part k holds the descendants of the states of depth CUT_DEPTH from partFirst[k] to partFirst[k + 1] (or cutEnd). */
  partFirst: number[];
  /** The top: one range of blocks from the root to the last state of the cut depth, stored as a part is. */
  top: AutomatonPart<B>;
  /** Bytes of the largest part's data, the top's included (the scanner's scratch space). */
  maxPartBytes: number;
  /**
   * Where the dictionary's term tables are stored with the automaton (storedDictionaryWrites): how
   * many terms, and the bytes of a term's entity. The top and each part then hold the entities
   * and flags of the terms that end in their blocks: a term's number is its rank among the term
   * ends, so a range's terms are consecutive.
   */
  terms?: { count: number; width: number };
}

/**
 * A page's term tables where they are split with the automaton: sized for every term, filled as
 * the top and the parts are placed; `entities` bounds an entity index read from storage.
 */
export interface TermBuffers extends TermBytes {
  entities: number;
}

/** The dictionary's term tables, split with the automaton (see SplitAutomaton `terms`). */
export interface TermBytes {
  /** A term's entity, little-endian in `width` bytes. */
  entity: Uint8Array;
  width: number;
  flags: Uint8Array;
}

/**
 * A part: ranges of blocks, in state order, as one base64 string and the numbers that cut it:
 * structured clone makes a reply of a few long strings into values far faster than one of many
 * small objects, and a page decodes each part in one call.
 */
export interface AutomatonPart<B extends Base64 = string> {
  /**
   * Per range of blocks of 64 states: its first block, blocks, sample (the edges before its first
   * state), rank (the term ends before it), edges (the characters it holds) and terms (its term ends).
   */
  ranges: number[];
  /**
   * Per range: its unary child counts (whole 64-bit words), its edges' characters, its term-end
   * words, and where the term tables are split with it, its terms' entities and flags.
   */
  data: B;
}

/** Numbers per range in AutomatonPart `ranges`. */
export const RANGE_FIELDS = 6;

/** Where a range's data lies in its part's decoded bytes, and how much of it there is. */
export interface RangeLayout {
  block: number;
  blocks: number;
  sample: number;
  rank: number;
  edges: number;
  terms: number;
  /** First state, and one past the last. */
  q0: number;
  q1: number;
  childAt: number;
  childBytes: number;
  edgeAt: number;
  edgeBytes: number;
  endsAt: number;
  /** Its terms' entities and flags (empty where the term tables are not split with the automaton). */
  entityAt: number;
  flagsAt: number;
  /** Where the next range's data starts. */
  end: number;
}

/**
 * The ranges of a stored part laid over its data, checked against the automaton's sizes; throws
 * on a part that does not fit (damaged storage).
 */
export function partLayout(part: unknown, split: Pick<SplitAutomaton<Base64>, 'states' | 'edges' | 'alphabet' | 'terms'>, dataBytes: number): RangeLayout[] {
  const { states, edges } = split;
  const width = split.alphabet === '' ? 2 : 1;
  const termBytes = split.terms ? split.terms.width + 1 : 0;
  const wrong = () => new Error('dictionary automaton: a stored part does not fit its automaton');
  const p = part as Partial<AutomatonPart> | null;
  if (typeof p !== 'object' || p === null || !Array.isArray(p.ranges) || !isBase64(p.data) || p.ranges.length === 0 || p.ranges.length % RANGE_FIELDS !== 0) throw wrong();
  const words = Math.ceil(states / 64);
  const out: RangeLayout[] = [];
  let at = 0;
  for (let i = 0; i < p.ranges.length; i += RANGE_FIELDS) {
    const [block, blocks, sample, rank, edgeCount, terms] = p.ranges.slice(i, i + RANGE_FIELDS) as number[];
    if (![block, blocks, sample, rank, edgeCount, terms].every((n) => Number.isSafeInteger(n) && n >= 0) || blocks < 1 || block + blocks > words || sample + edgeCount > edges ||
      terms > blocks * 64 || (split.terms && rank + terms > split.terms.count)) throw wrong();
    const q0 = block * 64;
    const q1 = Math.min((block + blocks) * 64, states);
    const childBytes = Math.ceil((q1 - q0 + edgeCount) / 64) * 8;
    const edgeBytes = edgeCount * width;
    const endsAt = at + childBytes + edgeBytes;
    const entityAt = endsAt + blocks * 8;
    const flagsAt = entityAt + (split.terms ? terms * split.terms.width : 0);
    const range = { block, blocks, sample, rank, edges: edgeCount, terms, q0, q1, childAt: at, childBytes, edgeAt: at + childBytes, edgeBytes, endsAt, entityAt, flagsAt, end: entityAt + terms * termBytes };
    at = range.end;
    out.push(range);
  }
  if (at !== dataBytes) throw wrong();
  return out;
}

/** An automaton as stored: whole, or its top with parts stored apart (as read back, long tables may be in pieces). */
export type StoredAutomaton = SerializedAutomaton | SplitAutomaton<Base64>;

/** The message for a reader that needs the whole automaton and was given its top alone. */
export const IN_PARTS = 'stored in parts, whose top alone was given';

/** Whether a stored automaton is a top with parts (its contents are checked when it is loaded). */
export function isSplitAutomaton(s: unknown): s is SplitAutomaton<Base64> {
  const v = s as Partial<SplitAutomaton<Base64>> | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.partFirst) && typeof v.top === 'object' && v.top !== null &&
    Array.isArray(v.top.ranges) && isBase64(v.top.data) && typeof v.alphabet === 'string';
}

/** ORs the first `count` bits of `bits` into `into` from bit `at` on, a byte at a time (the JavaScript readers' placeBits). */
function orBits(into: Uint8Array, bits: Uint8Array, at: number, count: number): void {
  const shift = at & 7;
  const bytes = Math.ceil(count / 8);
  for (let i = 0, to = at >> 3; i < bytes; i++, to++) {
    // The last byte without what lies past the count.
    const v = i === bytes - 1 && count % 8 ? bits[i] & ((1 << (count % 8)) - 1) : bits[i];
    into[to] |= (v << shift) & 0xff;
    if (shift) into[to + 1] |= v >> (8 - shift);
  }
}

/** Bits [from, to) of `bytes`, shifted to start at bit 0, in whole 64-bit words. */
function bitSlice(bytes: Uint8Array, from: number, to: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((to - from) / 64) * 8);
  for (let i = 0, at = from; at < to; i++, at++) if (bytes[at >> 3] & (1 << (at & 7))) out[i >> 3] |= 1 << (i & 7);
  return out;
}

/**
 * `s` split into the top of the trie and parts, or null where it is stored whole: too small to
 * gain, no state as deep as the cut, or terms not numbered in state order (a part's terms are
 * then not ranked by its blocks alone).
 */
export function splitAutomaton(
  s: SerializedAutomaton<string>,
  { partStates = PART_STATES, minStates = SPLIT_MIN_STATES, terms }: { partStates?: number; minStates?: number; terms?: TermBytes } = {},
): { split: SplitAutomaton; parts: AutomatonPart[] } | null {
  const { states, edges } = s;
  if (states < minStates || s.termIds !== '') return null;
  const children = base64ToBytes(s.children);
  const edgeChar = base64ToBytes(s.edgeChar);
  const termEnds = base64ToBytes(s.termEnds);
  const width = s.alphabet === '' ? 2 : 1;
  const offsets = runSteps(edgeOffsetSteps(children, states, edges));
  // Breadth first, the states of depth d + 1 are the children of those of depth d.
  let first = 0;
  let end = 1;
  for (let depth = 0; depth < CUT_DEPTH && first < end; depth++) [first, end] = [offsets[first] + 1, offsets[end] + 1];
  if (first >= end) return null;
  const [cutFirst, cutEnd] = [first, end];
  const words = Math.ceil(states / 64);
  const ranks = new Int32Array(words + 1);
  for (let w = 0; w < words; w++) {
    let n = 0;
    for (let i = 0; i < 8; i++) for (let b = termEnds[w * 8 + i]; b; b &= b - 1) n++;
    ranks[w + 1] = ranks[w] + n;
  }
  if (terms && (terms.flags.length !== ranks[words] || terms.entity.length !== ranks[words] * terms.width)) throw new Error('dictionary automaton: the term tables do not match its term ends');
  /** Blocks b0 to b1: their numbers, and their data as child counts, edges' characters, term ends, and their terms' entities and flags. */
  const blocks = (b0: number, b1: number) => {
    const q0 = b0 * 64;
    const q1 = Math.min((b1 + 1) * 64, states);
    const [t0, t1] = [ranks[b0], ranks[b1 + 1]];
    return {
      numbers: [b0, b1 - b0 + 1, offsets[q0], t0, offsets[q1] - offsets[q0], t1 - t0],
      bytes: [
        bitSlice(children, q0 + offsets[q0], q1 + offsets[q1]), edgeChar.subarray(offsets[q0] * width, offsets[q1] * width), termEnds.subarray(b0 * 8, (b1 + 1) * 8),
        ...(terms ? [terms.entity.subarray(t0 * terms.width, t1 * terms.width), terms.flags.subarray(t0, t1)] : []),
      ],
    };
  };
  // Descendants per state, from the deepest up (a parent comes before its children).
  const below = new Int32Array(states);
  for (let p = states - 1; p >= 0; p--) for (let e = offsets[p]; e < offsets[p + 1]; e++) below[p] += below[e + 1] + 1;
  const partFirst: number[] = [];
  for (let r = cutFirst, held = partStates; r < cutEnd; r++) {
    if (held >= partStates) {
      partFirst.push(r);
      held = 0;
    }
    held += below[r];
  }
  /** Ranges of blocks as a part: their numbers, and their data in one string. */
  const part = (ranges: [number, number][]) => {
    const stored = ranges.map(([b0, b1]) => blocks(b0, b1));
    const data = new Uint8Array(stored.reduce((n, r) => n + r.bytes.reduce((m, b) => m + b.length, 0), 0));
    let at = 0;
    for (const b of stored.flatMap((r) => r.bytes)) {
      data.set(b, at);
      at += b.length;
    }
    return { part: { ranges: stored.flatMap((r) => r.numbers), data: bytesToBase64(data) }, bytes: data.length };
  };
  const parts = partFirst.map((from, k) => {
    const ranges: [number, number][] = [];
    let [a, b] = [from, partFirst[k + 1] ?? cutEnd];
    for (;;) {
      [a, b] = [offsets[a] + 1, offsets[b] + 1];
      if (a >= b) break;
      const [b0, b1] = [a >> 6, (b - 1) >> 6];
      const last = ranges[ranges.length - 1];
      if (last && b0 <= last[1] + 1) last[1] = Math.max(last[1], b1);
      else ranges.push([b0, b1]);
    }
    return part(ranges);
  });
  const top = part([[0, (cutEnd - 1) >> 6]]);
  const maxPartBytes = Math.max(top.bytes, ...parts.map((p) => p.bytes));
  const termTables = terms ? { terms: { count: ranks[words], width: terms.width } } : {};
  return { split: { states, edges, alphabet: s.alphabet, cutFirst, cutEnd, partFirst, top: top.part, maxPartBytes, ...termTables }, parts: parts.map((p) => p.part) };
}

/**
 * Throws unless a stored top's numbers fit together: states and edges, the cut inside the
 * states, parts in order from the cut's first state, a part size a page can decode, and a top
 * that starts at the root and holds every state to the cut.
 */
export function checkSplit(split: SplitAutomaton<Base64>): void {
  const { states, edges } = split;
  if (!Number.isInteger(states) || states < 1 || edges !== states - 1) throw new Error('dictionary automaton: edgeChar has the wrong size');
  const parts = split.partFirst;
  const ordered = parts.every((first, k) => Number.isSafeInteger(first) && first >= (k === 0 ? split.cutFirst : parts[k - 1] + 1));
  if (!Number.isSafeInteger(split.cutFirst) || split.cutFirst < 1 || split.cutEnd > states || split.cutFirst >= split.cutEnd || parts[0] !== split.cutFirst || !ordered || parts[parts.length - 1] >= split.cutEnd || !(Number.isSafeInteger(split.maxPartBytes) && split.maxPartBytes >= 8 && split.maxPartBytes < 1 << 28)) {
    throw new Error('dictionary automaton: stored parts do not fit its states');
  }
  if (!isTopOf(split, split.top)) throw new Error('dictionary automaton: stored blocks are not the top of the trie');
}

/** The part that holds the states below state `cut` of the cut depth. */
function partOf(split: Pick<SplitAutomaton<Base64>, 'partFirst'>, cut: number): number {
  return lastIndexAtMost(split.partFirst, cut);
}

/** The bytes a stored part's data decodes to, checked against the largest part; throws for anything else. */
export function partDataBytes(split: Pick<SplitAutomaton<Base64>, 'maxPartBytes'>, part: unknown): number {
  const p = part as Partial<AutomatonPart<Base64>> | null;
  const dataBytes = typeof p === 'object' && p !== null && isBase64(p.data) ? base64Length(p.data) : -1;
  if (dataBytes < 0 || dataBytes > split.maxPartBytes) throw new Error('dictionary automaton: a stored part does not fit its automaton');
  return dataBytes;
}

/** Puts the entities and flags of terms `rank` on into a page's term tables, each entity checked. */
export function placeTermBytes(t: TermBuffers, rank: number, entity: Uint8Array, flags: Uint8Array): void {
  const { width, entities } = t;
  if (entity.length !== flags.length * width || (rank + flags.length) * width > t.entity.length) throw new Error('dictionary automaton: a stored part does not fit its automaton');
  for (let i = 0; i < entity.length; i += width) {
    let e = 0;
    for (let b = width - 1; b >= 0; b--) e = e * 256 + entity[i + b];
    if (e >= entities) throw new Error(`dictionary automaton: a stored term names entity ${e}, which is not among the dictionary's entities`);
  }
  t.entity.set(entity, rank * width);
  t.flags.set(flags, rank);
}

/** Reads stored parts by number, in one request (anything but a part, for one not to be had). */
export type PartReader = (parts: number[]) => Promise<unknown[]>;

/** A state of the cut depth: its edges not followed yet, followed, wanted by a scan, its part not to be had (scan.wat's numbers). */
export const GATE_CLOSED = 0;
export const GATE_OPEN = 1;
export const GATE_WANTED = 2;
export const GATE_UNAVAILABLE = 3;

/** What each reader of an automaton in parts (the scanner module's, JavaScript tables) does itself. */
export interface PartTables {
  /** A byte per state of the cut depth (see GATE_CLOSED and the others). */
  gates(): Uint8Array;
  /** Puts a part (or the top) in the tables, checked; throws on a damaged one. */
  placePart(part: AutomatonPart<Base64>): void;
  /** Before a placing: the links worked out below the cut are to be worked out again (a suffix of theirs may come in). */
  forgetLinks(): void;
  /** After a placing: what is done once for all the parts it placed. */
  placed(): void;
}

/**
 * The parts of one automaton: which a scan wanted, reading them (one read at a time), placing
 * them and opening their gates, the same for both readers.
 */
export class PartGates {
  /** Reads stored parts by number; set by the page that read the top. */
  reader: PartReader | null = null;
  /** How many times parts were placed: only a scan made before any can be finished through them (highlighter.ts). */
  placings = 0;
  private placing: Promise<void> | null = null;

  constructor(private readonly split: Pick<SplitAutomaton<Base64>, 'partFirst' | 'cutFirst' | 'cutEnd'>, private readonly tables: PartTables) {}

  /** The parts whose edges a scan since the last placing wanted to follow, in order. */
  wantedParts(): number[] {
    const gates = this.tables.gates();
    const wanted: number[] = [];
    for (let g = gates.indexOf(GATE_WANTED); g >= 0; g = gates.indexOf(GATE_WANTED, g + 1)) {
      const k = partOf(this.split, this.split.cutFirst + g);
      if (wanted[wanted.length - 1] !== k) wanted.push(k);
    }
    return wanted;
  }

  /**
   * Puts part `k` in memory, or with null marks it as not to be had (its edges are then never
   * followed, nor wanted again): a part missing from storage, or damaged (the error is thrown
   * after marking it).
   */
  place(k: number, part: AutomatonPart | null): void {
    const [error] = this.placeParts([[k, part]]);
    if (error !== undefined) throw error;
  }

  /** place for several parts, what is done once a placing done once; returns the errors of the damaged ones. */
  placeParts(list: readonly (readonly [number, AutomatonPart | null])[]): unknown[] {
    const errors: unknown[] = [];
    this.tables.forgetLinks();
    this.placings++;
    try {
      for (const [k, part] of list) {
        try {
          if (part === null) {
            this.setGates(k, GATE_UNAVAILABLE);
            continue;
          }
          this.tables.placePart(part);
          this.setGates(k, GATE_OPEN);
        } catch (e) {
          this.setGates(k, GATE_UNAVAILABLE);
          errors.push(e);
        }
      }
    } finally {
      this.tables.placed();
    }
    return errors;
  }

  /**
   * Reads and places every part wanted; one that cannot be read, or is damaged, is marked not to
   * be had, and the page is painted with the rest. A scan made while a read is under way wants
   * the same parts: they are read once.
   */
  async placeWanted(): Promise<void> {
    while (this.placing) await this.placing;
    const wanted = this.wantedParts();
    if (wanted.length === 0) return;
    this.placing = (async () => {
      const got = this.reader ? await this.reader(wanted).catch(() => []) : [];
      this.placeParts(wanted.map((k, i) => [k, (got[i] ?? null) as AutomatonPart | null]));
    })();
    try {
      await this.placing;
    } finally {
      this.placing = null;
    }
  }

  /** The gates of part `k`'s states of the cut depth set to `value`. */
  private setGates(k: number, value: number): void {
    const first = this.split.partFirst;
    const { cutFirst, cutEnd } = this.split;
    this.tables.gates().fill(value, first[k] - cutFirst, (first[k + 1] ?? cutEnd) - cutFirst);
  }
}

/** Whether a part's numbers make it the top of the trie: its one range starts at the root and holds every state to the cut. */
export function isTopOf(split: Pick<SplitAutomaton<Base64>, 'cutEnd'>, part: AutomatonPart<Base64>): boolean {
  const [block, blocks, sample, rank] = part.ranges;
  return part.ranges.length === RANGE_FIELDS && block === 0 && sample === 0 && rank === 0 && blocks * 64 >= split.cutEnd;
}

/**
 * The whole stored automaton again from its top and every part, with the term tables where they
 * are split with it (for readers that need them whole, and for the tests); throws where a part
 * is missing or a range's sizes do not fit.
 */
export function assembleAutomaton(split: SplitAutomaton<Base64>, parts: readonly AutomatonPart[]): { automaton: SerializedAutomaton<string>; terms: TermBytes | null } {
  const { states, edges } = split;
  const width = split.alphabet === '' ? 2 : 1;
  const words = Math.ceil(states / 64);
  const children = new Uint8Array(childBitsBytes(states, edges));
  const edgeChar = new Uint8Array(edges * width);
  const termEnds = new Uint8Array(words * 8);
  const terms = split.terms ? { entity: new Uint8Array(split.terms.count * split.terms.width), width: split.terms.width, flags: new Uint8Array(split.terms.count) } : null;
  const seen = new Uint8Array(words);
  const broken = (what: string) => new Error(`dictionary automaton: stored part ${what}`);
  if (parts.length !== split.partFirst.length) throw broken('is missing');
  if (!isSplitAutomaton(split) || !isTopOf(split, split.top)) throw broken('is not the top of the trie');
  for (const part of [split.top, ...parts]) {
    const data = base64ToBytes(isBase64(part?.data) ? part.data : '');
    for (const r of partLayout(part, split, data.length)) {
      orBits(children, data.subarray(r.childAt), r.q0 + r.sample, r.q1 - r.q0 + r.edges);
      edgeChar.set(data.subarray(r.edgeAt, r.edgeAt + r.edgeBytes), r.sample * width);
      termEnds.set(data.subarray(r.endsAt, r.entityAt), r.block * 8);
      seen.fill(1, r.block, r.block + r.blocks);
      if (terms) {
        terms.entity.set(data.subarray(r.entityAt, r.flagsAt), r.rank * terms.width);
        terms.flags.set(data.subarray(r.flagsAt, r.end), r.rank);
      }
    }
  }
  if (seen.includes(0)) throw broken('is missing');
  return {
    automaton: { states, edges, children: bytesToBase64(children), alphabet: split.alphabet, edgeChar: bytesToBase64(edgeChar), termEnds: bytesToBase64(termEnds), termIds: '' },
    terms,
  };
}
