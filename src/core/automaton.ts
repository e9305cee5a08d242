/**
 * An Aho–Corasick automaton over normalised UTF-16 code units, built once at build time and shipped
 * as flat typed arrays, so a page is scanned in one pass whatever the number of terms.
 */

/** The automaton's tables. State 0 is the root. */
export interface AutomatonTables {
  /** Edges of state `s` are `edgeChar/edgeTarget[edgeOffset[s] .. edgeOffset[s + 1])`, sorted by char. */
  edgeOffset: Int32Array;
  edgeChar: Uint16Array;
  edgeTarget: Int32Array;
  /** Failure link of each state. */
  fail: Int32Array;
  /** Index of the term that ends at this state, or -1. */
  termAt: Int32Array;
  /** The nearest state on the failure chain (excluding this one) where a term ends, or -1. */
  outLink: Int32Array;
}

/** The tables as base64 strings, for JSON transport between build, background and page. */
export interface SerializedAutomaton {
  states: number;
  edges: number;
  edgeOffset: string;
  edgeChar: string;
  edgeTarget: string;
  fail: string;
  termAt: string;
  outLink: string;
}

/** Builds the automaton for `patterns` (already normalised, unique, non-empty). */
export function buildAutomaton(patterns: readonly string[]): AutomatonTables {
  const children: Map<number, number>[] = [new Map()];
  const terms: number[] = [-1];
  patterns.forEach((pattern, termIndex) => {
    if (pattern.length === 0) throw new Error(`term ${termIndex} is empty`);
    let state = 0;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern.charCodeAt(i);
      let next = children[state].get(c);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        terms.push(-1);
        children[state].set(c, next);
      }
      state = next;
    }
    if (terms[state] !== -1) throw new Error(`terms ${terms[state]} and ${termIndex} are the same text`);
    terms[state] = termIndex;
  });

  const n = children.length;
  const fail = new Int32Array(n);
  const outLink = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  for (const child of children[0].values()) queue.push(child);
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q];
    for (const [c, t] of children[s]) {
      let f = fail[s];
      while (f !== 0 && !children[f].has(c)) f = fail[f];
      const target = children[f].get(c);
      fail[t] = target !== undefined && target !== t ? target : 0;
      outLink[t] = terms[fail[t]] !== -1 ? fail[t] : outLink[fail[t]];
      queue.push(t);
    }
  }

  let edges = 0;
  for (const m of children) edges += m.size;
  const edgeOffset = new Int32Array(n + 1);
  const edgeChar = new Uint16Array(edges);
  const edgeTarget = new Int32Array(edges);
  let e = 0;
  for (let s = 0; s < n; s++) {
    edgeOffset[s] = e;
    const sorted = [...children[s]].sort((a, b) => a[0] - b[0]);
    for (const [c, t] of sorted) {
      edgeChar[e] = c;
      edgeTarget[e] = t;
      e++;
    }
  }
  edgeOffset[n] = e;
  return { edgeOffset, edgeChar, edgeTarget, fail, termAt: Int32Array.from(terms), outLink };
}

/**
 * The automaton ready to run: the tables plus a dense root table, because most characters of a
 * page are read at the root and a direct look-up there is what keeps the scan near reading speed.
 */
export class Automaton {
  readonly rootNext: Int32Array;
  constructor(readonly t: AutomatonTables) {
    this.rootNext = new Int32Array(65536);
    for (let e = t.edgeOffset[0]; e < t.edgeOffset[1]; e++) this.rootNext[t.edgeChar[e]] = t.edgeTarget[e];
  }

  /** The state after reading folded unit `c` in `state`. */
  step(state: number, c: number): number {
    const { edgeOffset, edgeChar, edgeTarget, fail } = this.t;
    for (;;) {
      if (state === 0) return this.rootNext[c];
      let lo = edgeOffset[state];
      let hi = edgeOffset[state + 1] - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const mc = edgeChar[mid];
        if (mc === c) return edgeTarget[mid];
        if (mc < c) lo = mid + 1;
        else hi = mid - 1;
      }
      state = fail[state];
    }
  }
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function base64ToBytes(b64: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (native) return native(b64);
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function encode(a: Int32Array | Uint16Array): string {
  return bytesToBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** Packs the tables for JSON. */
export function serializeAutomaton(t: AutomatonTables): SerializedAutomaton {
  return {
    states: t.fail.length,
    edges: t.edgeChar.length,
    edgeOffset: encode(t.edgeOffset),
    edgeChar: encode(t.edgeChar),
    edgeTarget: encode(t.edgeTarget),
    fail: encode(t.fail),
    termAt: encode(t.termAt),
    outLink: encode(t.outLink),
  };
}

/** Unpacks tables from JSON, checking their sizes so a damaged dictionary fails loudly here. */
export function deserializeAutomaton(s: SerializedAutomaton): AutomatonTables {
  const i32 = (b64: string, len: number, name: string): Int32Array => {
    const bytes = base64ToBytes(b64);
    if (bytes.length !== len * 4) throw new Error(`dictionary automaton: ${name} has the wrong size`);
    return new Int32Array(bytes.buffer, bytes.byteOffset, len);
  };
  const chars = base64ToBytes(s.edgeChar);
  if (chars.length !== s.edges * 2) throw new Error('dictionary automaton: edgeChar has the wrong size');
  return {
    edgeOffset: i32(s.edgeOffset, s.states + 1, 'edgeOffset'),
    edgeChar: new Uint16Array(chars.buffer, chars.byteOffset, s.edges),
    edgeTarget: i32(s.edgeTarget, s.edges, 'edgeTarget'),
    fail: i32(s.fail, s.states, 'fail'),
    termAt: i32(s.termAt, s.states, 'termAt'),
    outLink: i32(s.outLink, s.states, 'outLink'),
  };
}
