/**
 * The matcher: normalises a stream of text as it reads it and runs the automaton over it in the
 * same loop, then keeps the matches a reader expects (whole words, acronyms with their case,
 * ambiguous aliases only with context, longest match where matches overlap).
 *
 * Offsets in and out are "raw" offsets: positions in the concatenation of everything fed, so the
 * caller maps them back to its own text nodes or sentences.
 */
import { BOUNDARY, DROP, FLAG_TEH_MARBUTA, FLAG_UPPER, FOLDED, FOLD_FLAGS, SPACE, foldCode, isUpperCode, isWordCode } from './normalize.ts';
import { TERM_CAPITALISED, TERM_CASE_SENSITIVE, TERM_FINAL_HEH, TERM_INFLECTS, TERM_NEEDS_CONTEXT, TERM_NEEDS_TOPIC, TERM_STEM, TOPICAL_MIN_OTHERS, TERM_PATTERN, type AliasPattern, type RuntimeDictionary } from './dictionary.ts';
import { NO_LINK } from './automaton.ts';

/** One kept match: raw offsets `[start, end)`, and where the caller placed it. */
export interface Match<A = undefined> {
  start: number;
  end: number;
  term: number;
  entity: number;
  anchor: A;
}

/**
 * Decides whether a candidate at raw `[start, end)` stands where it may (and where that is);
 * `openLeft`/`openRight` say a letter touches that edge in the text as fed.
 */
export type PlaceCheck<A> = (start: number, end: number, openLeft: boolean, openRight: boolean) => A | null;

/**
 * Arabic-script prefixes written joined to the word they introduce: "and", "with/by", "for/to",
 * "like", "so", the article, and their combinations ("والصين", "بطهران", "وللعراق"), folded.
 */
const CLITICS = new Set(['و', 'ف', 'ب', 'ل', 'ك', 'ال', 'وال', 'فال', 'بال', 'كال', 'لل', 'ولل', 'فلل', 'وب', 'فب', 'ول', 'فل', 'وك', 'فك', 'وبال', 'فبال', 'وكال']);

/** Whether the letters joined before an Arabic-script name at `start` are clitic prefixes, not part of another word. */
function cliticBefore(norm: Uint16Array, start: number): boolean {
  const first = norm[start];
  if (first < 0x0620 || first > 0x06ff) return false;
  let p = start - 1;
  while (p >= 0 && start - p <= 4 && isWordCode(norm[p])) p--;
  if (p >= 0 && isWordCode(norm[p])) return false;
  return CLITICS.has(String.fromCharCode(...norm.subarray(p + 1, start)));
}

/**
 * Russian case endings of nouns and of names declined like them (folded): genitive, dative,
 * instrumental and prepositional, singular and plural.
 */
const CASE_ENDINGS = new Set(['а', 'я', 'у', 'ю', 'е', 'и', 'ы', 'ом', 'ем', 'ой', 'ей', 'ою', 'ею', 'ам', 'ям', 'ах', 'ях', 'ов', 'ев', 'ами', 'ями']);

/**
 * Where the word continuing a declinable name at normalised `end` ends, when what follows the
 * name up to the end of the word is a case ending; -1 otherwise.
 */
function caseEndingEnd(norm: Uint16Array, len: number, end: number): number {
  let e = end + 1;
  while (e < len && e - end <= 4 && isWordCode(norm[e])) e++;
  if (e < len && isWordCode(norm[e])) return -1;
  return CASE_ENDINGS.has(String.fromCharCode(...norm.subarray(end + 1, e))) ? e - 1 : -1;
}

/** Words that end a clause: a pattern does not reach across them. */
const CLAUSE_END = /[.;:!?\n"]/;

/**
 * Where a pattern alias's noun at normalised `[start, end]` stands in a pattern match: the number
 * of years before it ("25-year ... pact") or after it ("accord ... de 25 ans"), within the
 * pattern's word limit and the clause; null when neither holds.
 */
function patternSpan(norm: Uint16Array, len: number, start: number, end: number, p: AliasPattern): [number, number] | null {
  const years = new Set(p.years);
  const from = Math.max(0, start - 160);
  let before = String.fromCharCode(...norm.subarray(from, start));
  const cut = Math.max(...[...'.;:!?\n"'].map((c) => before.lastIndexOf(c)));
  const base = from + cut + 1;
  before = before.slice(cut + 1);
  const words = before.split(' ');
  const at: number[] = [];
  for (let i = 0, o = 0; i < words.length; o += words[i].length + 1, i++) at.push(base + o);
  for (let i = words.length - 1, seen = 0; i >= 0 && seen <= p.within; i--) {
    const w = words[i];
    if (!w) continue;
    seen++;
    const dash = w.lastIndexOf('-');
    if (dash > 0 && years.has(w.slice(0, dash)) && p.before.includes(w.slice(dash + 1))) return [at[i], end];
    if (p.before.includes(w) && i > 0 && years.has(words[i - 1])) return [at[i - 1], end];
  }
  const after = String.fromCharCode(...norm.subarray(end + 1, Math.min(len, end + 161)));
  const stop = after.search(CLAUSE_END);
  const ahead = (stop === -1 ? after : after.slice(0, stop)).split(' ');
  let pos = 0;
  for (let i = 0, seen = 0; i < ahead.length && seen <= p.within + 1; i++) {
    const w = ahead[i];
    if (w) {
      seen++;
      if (years.has(w) && i + 1 < ahead.length && p.after.includes(ahead[i + 1])) return [start, end + pos + w.length + 1 + ahead[i + 1].length];
    }
    pos += w.length + 1;
  }
  return null;
}

/**
 * The scanner in JavaScript. `feed` is the per-character loop; wasm-scanner.ts runs the same loop
 * in WebAssembly over the same buffers, and everything else here is shared.
 */
export class Scanner {
  /** Made on the first feed (the WebAssembly scanner keeps its own in the module's memory). */
  protected norm = new Uint16Array(0);
  protected src = new Int32Array(0);
  /** Per normalised unit, the source letter's FLAG_UPPER and FLAG_TEH_MARBUTA. */
  protected upper = new Uint8Array(0);
  protected len = 0;
  protected raw = 0;
  protected state = 0;
  /** Pairs (normalised end index, term): the first `candidateCount` entries count. */
  protected candidates: number[] | Int32Array = [];
  protected candidateCount = 0;

  constructor(readonly dict: RuntimeDictionary) {}

  /** Forgets everything fed so far, keeping the buffers. */
  reset(): void {
    this.len = 0;
    this.raw = 0;
    this.state = 0;
    this.candidateCount = 0;
    if (Array.isArray(this.candidates)) this.candidates.length = 0;
  }

  /**
   * Adds the candidates a scan with a dictionary in parts could not find before the parts it
   * wanted were placed (see scan.wat, "extend", which this does the same way), so that finish
   * chooses among all of them without the text being read again.
   */
  extend(): void {
    const { automaton } = this.dict;
    const { termAt } = automaton.t;
    const { norm, len } = this;
    const candidates = this.candidates as number[];
    const noted = this.candidateCount;
    for (let k = 0; k < noted; k += 2) {
      const from = candidates[k + 1];
      if (from >= 0 || !automaton.isOpen(-1 - from)) continue;
      let state = -1 - from;
      for (let p = candidates[k]; p < len; p++) {
        state = automaton.child(state, norm[p]);
        if (state === 0) break;
        if (termAt[state] >= 0) candidates.push(p, termAt[state]);
      }
    }
    this.candidateCount = candidates.length;
  }

  /** Raw length fed so far. */
  get rawLength(): number {
    return this.raw;
  }

  /** Makes room for at least `min` normalised units, keeping those already written. */
  protected grow(min: number): void {
    let size = Math.max(this.norm.length, 4096);
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
    const { norm, src, upper } = this;
    const candidates = this.candidates as number[];
    const { automaton } = this.dict;
    const { termAt, outLink, edgeOffset, edgeChar, fail } = automaton.t;
    const rootNext = automaton.rootNext;
    // An automaton in parts: edges out of these states are followed only once their part is in.
    const { gateFirst, gateCount } = automaton;
    let len = this.len;
    let state = this.state;
    const base = this.raw;
    // One loop: fold, collapse spaces, step the automaton (inlined: this runs once per character
    // of the page, mostly before the engine has optimised it).
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      let fl = FOLD_FLAGS[code];
      if (fl === 0) {
        foldCode(code);
        fl = FOLD_FLAGS[code];
      }
      const f = FOLDED[code];
      if (f === DROP) continue;
      if (f === SPACE && (len === 0 || norm[len - 1] === SPACE || norm[len - 1] === BOUNDARY)) continue;
      norm[len] = f;
      src[len] = base + i;
      upper[len] = fl & (FLAG_UPPER | FLAG_TEH_MARBUTA);
      while (state !== 0) {
        let lo = edgeOffset[state];
        let hi = edgeOffset[state + 1] - 1;
        let next = 0;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const mc = edgeChar[mid];
          if (mc === f) {
            next = mid + 1;
            break;
          }
          if (mc < f) lo = mid + 1;
          else hi = mid - 1;
        }
        if (next !== 0) {
          if ((state - gateFirst) >>> 0 >= gateCount || automaton.open(state)) {
            state = next;
            break;
          }
          // Its part is not in yet: the place is noted, for extend to walk on from once it is.
          candidates.push(len, -1 - state);
        }
        // Links read from storage are worked out on first need (Automaton.failOf, outOf).
        const link = fail[state];
        state = link !== NO_LINK ? link : automaton.failOf(state);
      }
      if (state === 0) state = rootNext[f];
      if (state !== 0) {
        const t = termAt[state];
        if (t >= 0) candidates.push(len, t);
        let o = outLink[state];
        if (o === NO_LINK) o = automaton.outOf(state);
        while (o >= 0) {
          candidates.push(len, termAt[o]);
          const next = outLink[o];
          o = next !== NO_LINK ? next : automaton.outOf(o);
        }
      }
      len++;
    }
    this.len = len;
    this.state = state;
    this.raw = base + n;
    this.candidateCount = candidates.length;
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
   *
   * `place`, when given, is asked about each candidate (in order of start, raw offsets) before
   * any is chosen: it returns where the candidate lies (kept with the match as `anchor`) or null
   * to drop it. A candidate whose edge touches a letter is passed to it with that side "open"
   * rather than dropped, because in a page that letter may be in another block.
   */
  finish<A = undefined>(present: Set<number> = new Set(), place?: PlaceCheck<A>): Match<A>[] {
    const { norm, src, upper, len, candidates, candidateCount } = this;
    const { termLength, termFlags, termEntity, termCase, entityContext } = this.dict;
    // Per kept candidate: start, end (normalised, inclusive), term, open sides (1 left, 2 right).
    const kept: number[] = [];
    for (let k = 0; k < candidateCount; k += 2) {
      let end = candidates[k];
      const term = candidates[k + 1];
      // A place the scan could not follow a dictionary in parts further (see scan.wat, "extend").
      if (term < 0) continue;
      let start = end - termLength[term] + 1;
      let open = 0;
      if (isWordCode(norm[start]) && start > 0 && isWordCode(norm[start - 1]) && !cliticBefore(norm, start)) open |= 1;
      if (isWordCode(norm[end]) && end + 1 < len && isWordCode(norm[end + 1])) open |= 2;
      const flags = termFlags[term];
      if (flags & (TERM_INFLECTS | TERM_STEM) && open & 2) {
        const declined = caseEndingEnd(norm, len, end);
        if (declined >= 0) {
          end = declined;
          open &= ~2;
        }
      }
      if (flags & TERM_STEM && end === candidates[k]) continue;
      if (open && !place) continue;
      if (flags & TERM_PATTERN) {
        const span = patternSpan(norm, len, start, end, this.dict.patterns[this.dict.termPattern.get(term) ?? -1]);
        if (!span) continue;
        [start, end] = span;
      }
      if (flags & TERM_CASE_SENSITIVE) {
        const form = termCase[term] ?? '';
        let ok = true;
        for (let j = 0, p = 0; j < form.length && ok; j++) {
          const code = form.charCodeAt(j);
          if (foldCode(code) === DROP) continue;
          ok = (upper[start + p] & FLAG_UPPER) !== 0 === isUpperCode(code);
          p++;
        }
        if (!ok) continue;
      } else if (flags & TERM_CAPITALISED && !(upper[start] & FLAG_UPPER)) continue;
      if (flags & TERM_FINAL_HEH && upper[end] & FLAG_TEH_MARBUTA) continue;
      kept.push(start, end, term, open);
    }
    // Ambiguous aliases of entities not named in full anywhere in this text (nor earlier) cannot
    // count: drop them before the costlier placement.
    const maybe = new Set(present);
    for (let k = 0; k < kept.length; k += 4) {
      if (!(termFlags[kept[k + 2]] & TERM_NEEDS_CONTEXT)) maybe.add(termEntity.of(kept[k + 2]));
    }
    for (let k = 0; k < kept.length; k += 4) {
      const term = kept[k + 2];
      if (!(termFlags[term] & TERM_NEEDS_CONTEXT)) continue;
      const entity = termEntity.of(term);
      if (!maybe.has(entity) && !entityContext[entity]?.some((e) => maybe.has(e))) kept[k + 2] = -1;
    }
    const count = kept.length / 4;
    const byStart = Array.from({ length: count }, (_, i) => i * 4).filter((k) => kept[k + 2] >= 0).sort((a, b) => kept[a] - kept[b] || kept[a + 1] - kept[b + 1]);
    const anchors: (A | undefined)[] = new Array<A | undefined>(kept.length);
    const order: number[] = [];
    let needContext = false;
    for (const k of byStart) {
      const term = kept[k + 2];
      if (place) {
        const open = kept[k + 3];
        const anchor = place(src[kept[k]], src[kept[k + 1]] + 1, (open & 1) !== 0, (open & 2) !== 0);
        if (anchor === null) continue;
        anchors[k] = anchor;
      }
      if (termFlags[term] & TERM_NEEDS_CONTEXT) needContext = true;
      else if (!(termFlags[term] & TERM_NEEDS_TOPIC)) present.add(termEntity.of(term));
      order.push(k);
    }
    let eligible = needContext
      ? order.filter((k) => {
          const term = kept[k + 2];
          if (!(termFlags[term] & TERM_NEEDS_CONTEXT)) return true;
          const entity = termEntity.of(term);
          return present.has(entity) || entityContext[entity]?.some((e) => present.has(e)) === true;
        })
      : order;
    if (eligible.some((k) => termFlags[kept[k + 2]] & TERM_NEEDS_TOPIC)) {
      // A name with other senses counts only on a page about the story: one that names the entity
      // by another name, or one of its context entities, or at least two other entities of which
      // one is more than a country or a general topic (an official, an organisation, an event...).
      const named = present;
      const { entities } = this.dict;
      for (const k of eligible) {
        const t = kept[k + 2];
        if (!(termFlags[t] & TERM_NEEDS_TOPIC)) continue;
        const entity = termEntity.of(t);
        const others = named.size - (named.has(entity) ? 1 : 0);
        const onTopic = named.has(entity) || entityContext[entity]?.some((e) => named.has(e)) === true ||
          (others >= TOPICAL_MIN_OTHERS && [...named].some((e) => e !== entity && entities.kind(e) !== 'place' && entities.kind(e) !== 'topic'));
        if (!onTopic) kept[k + 2] = -1;
      }
      eligible = eligible.filter((k) => kept[k + 2] >= 0);
      for (const k of eligible) if (termFlags[kept[k + 2]] & TERM_NEEDS_TOPIC) present.add(termEntity.of(kept[k + 2]));
    }
    // Longest first, then leftmost: a longer alias wins over the shorter ones inside or across it.
    eligible.sort((a, b) => kept[b + 1] - kept[b] - (kept[a + 1] - kept[a]) || kept[a] - kept[b]);
    const taken = new Uint8Array(len);
    const chosen: Match<A>[] = [];
    for (const k of eligible) {
      const start = kept[k];
      const end = kept[k + 1];
      let free = true;
      for (let p = start; p <= end && free; p++) free = taken[p] === 0;
      if (!free) continue;
      taken.fill(1, start, end + 1);
      const term = kept[k + 2];
      chosen.push({ start: src[start], end: src[end] + 1, term, entity: termEntity.of(term), anchor: anchors[k] as A });
    }
    chosen.sort((a, b) => a.start - b.start);
    return chosen;
  }
}
