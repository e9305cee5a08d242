/**
 * The one text normaliser. The dictionary compiler and the content script both fold text through
 * `foldCode`, so an alias the build finds in a seed is found the same way on a page.
 *
 * Folding is per UTF-16 code unit and never makes one unit into two, so every normalised
 * position maps back to exactly one source position:
 * - letters lose their accents and case (É → e); the original case is kept in a separate flag,
 *   for the acronyms that must match case-sensitively;
 * - every kind of white space, line break and non-breaking space becomes a plain space, and runs of
 *   spaces collapse to one;
 * - typographic apostrophes become ', hyphens and dashes become -, curly quotes become ";
 * - soft hyphens, zero-width characters (the Persian zero-width non-joiner and joiner included) and
 *   combining marks disappear, Arabic short vowels and the tatweel too;
 * - the Arabic-script letters that Arabic, Persian and Urdu write differently fold to one form
 *   (yeh, alef maksura and Farsi yeh; kaf and keheh; teh marbuta and the hehs; hamza carriers to
 *   their bare letter), and Persian and Arabic-Indic digits to ASCII digits;
 * - Chinese and Japanese characters are not "word" characters: their words are not separated by
 *   spaces, so a name is matched wherever it stands.
 */

/** Returned by `foldCode` for units that vanish from the normalised text. */
export const DROP = 0xffff;
/** The normalised space. */
export const SPACE = 0x20;
/** Marks a block boundary (paragraph, table cell...) in normalised text; no alias contains it. */
export const BOUNDARY = 0x0a;

const FLAG_KNOWN = 1;
/** Set in `FOLD_FLAGS` for upper-case letters. */
export const FLAG_UPPER = 2;
const FLAG_WORD = 4;
/**
 * Set in `FOLD_FLAGS` for teh marbuta, which Arabic writes at the end of words where Persian and
 * Urdu write heh: folded together, the flag keeps the difference for the names it decides.
 */
export const FLAG_TEH_MARBUTA = 8;

const folded = new Uint16Array(65536);
const flags = new Uint8Array(65536);
/**
 * The fold tables themselves, for the scanner's hot loop: `FOLDED[c]` is valid once
 * `FOLD_FLAGS[c] !== 0`; otherwise call `foldCode(c)` first. ASCII is filled in from the start.
 */
export const FOLDED: Readonly<Uint16Array> = folded;
export const FOLD_FLAGS: Readonly<Uint8Array> = flags;

const APOSTROPHES = [0x2018, 0x2019, 0x201b, 0x02bc, 0x2032, 0x00b4, 0x0060, 0xff07];
const DASHES = [0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe58, 0xfe63, 0xff0d];
const QUOTES = [0x201c, 0x201d, 0x201e, 0x201f, 0x00ab, 0x00bb, 0x2033];
const INVISIBLE = [0x00ad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x034f];
const WORD_RE = /[\p{L}\p{N}]/u;
/** Han, kana and CJK compatibility ideographs: written without spaces between words. */
const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** Arabic-script letters folded to one form (see the module comment). */
const ARABIC_FOLD = new Map<number, number>([
  [0x0649, 0x064a], [0x06cc, 0x064a], [0x06d0, 0x064a], [0x0626, 0x064a], [0x06d2, 0x064a], [0x06d3, 0x064a],
  [0x06a9, 0x0643], [0x06aa, 0x0643],
  [0x0629, 0x0647], [0x06c0, 0x0647], [0x06c1, 0x0647], [0x06c2, 0x0647], [0x06c3, 0x0647], [0x06be, 0x0647], [0x06d5, 0x0647],
  [0x0622, 0x0627], [0x0623, 0x0627], [0x0625, 0x0627], [0x0671, 0x0627], [0x0672, 0x0627], [0x0673, 0x0627],
  [0x0624, 0x0648],
]);

/** Arabic short vowels and other marks, the superscript alef, Quranic annotation signs, tatweel. */
function isArabicMark(code: number): boolean {
  return (code >= 0x064b && code <= 0x065f) || code === 0x0670 || (code >= 0x06d6 && code <= 0x06ed) || code === 0x0640;
}

/**
 * Whether a unit is white space or a line end as JavaScript's `\s` has them (the Zs category,
 * tab, the line ends, no-break and zero-width no-break space), without the regular expression,
 * whose first use cost a page 0.1 ms.
 */
function isSpace(code: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/**
 * Whether a folded unit is a letter or digit: the scripts and punctuation news pages are written
 * in by range, the rest by the Unicode regular expression, whose first use costs a page (0.4-0.6
 * ms) more than its whole scan of a short article.
 */
function isLetterOrDigit(code: number): boolean {
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a);
  if (code >= 0xc0 && code <= 0x24f) return code !== 0xd7 && code !== 0xf7;
  // Cyrillic letters, and the Arabic-script letters of Arabic, Persian and Urdu.
  if ((code >= 0x400 && code <= 0x481) || (code >= 0x48a && code <= 0x4ff)) return true;
  if ((code >= 0x620 && code <= 0x64a) || (code >= 0x671 && code <= 0x6d3)) return true;
  // The punctuation most pages have beyond ASCII: Latin-1's signs (but its ordinals, micro sign,
  // superscripts and fractions), General Punctuation (curly quotes, dashes, the ellipsis), Arabic
  // punctuation, CJK and fullwidth punctuation.
  if (code < 0xc0) return code === 0xaa || code === 0xb5 || code === 0xba || code === 0xb2 || code === 0xb3 || code === 0xb9 || (code >= 0xbc && code <= 0xbe);
  if ((code >= 0x2000 && code <= 0x206f) || (code >= 0x600 && code <= 0x61f) || (code >= 0x66a && code <= 0x66d) || code === 0x6d4) return false;
  // Arrows, mathematical and technical signs, box drawing, shapes, symbols and dingbats (but the
  // enclosed and dingbat digits), the trade mark and numero signs.
  if ((code >= 0x2190 && code <= 0x245f) || (code >= 0x2500 && code <= 0x2775) || (code >= 0x2794 && code <= 0x27bf) || code === 0x2122 || code === 0x2116) return false;
  if ((code >= 0x3001 && code <= 0x3004) || (code >= 0x3008 && code <= 0x3020)) return false;
  // Bopomofo, which Taiwanese pages use beside Han.
  if (code >= 0x3100 && code <= 0x312f) return code >= 0x3105;
  if (code >= 0xff01 && code <= 0xff65) return (code >= 0xff10 && code <= 0xff19) || (code >= 0xff21 && code <= 0xff3a) || (code >= 0xff41 && code <= 0xff5a);
  return WORD_RE.test(String.fromCharCode(code));
}

/** Whether a unit is Han or kana: below U+2E80 none is, and the kana and Bopomofo blocks and fullwidth Latin are known without the expression. */
function isCjk(code: number): boolean {
  if (code < 0x2e80 || (code >= 0x3100 && code <= 0x312f) || (code >= 0xff01 && code <= 0xff5a)) return false;
  // Hiragana and Katakana letters (the prolonged sound mark U+30FC is of no one script).
  if ((code >= 0x3041 && code <= 0x3096) || (code >= 0x309d && code <= 0x309f) || (code >= 0x30a1 && code <= 0x30fa) || (code >= 0x30fd && code <= 0x30ff)) return true;
  return CJK_RE.test(String.fromCharCode(code));
}

/**
 * The CJK Unified Ideographs and Extension A: no case, no decomposition, not word characters.
 * A Chinese page has a thousand or more distinct ones, each folded once.
 */
function isPlainHan(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf);
}

function computeFold(code: number): void {
  let out: number;
  let f = FLAG_KNOWN;
  const ch = String.fromCharCode(code);
  if (isPlainHan(code)) {
    out = code;
  } else if (INVISIBLE.includes(code) || (code >= 0x0300 && code <= 0x036f) || isArabicMark(code)) {
    out = DROP;
  } else if (ARABIC_FOLD.has(code)) {
    out = ARABIC_FOLD.get(code)!;
    f |= FLAG_WORD;
    if (code === 0x0629) f |= FLAG_TEH_MARBUTA;
  } else if ((code >= 0x0660 && code <= 0x0669) || (code >= 0x06f0 && code <= 0x06f9)) {
    out = 0x30 + (code & 0x0f);
    f |= FLAG_WORD;
  } else if (isSpace(code) || code === 0x85) {
    out = SPACE;
  } else if (APOSTROPHES.includes(code)) {
    out = 0x27;
  } else if (DASHES.includes(code)) {
    out = 0x2d;
  } else if (QUOTES.includes(code)) {
    out = 0x22;
  } else if (code >= 0xd800 && code <= 0xdfff) {
    out = code; // half of a surrogate pair: kept as is, never part of an alias fold
  } else {
    const base = ch.normalize('NFD').charCodeAt(0);
    const baseCh = String.fromCharCode(base);
    const lower = baseCh.toLowerCase();
    out = lower.length === 1 ? lower.charCodeAt(0) : base;
    if (ch !== ch.toLowerCase()) f |= FLAG_UPPER;
    if (isLetterOrDigit(out) && !isCjk(out)) f |= FLAG_WORD;
  }
  folded[code] = out;
  flags[code] = f;
}

/**
 * ASCII folded by arithmetic, with what `computeFold` gives it (a unit test holds them equal): every
 * page starts with these, and the general path's Unicode regular expressions and NFD cost a page
 * more to set up than its scan of a short article.
 */
function computeAsciiFold(code: number): void {
  let out = code;
  let f = FLAG_KNOWN;
  if (code >= 0x41 && code <= 0x5a) {
    out = code + 0x20;
    f |= FLAG_UPPER | FLAG_WORD;
  } else if ((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39)) {
    f |= FLAG_WORD;
  } else if ((code >= 0x09 && code <= 0x0d) || code === 0x20) {
    out = SPACE;
  } else if (code === 0x60) {
    out = 0x27;
  }
  folded[code] = out;
  flags[code] = f;
}

/** The general path's fold of one unit, leaving the tables as they were: the test that holds the ASCII path to it. */
export function generalFold(code: number): { out: number; flags: number } {
  const [out, f] = [folded[code], flags[code]];
  computeFold(code);
  const result = { out: folded[code], flags: flags[code] };
  folded[code] = out;
  flags[code] = f;
  return result;
}

for (let c = 0; c < 128; c++) computeAsciiFold(c);

/** The folded form of one UTF-16 code unit: a code unit, `SPACE`, or `DROP`. */
export function foldCode(code: number): number {
  if (flags[code] === 0) computeFold(code);
  return folded[code];
}

/** Whether the unit was an upper-case letter before folding. */
export function isUpperCode(code: number): boolean {
  if (flags[code] === 0) computeFold(code);
  return (flags[code] & FLAG_UPPER) !== 0;
}

/** Whether a folded unit is part of a word (letter or digit); used for whole-word matching. */
export function isWordCode(foldedCode: number): boolean {
  if (foldedCode === DROP) return false;
  if (flags[foldedCode] === 0) computeFold(foldedCode);
  return (flags[foldedCode] & FLAG_WORD) !== 0;
}

/** A normalised string with, for each of its units, where it came from in the source. */
export interface NormalizedText {
  text: string;
  /** `sourceIndex[i]` is the source offset of normalised unit `i`. */
  sourceIndex: number[];
  /** `upper[i]` is true where the source unit was an upper-case letter. */
  upper: boolean[];
}

/**
 * Normalises a whole string the way the page scanner normalises a stream of text nodes
 * (leading and trailing spaces removed). Used for aliases and seed texts at build time.
 */
export function normalizeText(source: string): NormalizedText {
  const out: number[] = [];
  const sourceIndex: number[] = [];
  const upper: boolean[] = [];
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    const f = foldCode(code);
    if (f === DROP) continue;
    if (f === SPACE && (out.length === 0 || out[out.length - 1] === SPACE)) continue;
    out.push(f);
    sourceIndex.push(i);
    upper.push(isUpperCode(code));
  }
  if (out.length > 0 && out[out.length - 1] === SPACE) {
    out.pop();
    sourceIndex.pop();
    upper.pop();
  }
  return { text: codesToString(out), sourceIndex, upper };
}

function codesToString(codes: number[]): string {
  let s = '';
  for (let i = 0; i < codes.length; i += 8192) s += String.fromCharCode(...codes.slice(i, i + 8192));
  return s;
}

/** Shorthand for the normalised text alone. */
export function normalize(source: string): string {
  return normalizeText(source).text;
}
