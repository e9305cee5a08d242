/**
 * An automaton stored in parts, read by the JavaScript scanner: on Chromium pages whose policy
 * forbids WebAssembly, a page reads the top and the parts its text wants, as the scanner module
 * does (wasm-scanner.ts PartedAutomaton), instead of every part. With 100,000 reader entities
 * reading them all cost such a page 155–206 ms of script and tasks of up to 78 ms (README).
 *
 * The tables are sized for every state and filled as parts are placed. A page only ever reads
 * the tables of states it reached, all in the top or in placed parts, and a state's parent is
 * searched for among the placed states only (parentOf).
 */
import { Automaton, base64ToBytes, CHILDREN_MISMATCH, EDGE_OUTSIDE_ALPHABET, NO_LINK, storedAlphabet, TERM_PAST_STATES, automatonSteps, type AutomatonLoader, type Base64 } from './automaton.ts';
import { checkSplit, GATE_CLOSED, GATE_OPEN, GATE_WANTED, isSplitAutomaton, partDataBytes, partLayout, PartGates, placeTermBytes, type AutomatonPart, type PartTables, type SplitAutomaton, type TermBuffers } from './automaton-parts.ts';
import { lastIndexAtMost } from './sorted.ts';
import type { Steps } from './steps.ts';

const doesNotFit = () => new Error('dictionary automaton: a stored part does not fit its automaton');

/** The JavaScript scanner's automaton in parts (see the file's comment). */
export class TablesInParts extends Automaton implements PartTables {
  override readonly gateFirst: number;
  /** Per state of the cut depth, whether its edges are followed (see GATE_CLOSED and the others). */
  private readonly gateBytes: Uint8Array;
  /** The placed states as sorted [first, end) pairs, apart and not touching, the top's first. */
  private readonly spans: number[] = [];
  private readonly alphabet: Uint16Array | null;

  constructor(readonly split: SplitAutomaton<Base64>, private readonly terms: TermBuffers | null) {
    const { states, edges } = split;
    // Zero-filled and never read where nothing is placed: only the placed ranges are given their "not worked out" marks.
    super({ edgeOffset: new Int32Array(states + 1), edgeChar: new Uint16Array(edges), fail: new Int32Array(states), termAt: new Int32Array(states), outLink: new Int32Array(states) });
    this.gateFirst = split.cutFirst;
    this.gateBytes = new Uint8Array(split.cutEnd - split.cutFirst);
    this.alphabet = storedAlphabet(split.alphabet);
    this.parts = new PartGates(split, this);
  }

  override get gateCount(): number {
    return this.gateBytes.length;
  }

  /** Whether edges out of state `s` of the cut depth may be followed; if not yet, its part is marked wanted. */
  override open(s: number): boolean {
    const g = s - this.gateFirst;
    const v = this.gateBytes[g];
    if (v === GATE_CLOSED) this.gateBytes[g] = GATE_WANTED;
    return v === GATE_OPEN;
  }

  override isOpen(s: number): boolean {
    return this.gateBytes[s - this.gateFirst] === GATE_OPEN;
  }

  gates(): Uint8Array {
    return this.gateBytes;
  }

  /**
   * The links worked out below the cut while a part was out may be too short once it is in (a
   * suffix of theirs came in): worked out again. Those above the cut are all in the top.
   */
  forgetLinks(): void {
    const { fail, outLink } = this.t;
    const { spans } = this;
    const cutEnd = this.split.cutEnd;
    for (let i = 0; i < spans.length; i += 2) {
      if (spans[i + 1] <= cutEnd) continue;
      fail.fill(NO_LINK, Math.max(spans[i], cutEnd), spans[i + 1]);
      outLink.fill(NO_LINK, Math.max(spans[i], cutEnd), spans[i + 1]);
    }
  }

  /** Nothing to do once for all the parts a placing put in. */
  placed(): void {}

  /** Adds states [q0, q1) to the placed spans, joining those it meets. */
  private addSpan(q0: number, q1: number): void {
    const spans = this.spans;
    let i = 0;
    while (i < spans.length && spans[i + 1] < q0) i += 2;
    let j = i;
    while (j < spans.length && spans[j] <= q1) {
      q0 = Math.min(q0, spans[j]);
      q1 = Math.max(q1, spans[j + 1]);
      j += 2;
    }
    spans.splice(i, j - i, q0, q1);
  }

  /**
   * The parent among the placed states: the edge offsets of the others are never set. The span
   * that holds it is the last whose first state's edges start at or before `e`, since offsets
   * grow with the states.
   */
  protected override parentOf(e: number): number {
    const { spans } = this;
    const { edgeOffset } = this.t;
    let lo = 0;
    let hi = spans.length / 2 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (edgeOffset[spans[2 * mid]] <= e) lo = mid;
      else hi = mid - 1;
    }
    return lastIndexAtMost(edgeOffset, e, Math.min(spans[2 * lo + 1] - 1, e), spans[2 * lo]);
  }

  /** Decodes a part (or the top) and puts each range's edge offsets, edges and terms in the tables, each checked. */
  placePart(part: AutomatonPart<Base64>): void {
    const { split, alphabet } = this;
    const layout = partLayout(part, split, partDataBytes(split, part));
    const data = base64ToBytes(part.data);
    const { edgeOffset, edgeChar, termAt, fail, outLink } = this.t;
    for (const r of layout) {
      const { q0, q1, sample, edges } = r;
      // Unary child counts: a one per child, a zero after each state's. The k-th zero ends state
      // q0 + k, with as many ones before it as edges before that state's end. A word at a time.
      const bits = q1 - q0 + edges;
      const count = q1 - q0;
      let k = 0;
      edgeOffset[q0] = sample;
      for (let base = 0; k < count && base < bits; base += 32) {
        const at = r.childAt + (base >> 3);
        let zeros = ~(data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24));
        if (bits - base < 32) zeros &= (1 << (bits - base)) - 1;
        for (; zeros !== 0 && k < count; zeros &= zeros - 1, k++) edgeOffset[q0 + k + 1] = sample + base + 31 - Math.clz32(zeros & -zeros) - k;
      }
      if (k !== count || edgeOffset[q1] !== sample + edges) throw new Error(`dictionary automaton: ${CHILDREN_MISMATCH}`);
      for (let e = 0; e < edges; e++) {
        if (alphabet) {
          const place = data[r.edgeAt + e];
          if (place >= alphabet.length) throw new Error(`dictionary automaton: ${EDGE_OUTSIDE_ALPHABET}`);
          edgeChar[sample + e] = alphabet[place];
        } else edgeChar[sample + e] = data[r.edgeAt + 2 * e] | (data[r.edgeAt + 2 * e + 1] << 8);
      }
      // Terms are numbered in state order: a term end's rank is its term.
      termAt.fill(-1, q0, q1);
      let rank = r.rank;
      for (let base = 0; base < r.blocks * 64; base += 32) {
        const at = r.endsAt + (base >> 3);
        for (let ends = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24); ends !== 0; ends &= ends - 1) {
          const q = q0 + base + 31 - Math.clz32(ends & -ends);
          if (q >= q1) throw new Error(`dictionary automaton: ${TERM_PAST_STATES}`);
          termAt[q] = rank++;
        }
      }
      if (rank - r.rank !== r.terms) throw doesNotFit();
      if (this.terms) placeTermBytes(this.terms, r.rank, data.subarray(r.entityAt, r.flagsAt), data.subarray(r.flagsAt, r.end));
      fail.fill(NO_LINK, q0, q1);
      outLink.fill(NO_LINK, q0, q1);
      this.addSpan(q0, q1);
    }
  }
}

/** Loads an automaton stored in parts into TablesInParts: its top placed, every gate closed. */
export function* loadSplitInJavaScript(split: SplitAutomaton<Base64>, terms?: TermBuffers): Steps<TablesInParts> {
  if (split.terms && !terms) throw new Error('dictionary automaton: its term tables are stored with it, and nothing holds them');
  checkSplit(split);
  const automaton = new TablesInParts(split, split.terms ? terms! : null);
  yield;
  automaton.placePart(split.top);
  return automaton;
}

/** The JavaScript scanner's loader: tables for an automaton stored whole, TablesInParts for one stored in parts. */
export const javascriptAutomatonLoader: AutomatonLoader = function* (s, terms) {
  if (isSplitAutomaton(s)) return yield* loadSplitInJavaScript(s, terms);
  return yield* automatonSteps(s);
};
