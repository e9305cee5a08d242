/**
 * Describing a passage of a page's text so it can be found again, and finding it again.
 *
 * A passage is described the way the W3C Web Annotation Data Model describes a text target: a
 * TextQuoteSelector (the exact text, with some text before and after it) and a
 * TextPositionSelector (offsets in the page's text). Finding it again tries, in order:
 *   1. the exact quote (every occurrence, the one whose surroundings match best), then
 *   2. an approximate match of the quote (near the expected place first, then anywhere),
 * and accepts a place only when the quote *and* its surroundings support it: a passage whose text
 * is gone is reported as not found rather than put on other words.
 *
 * Comparison ignores how whitespace is laid out (a page re-indented, a line re-wrapped or a
 * non-breaking space swapped for a space still matches); offsets in and out are in the raw text.
 * Pure: the DOM side (page/text-index.ts) turns a page into one string and back into ranges.
 */
import search from 'approx-string-match';

export interface TextQuoteSelector {
  type: 'TextQuoteSelector';
  exact: string;
  prefix: string;
  suffix: string;
}

export interface TextPositionSelector {
  type: 'TextPositionSelector';
  start: number;
  end: number;
}

export interface TextTarget {
  quote: TextQuoteSelector;
  position: TextPositionSelector;
}

/**
 * A UTF-16 offset of `text` as a count of code points, the unit the W3C model's
 * TextPositionSelector uses (an emoji or another astral character is one, not two).
 */
export function unitsToCodePoints(text: string, units: number): number {
  let cp = 0;
  const end = Math.min(units, text.length);
  for (let i = 0; i < end; i++, cp++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return cp + Math.max(0, units - text.length);
}

/** A code-point offset of `text` as a UTF-16 offset (past the end, counted on as units). */
export function codePointsToUnits(text: string, codePoints: number): number {
  let i = 0;
  for (let cp = 0; cp < codePoints && i < text.length; cp++) {
    const c = text.charCodeAt(i);
    const d = text.charCodeAt(i + 1);
    i += c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
  }
  return i + Math.max(0, codePoints - unitsToCodePoints(text, i));
}

/** Characters of surrounding text kept before and after a quote. */
export const CONTEXT_CHARS = 32;

const WHITESPACE = /\s/;

/**
 * Describes text[start, end) of a page's text. The prefix and suffix hold CONTEXT_CHARS
 * characters of *visible* context: whitespace runs (indentation between blocks in a page's
 * source) count as one character, so a quote at the start of a paragraph still carries the end
 * of the one before.
 */
export function describeText(text: string, start: number, end: number): TextTarget {
  let from = start;
  for (let seen = 0; from > 0 && seen < CONTEXT_CHARS; seen++) {
    from--;
    if (WHITESPACE.test(text[from])) while (from > 0 && WHITESPACE.test(text[from - 1])) from--;
  }
  let to = end;
  for (let seen = 0; to < text.length && seen < CONTEXT_CHARS; seen++) {
    if (WHITESPACE.test(text[to])) while (to < text.length && WHITESPACE.test(text[to])) to++;
    else to++;
  }
  return {
    quote: { type: 'TextQuoteSelector', exact: text.slice(start, end), prefix: text.slice(from, start), suffix: text.slice(end, to) },
    position: { type: 'TextPositionSelector', start, end },
  };
}

/** Where a passage was found, in raw offsets, and how. */
export interface TextAnchor {
  start: number;
  end: number;
  method: 'exact' | 'fuzzy';
  /** Share of the quote that matched (1 for an exact match). */
  quoteSimilarity: number;
}

/** A page's text prepared once for anchoring many passages: whitespace runs folded to one space. */
export interface AnchorText {
  raw: string;
  flat: string;
  /** flat offset → raw offset (length flat.length + 1). */
  toRaw: Int32Array;
}

/** Folds every run of whitespace into one space, keeping a map back to raw offsets. */
export function prepareText(raw: string): AnchorText {
  const toRaw = new Int32Array(raw.length + 1);
  const parts: string[] = [];
  const runs = /\s+/g;
  let n = 0;
  let last = 0;
  // Whole stretches between whitespace runs are copied as slices; only the map is filled per character.
  for (let m = runs.exec(raw); m; m = runs.exec(raw)) {
    parts.push(raw.slice(last, m.index), ' ');
    for (let i = last; i < m.index; i++) toRaw[n++] = i;
    toRaw[n++] = m.index;
    last = m.index + m[0].length;
  }
  parts.push(raw.slice(last));
  for (let i = last; i < raw.length; i++) toRaw[n++] = i;
  toRaw[n] = raw.length;
  return { raw, flat: parts.join(''), toRaw: toRaw.subarray(0, n + 1) };
}

function flatten(s: string): string {
  return s.replace(/\s+/g, ' ');
}

/** The flat offset of a raw offset (the first flat position at or after it). */
function toFlat(text: AnchorText, rawOffset: number): number {
  const map = text.toRaw;
  let lo = 0;
  let hi = map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (map[mid] < rawOffset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * How well `pattern` matches the text next to a candidate: 1 − (edits / length), where the
 * match must touch the candidate (the window's end for a prefix, its start for a suffix); the
 * characters between count as edits, so a context found a few words away supports nothing.
 */
function contextSimilarity(window: string, pattern: string, side: 'before' | 'after'): number {
  if (pattern.length === 0) return 1;
  // At the very edge of the page there is nothing to compare: the other tool read more of the
  // page than this one does (a footer, a caption). That neither supports nor contradicts.
  if (window.trim().length === 0) return EDGE_CONTEXT;
  const found = search(window, pattern, pattern.length);
  let errors = pattern.length;
  for (const m of found) errors = Math.min(errors, m.errors + (side === 'before' ? window.length - m.end : m.start));
  return 1 - errors / pattern.length;
}

interface Candidate {
  start: number;
  end: number;
  errors: number;
}

interface Scored extends Candidate {
  quote: number;
  prefix: number;
  suffix: number;
  score: number;
}

/** What missing context at the page's edge counts for: enough with the other side intact, not alone. */
const EDGE_CONTEXT = 0.75;

/** Distance (in characters) over which closeness to the expected position still counts. */
const NEAR_CHARS = 2048;

/** Slack allowed when comparing surroundings, for small insertions next to the quote. */
const CONTEXT_SLACK = 6;

function score(text: AnchorText, q: { exact: string; prefix: string; suffix: string }, expected: number, c: Candidate): Scored {
  const { flat } = text;
  const quote = 1 - c.errors / Math.max(1, q.exact.length);
  // A quote at the very start (or end) of the page has no prefix (suffix); that is itself a match.
  const prefix = q.prefix.length === 0
    ? (c.start <= CONTEXT_SLACK ? 1 : 0.5)
    : contextSimilarity(flat.slice(Math.max(0, c.start - q.prefix.length - CONTEXT_SLACK), c.start), q.prefix, 'before');
  const suffix = q.suffix.length === 0
    ? (c.end >= flat.length - CONTEXT_SLACK ? 1 : 0.5)
    : contextSimilarity(flat.slice(c.end, c.end + q.suffix.length + CONTEXT_SLACK), q.suffix, 'after');
  // Being where the position selector says weighs like a word of the quote: enough to prefer an
  // edited passage in its place over an unedited copy elsewhere, never enough to outweigh the text.
  const near = Math.max(0, 1 - Math.abs(c.start - expected) / NEAR_CHARS);
  return { ...c, quote, prefix, suffix, score: 50 * quote + 20 * prefix + 20 * suffix + 16 * near };
}

/** How far around the expected place the quick first look for an unchanged quote reaches. */
const HINT_REACH = 256;

/** How far from the place predicted by its neighbours a passage may be found on one side's context. */
const PREDICTED_REACH = 256;

/** Quotes at least this long, found exactly and only once, need no support from their surroundings. */
const SELF_EVIDENT_LENGTH = 40;

/**
 * Whether a candidate is supported well enough to be put on the page. `contextless`: the target
 * was written with no prefix and no suffix at all (as tools write a quote they found only once).
 */
function acceptable(s: Scored, exactOccurrences: number, quoteLength: number, predicted: number | null, contextless = false, expected = -1): boolean {
  const bestContext = Math.max(s.prefix, s.suffix);
  const worstContext = Math.min(s.prefix, s.suffix);
  // Where the passages around it moved says where this one went: there, one intact side of
  // context is enough (a paragraph inserted right before a quote replaces its prefix).
  if (predicted !== null && Math.abs(s.start - predicted) <= PREDICTED_REACH && bestContext >= 0.9) {
    // Exact text only: an approximate match with one side would run into whatever was inserted.
    if (s.errors === 0) return true;
  }
  if (s.errors === 0) {
    if (exactOccurrences === 1 && quoteLength >= SELF_EVIDENT_LENGTH) return true;
    // Written without context: unique on the page, it is the passage; repeated, the position
    // says which, and only where it points at that very occurrence.
    if (contextless) return exactOccurrences === 1 || Math.abs(s.start - expected) <= CONTEXT_SLACK;
    // A few words are found all over a page: they need their surroundings on both sides (one side
    // may have changed a little, a paragraph inserted before them say, but not be gone).
    return bestContext >= 0.75 && worstContext >= 0.5;
  }
  // An approximate match needs most of the quote and its surroundings on both sides: a similar
  // sentence elsewhere in a list or a template has the one but not the other. A quote whose
  // surroundings are both intact may have changed more (one word of three).
  if (worstContext < 0.5) return false;
  if (s.quote >= 0.75 && s.prefix + s.suffix >= 1.4) return true;
  return s.quote >= 0.5 && worstContext >= 0.9;
}

/**
 * The occurrences worth scoring in full (each score runs two approximate searches): those with a
 * few characters of context intact on either side, else the ones nearest the expected place.
 */
function likelyStarts(flat: string, starts: number[], length: number, q: { prefix: string; suffix: string }, expected: number): number[] {
  if (starts.length <= 8) return starts;
  const tail = q.prefix.slice(-8);
  const head = q.suffix.slice(0, 8);
  const likely = starts.filter((s) => (tail && flat.startsWith(tail, s - tail.length)) || (head && flat.startsWith(head, s + length)));
  if (likely.length) return likely.slice(0, 64);
  return [...starts].sort((a, b) => Math.abs(a - expected) - Math.abs(b - expected)).slice(0, 8);
}

/** Every exact occurrence of `needle` in `hay` (capped: a phrase found thousands of times is scored on its first ones). */
function occurrences(hay: string, needle: string, cap = 2000): number[] {
  const out: number[] = [];
  for (let i = hay.indexOf(needle); i !== -1 && out.length < cap; i = hay.indexOf(needle, i + 1)) out.push(i);
  return out;
}

/** Finds a described passage in a page's text, or null when it is not there. */
export function anchorText(text: AnchorText, target: TextTarget, predictedRaw: number | null = null, shiftHint = 0): TextAnchor | null {
  const q = { exact: flatten(target.quote.exact), prefix: flatten(target.quote.prefix), suffix: flatten(target.quote.suffix) };
  // Surrounding whitespace of the quote itself is folded into the context side.
  const exact = q.exact.trim();
  if (exact.length === 0) return null;
  const lead = q.exact.length - q.exact.trimStart().length;
  const quoteQ = { exact, prefix: q.prefix + ' '.repeat(lead ? 1 : 0), suffix: (q.exact.length - q.exact.trimEnd().length ? ' ' : '') + q.suffix };
  quoteQ.prefix = flatten(quoteQ.prefix).slice(-CONTEXT_CHARS);
  quoteQ.suffix = flatten(quoteQ.suffix).slice(0, CONTEXT_CHARS);
  const predicted = predictedRaw === null ? null : toFlat(text, predictedRaw);
  const expected = predicted ?? toFlat(text, target.position.start);
  const contextless = target.quote.prefix.trim() === '' && target.quote.suffix.trim() === '';

  // The common case first: the page has not changed here, or not since the passage before this
  // one (the text moved by the same amount), and the quote stands there with its surroundings.
  for (const hint of shiftHint ? [expected, toFlat(text, Math.max(0, target.position.start + shiftHint))] : [expected]) {
    // Within a short reach of the hint (whitespace laid out anew moves raw offsets a little).
    const from = Math.max(0, hint - HINT_REACH);
    const local = text.flat.slice(from, hint + HINT_REACH + exact.length);
    let best: Scored | null = null;
    for (let k = local.indexOf(exact); k !== -1; k = local.indexOf(exact, k + 1)) {
      const at = from + k;
      const there = score(text, quoteQ, hint, { start: at, end: at + exact.length, errors: 0 });
      if (there.prefix >= 0.9 && there.suffix >= 0.9 && (!best || there.score > best.score)) best = there;
    }
    if (best) return toAnchor(text, best, 'exact');
  }
  const exactStarts = occurrences(text.flat, exact);
  let bestExact: Scored | null = null;
  if (exactStarts.length) {
    const best = likelyStarts(text.flat, exactStarts, exact.length, quoteQ, expected)
      .map((start) => score(text, quoteQ, expected, { start, end: start + exact.length, errors: 0 }))
      .reduce((a, b) => (b.score > a.score ? b : a));
    if (acceptable(best, exactStarts.length, exact.length, predicted, contextless, expected)) {
      // Where the position selector points and the surroundings agree, nothing can do better.
      if (Math.abs(best.start - expected) <= CONTEXT_CHARS || exactStarts.length === 1) return toAnchor(text, best, 'exact');
      bestExact = best;
    }
  }

  // The quote as it is somewhere else must not hide an edited copy at its own place: exact
  // occurrences are masked out of the approximate search, and an exact copy elsewhere is kept
  // only if it scores better than the best approximate match.
  let hay = text.flat;
  if (exactStarts.length) {
    const parts: string[] = [];
    let last = 0;
    for (const s of exactStarts) {
      if (s < last) continue;
      parts.push(hay.slice(last, s), '\u0000'.repeat(exact.length));
      last = s + exact.length;
    }
    parts.push(hay.slice(last));
    hay = parts.join('');
  }

  const maxErrors = Math.floor(exact.length * 0.25);
  let bestFuzzy: Scored | null = null;
  if (maxErrors > 0) {
    // Near the expected place first (cheap), then the whole text.
    const reach = exact.length * 2 + 2000;
    const windows = [[Math.max(0, expected - reach), Math.min(hay.length, expected + exact.length + reach)], [0, hay.length]];
    for (const [from, to] of windows) {
      const found = search(hay.slice(from, to), exact, maxErrors);
      const candidates = found
        .map((m) => score(text, quoteQ, expected, { start: m.start + from, end: m.end + from, errors: m.errors }))
        .filter((c) => acceptable(c, 0, exact.length, predicted));
      if (candidates.length) {
        bestFuzzy = candidates.reduce((a, b) => (b.score > a.score ? b : a));
        break;
      }
      if (from === 0 && to === hay.length) break;
    }
  }
  // A short quote with a word changed is a large share changed: found instead between its
  // intact surroundings, near where it was.
  if (!bestFuzzy) bestFuzzy = betweenContext(text, quoteQ, expected, predicted);
  if (bestExact && (!bestFuzzy || bestExact.score >= bestFuzzy.score)) return toAnchor(text, bestExact, 'exact');
  return bestFuzzy ? toAnchor(text, bestFuzzy, 'fuzzy') : null;
}

/** The text between exact occurrences of the prefix and the suffix, when it resembles the quote. */
function betweenContext(text: AnchorText, q: { exact: string; prefix: string; suffix: string }, expected: number, predicted: number | null): Scored | null {
  if (q.prefix.trim().length < CONTEXT_CHARS / 2 || q.suffix.trim().length < CONTEXT_CHARS / 2) return null;
  const { flat } = text;
  const maxSpan = Math.ceil(q.exact.length * 1.5) + 8;
  let best: Scored | null = null;
  for (const p of occurrences(flat, q.prefix, 200)) {
    const start = p + q.prefix.length;
    const s = flat.indexOf(q.suffix, start);
    if (s === -1 || s - start > maxSpan || s - start < q.exact.length / 2) continue;
    const between = flat.slice(start, s);
    // Whitespace at the edges belongs to the context.
    const lead = between.length - between.trimStart().length;
    const trail = between.length - between.trimEnd().length;
    const found = search(between, q.exact, q.exact.length);
    const errors = found.length ? Math.min(...found.map((m) => m.errors + m.start + (between.length - m.end))) - lead - trail : q.exact.length;
    const c = score(text, q, expected, { start: start + lead, end: s - trail, errors: Math.max(0, errors) });
    if (acceptable(c, 0, q.exact.length, predicted) && (!best || c.score > best.score)) best = c;
  }
  return best;
}

function toAnchor(text: AnchorText, s: Scored, method: TextAnchor['method']): TextAnchor {
  const start = text.toRaw[s.start];
  // The raw end is just after the last matched character (not after the whitespace run it stands for).
  const end = s.end > s.start ? text.toRaw[s.end - 1] + 1 : start;
  return { start, end, method, quoteSimilarity: s.quote };
}

/**
 * Finds many passages of one page's text. Each is first looked for on its own; those not found
 * are looked for again where their found neighbours (by saved position) say the text moved to,
 * which lets one intact side of context suffice there.
 */
export function anchorAll(text: AnchorText, targets: readonly TextTarget[]): (TextAnchor | null)[] {
  // In page order, so each passage can be looked for first where the one before it moved to.
  const order = targets.map((_, i) => i).sort((a, b) => targets[a].position.start - targets[b].position.start);
  const found: (TextAnchor | null)[] = new Array(targets.length).fill(null);
  let shift = 0;
  for (const i of order) {
    const t = targets[i];
    const a = anchorText(text, t, null, shift);
    found[i] = a;
    if (a) shift = a.start - t.position.start;
  }
  const shifts = targets
    .map((t, i) => ({ old: t.position.start, shift: found[i] ? found[i].start - t.position.start : null }))
    .filter((x): x is { old: number; shift: number } => x.shift !== null)
    .sort((a, b) => a.old - b.old);
  if (shifts.length === 0) return found;
  return found.map((f, i) => {
    if (f) return f;
    const old = targets[i].position.start;
    // The nearest found passage before this one (or after, at the top of the page).
    let neighbour = shifts[0];
    for (const s of shifts) if (s.old <= old) neighbour = s;
    const predicted = Math.min(text.raw.length, Math.max(0, old + neighbour.shift));
    return anchorText(text, targets[i], predicted);
  });
}
