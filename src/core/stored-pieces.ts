/**
 * A large stored value in pieces. Chromium hands every storage write to the browser process's
 * main thread, together with the value it replaces (for the change event): a dictionary of
 * 100,000 reader entities overwritten whole was one task of 319 ms there, in which no window of
 * the browser answers input. Written as many small keys, each write (and each removal) is a task
 * of a few milliseconds.
 *
 * The record keeps its shape: its long strings are replaced by markers, and the pieces they were
 * cut into are stored under keys of their own, named after the record's stamp, so that a new
 * version is written beside the old one and never mixed with it.
 */

/** Characters a piece holds at most: half a megabyte of base64, a few milliseconds of the browser's time to take in. */
export const PIECE_CHARS = 1 << 19;

/** Strings up to this long stay in the record. */
const KEPT_CHARS = 1024;

/** In a record: how many pieces it has. In place of a string: [its first piece, how many]. */
const MARK = '~pieces';

/** Where a record's pieces are stored: `${key}~${stamp}~${n}`. */
export function pieceKey(key: string, stamp: string, n: number): string {
  return `${key}~${stamp}~${n}`;
}

/** The stored keys of another version's pieces of `key` (left from an earlier write, or from a write that stopped half-way). */
export function stalePieceKeys(keys: readonly string[], key: string, stamp: string): string[] {
  const own = `${key}~${stamp}~`;
  return keys.filter((k) => k.startsWith(`${key}~`) && !k.startsWith(own));
}

/**
 * `record` with every string longer than a kilobyte replaced by a marker, and those strings cut
 * into pieces of at most `limit` characters, so that neither the record nor any piece is larger
 * than that (given a record of few short strings). A piece never ends between the two halves of a
 * surrogate pair: storage keeps text as UTF-8, where half a pair is not a character. A record no
 * larger than a piece is kept as it is, read in one request.
 */
export function cutLongStrings(record: Record<string, unknown>, limit = PIECE_CHARS): { skeleton: Record<string, unknown>; pieces: string[] } {
  if (textLength(record) <= limit) return { skeleton: record, pieces: [] };
  // Whole four-character groups, so that base64 pieces decode one by one.
  const size = limit >= 8 ? limit - (limit % 4) : limit;
  const pieces: string[] = [];
  const cut = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (v.length <= KEPT_CHARS) return v;
      const first = pieces.length;
      for (let from = 0; from < v.length; ) {
        let end = Math.min(from + size, v.length);
        const last = v.charCodeAt(end - 1);
        if (end < v.length && last >= 0xd800 && last <= 0xdbff) end--;
        pieces.push(v.slice(from, end));
        from = end;
      }
      return { [MARK]: [first, pieces.length - first] };
    }
    if (Array.isArray(v)) return v.map(cut);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cut(x)]));
    return v;
  };
  const skeleton = cut(record) as Record<string, unknown>;
  return pieces.length === 0 ? { skeleton: record, pieces } : { skeleton: { ...skeleton, [MARK]: pieces.length }, pieces };
}

/** How many pieces a stored record has (0 for a record stored whole). */
export function pieceCount(record: unknown): number {
  const count = record !== null && typeof record === 'object' ? (record as Record<string, unknown>)[MARK] : undefined;
  return Number.isSafeInteger(count) && (count as number) > 0 ? (count as number) : 0;
}

/**
 * The record with its long strings put back from `pieces`; null when a piece is missing or not
 * text (another version's write removed it meanwhile) or a marker points past them. A string of
 * several pieces is joined, except under the property names `inPieces` lists (base64 tables,
 * which are decoded piece by piece: joining a dictionary's 17 MB cost a page 10 ms and as much
 * again in garbage collection).
 */
export function joinPieces(skeleton: Record<string, unknown>, pieces: readonly unknown[], inPieces: ReadonlySet<string> = new Set()): Record<string, unknown> | null {
  if (pieces.length !== pieceCount(skeleton) || pieces.some((p) => typeof p !== 'string')) return null;
  let broken = false;
  const join = (v: unknown, name: string): unknown => {
    const mark = markOf(v);
    if (mark) {
      const [first, count] = mark;
      if (count === 0 || first + count > pieces.length) {
        broken = true;
        return '';
      }
      if (count === 1) return pieces[first];
      const parts = pieces.slice(first, first + count);
      return inPieces.has(name) ? parts : parts.join('');
    }
    if (Array.isArray(v)) return v.map((x) => join(x, name));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, join(x, k)]));
    return v;
  };
  const { [MARK]: _count, ...rest } = skeleton;
  const joined = join(rest, '') as Record<string, unknown>;
  return broken ? null : joined;
}

/** The characters of the strings in `v` (what its storage write mostly carries). */
function textLength(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (v === null || typeof v !== 'object') return 8;
  return (Array.isArray(v) ? v : Object.values(v)).reduce((n: number, x) => n + textLength(x), 0);
}

function markOf(v: unknown): [number, number] | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, MARK)) return null;
  const mark = (v as Record<string, unknown>)[MARK];
  return Array.isArray(mark) && mark.length === 2 && mark.every((n) => Number.isSafeInteger(n) && n >= 0) ? (mark as [number, number]) : null;
}
