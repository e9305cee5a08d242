/**
 * The matcher: normalises a stream of text as it reads it and runs the automaton over it in the
 * same loop, then keeps the matches a reader expects (whole words, acronyms with their case,
 * ambiguous aliases only with context, longest match where matches overlap).
 *
 * Offsets in and out are "raw" offsets: positions in the concatenation of everything fed, so the
 * caller maps them back to its own text nodes or sentences.
 */
import { BOUNDARY, DROP, SPACE, foldCode, isUpperCode, isWordCode } from './normalize.ts';
import { TERM_CASE_SENSITIVE, TERM_NEEDS_CONTEXT, type RuntimeDictionary } from './dictionary.ts';

/** One kept match: raw offsets `[start, end)`. */
export interface Match {
  start: number;
  end: number;
  term: number;
  entity: number;
}

export class Scanner {
  private norm = new Uint16Array(4096);
  private src = new Int32Array(4096);
  private upper = new Uint8Array(4096);
  private len = 0;
  private raw = 0;
  private state = 0;
  /** Pairs (normalised end index, term). */
  private candidates: number[] = [];

  constructor(readonly dict: RuntimeDictionary) {}

  /** Forgets everything fed so far, keeping the buffers. */
  reset(): void {
    this.len = 0;
    this.raw = 0;
    this.state = 0;
    this.candidates.length = 0;
  }

  /** Raw length fed so far. */
  get rawLength(): number {
    return this.raw;
  }

  private grow(min: number): void {
    let size = this.norm.length;
    while (size < min) size *= 2;
    const norm = new Uint16Array(size);
    norm.set(this.norm.subarray(0, this.len));
    const src = new Int32Array(size);
    src.set(this.src.subarray(0, this.len));
    const upper = new Uint8Array(size);
    upper.set(this.upper.subarray(0, this.len));
    this.norm = norm;
    this.src = src;
    this.upper = upper;
  }

  /** Reads a piece of text that continues the previous one (e.g. the next inline text node). */
  feed(text: string): void {
    const n = text.length;
    if (this.len + n + 1 > this.norm.length) this.grow(this.len + n + 1);
    const { norm, src, upper, candidates } = this;
    const { automaton, } = this.dict;
    const { termAt, outLink } = automaton.t;
    const rootNext = automaton.rootNext;
    let len = this.len;
    let state = this.state;
    const base = this.raw;
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      const f = foldCode(code);
      if (f === DROP) continue;
      if (f === SPACE && (len === 0 || norm[len - 1] === SPACE || norm[len - 1] === BOUNDARY)) continue;
      norm[len] = f;
      src[len] = base + i;
      upper[len] = code < 0x41 ? 0 : isUpperCode(code) ? 1 : 0;
      state = state === 0 ? rootNext[f] : automaton.step(state, f);
      if (state !== 0) {
        const t = termAt[state];
        if (t >= 0) candidates.push(len, t);
        for (let o = outLink[state]; o >= 0; o = outLink[o]) candidates.push(len, termAt[o]);
      }
      len++;
    }
    this.len = len;
    this.state = state;
    this.raw = base + n;
  }

  /** Marks a block boundary: no match spans it. */
  boundary(): void {
    this.state = 0;
    if (this.len === 0 || this.norm[this.len - 1] === BOUNDARY) return;
    if (this.len + 1 > this.norm.length) this.grow(this.len + 1);
    if (this.norm[this.len - 1] === SPACE) this.len--;
    this.norm[this.len] = BOUNDARY;
    this.src[this.len] = this.raw;
    this.upper[this.len] = 0;
    this.len++;
  }

  /**
   * Returns the kept matches, sorted by start. `present` holds entities already named in full
   * elsewhere on the page (from earlier scans); it is updated with those named in full here.
   */
  finish(present: Set<number> = new Set()): Match[] {
    const { norm, src, upper, len, candidates } = this;
    const { termLength, termFlags, termEntity, termCase, entityContext } = this.dict;
    const kept: number[] = [];
    let needContext = false;
    for (let k = 0; k < candidates.length; k += 2) {
      const end = candidates[k];
      const term = candidates[k + 1];
      const start = end - termLength[term] + 1;
      if (isWordCode(norm[start]) && start > 0 && isWordCode(norm[start - 1])) continue;
      if (isWordCode(norm[end]) && end + 1 < len && isWordCode(norm[end + 1])) continue;
      const flags = termFlags[term];
      if (flags & TERM_CASE_SENSITIVE) {
        const form = termCase[term] ?? '';
        let ok = true;
        for (let j = 0, p = 0; j < form.length && ok; j++) {
          const code = form.charCodeAt(j);
          if (foldCode(code) === DROP) continue;
          ok = (upper[start + p] === 1) === isUpperCode(code);
          p++;
        }
        if (!ok) continue;
      }
      if (flags & TERM_NEEDS_CONTEXT) needContext = true;
      else present.add(termEntity[term]);
      kept.push(start, end, term);
    }
    const chosen: Match[] = [];
    const order: number[] = [];
    for (let k = 0; k < kept.length; k += 3) {
      const term = kept[k + 2];
      if (needContext && termFlags[term] & TERM_NEEDS_CONTEXT) {
        const entity = termEntity[term];
        if (!present.has(entity) && !entityContext[entity]?.some((e) => present.has(e))) continue;
      }
      order.push(k);
    }
    // Longest first, then leftmost: a longer alias wins over the shorter ones inside or across it.
    order.sort((a, b) => kept[b + 1] - kept[b] - (kept[a + 1] - kept[a]) || kept[a] - kept[b]);
    const taken = new Uint8Array(len);
    for (const k of order) {
      const start = kept[k];
      const end = kept[k + 1];
      let free = true;
      for (let p = start; p <= end && free; p++) free = taken[p] === 0;
      if (!free) continue;
      taken.fill(1, start, end + 1);
      const term = kept[k + 2];
      chosen.push({ start: src[start], end: src[end] + 1, term, entity: termEntity[term] });
    }
    chosen.sort((a, b) => a.start - b.start);
    return chosen;
  }
}
