/**
 * Saved highlights: a passage a reader kept, with a note, tags and a colour. The target is held
 * the way the W3C Web Annotation Data Model describes one (source URL plus quote and position
 * selectors), so the same record exports as an annotation and re-anchors on a changed page.
 * Pure: storage is in the background, painting in the content script.
 */
import { codePointsToUnits, type TextPositionSelector, type TextQuoteSelector, type TextTarget } from './anchoring.ts';
import { canonicalUrl, hash32 } from './coverage.ts';
import { normalize } from './normalize.ts';
import { httpUrl, sameOrigin } from './urls.ts';

export const HIGHLIGHT_COLOURS = ['yellow', 'green', 'blue', 'pink', 'purple'] as const;
export type HighlightColour = (typeof HIGHLIGHT_COLOURS)[number];

/** Who wrote a highlight: this browser's reader, or a teammate whose file was imported. */
export interface Creator {
  name: string;
  /** Stable id of the person (an IRI or a local id); the local reader's is 'local'. */
  id: string;
}

export interface SavedHighlight {
  /** urn:uuid:… so it stays globally unique when files are exchanged. */
  id: string;
  /** The page's canonical URL (tracking parameters removed): what highlights are looked up by. */
  source: string;
  /** The address the page was read at when the highlight was made. */
  pageUrl: string;
  title: string;
  /** The site (host without www.), for filtering. */
  site: string;
  quote: TextQuoteSelector;
  position: TextPositionSelector;
  /**
   * 'codepoint' where the position counts code points, as the W3C model says (every highlight saved
   * or imported since); absent on older records, whose positions count UTF-16 units.
   */
  positionUnit?: 'codepoint';
  /**
   * Where another tool's RangeSelector put the passage: an XPath to an element (from the body, or
   * from the root when it starts with /html) and a character offset in its text. A hint for
   * anchoring where it resolves on the page, never a place by itself.
   */
  rangeHint?: { xpath: string; offset: number };
  /** The paragraph the quote stood in when saved, shown when it cannot be found again. */
  context: string;
  note: string;
  tags: string[];
  colour: HighlightColour;
  /** Dictionary entity ids named inside the quote. */
  entities: string[];
  creator: Creator;
  /** ISO timestamps. */
  created: string;
  modified: string;
  /** For an imported highlight: the `modified` of the version last imported, to tell who changed it since. */
  syncBase?: string;
  /** Versions set aside when it was changed both here and in an imported file; the reader resolves them. */
  conflicts?: ConflictVersion[];
}

export interface ConflictVersion {
  note: string;
  tags: string[];
  colour: HighlightColour;
  modified: string;
  creator: Creator;
}

/** What a content script sends to save a new highlight; the background fills in the rest. */
export type NewHighlight = Pick<SavedHighlight, 'source' | 'pageUrl' | 'title' | 'quote' | 'position' | 'positionUnit' | 'context' | 'note' | 'tags' | 'colour' | 'entities'>;

/** The fields a reader can change after saving. */
export type HighlightEdit = Partial<Pick<SavedHighlight, 'note' | 'tags' | 'colour'>>;

export const LOCAL_CREATOR_ID = 'local';
export const MAX_NOTE_LENGTH = 20_000;
export const MAX_QUOTE_LENGTH = 20_000;
export const MAX_TAGS = 30;

/** The target to anchor against `pageText` (positions in code points are turned into its UTF-16 offsets). */
export function targetOf(h: Pick<SavedHighlight, 'quote' | 'position' | 'positionUnit'>, pageText?: string): TextTarget {
  if (h.positionUnit !== 'codepoint' || pageText === undefined) return { quote: h.quote, position: h.position };
  const start = codePointsToUnits(pageText, h.position.start);
  return { quote: h.quote, position: { type: 'TextPositionSelector', start, end: start + codePointsToUnits(pageText.slice(start), h.position.end - h.position.start) } };
}

export function isColour(v: unknown): v is HighlightColour {
  return typeof v === 'string' && (HIGHLIGHT_COLOURS as readonly string[]).includes(v);
}

/** Tags as typed ("Iran, sanctions ,iran") → trimmed, without duplicates (case-insensitively), at most MAX_TAGS. */
export function parseTags(input: string | readonly string[]): string[] {
  const parts = typeof input === 'string' ? input.split(',') : input;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of parts) {
    const tag = String(p).replace(/\s+/g, ' ').trim().slice(0, 60);
    const key = tag.toLowerCase();
    if (!tag || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
    if (out.length >= MAX_TAGS) break;
  }
  return out;
}

/** The site a URL belongs to, for filtering: its host without a leading www. */
export function siteOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return '';
  }
}

/**
 * The key highlights and articles of a page are stored and looked up under: its canonical URL
 * when the page names one on its own origin (scheme, host and port), else the address it was read
 * at, both without tracking parameters. A page cannot claim another origin's address, and so
 * cannot read or overwrite what is kept about it; null for an address that is not http(s).
 */
export function pageKey(pageUrl: string, declaredCanonical: string | null): string | null {
  if (httpUrl(pageUrl) === null) return null;
  const own = canonicalUrl(pageUrl);
  if (!declaredCanonical) return own;
  const declared = canonicalUrl(declaredCanonical);
  // Compared as keys (both without "www."): the same scheme, host and port.
  return sameOrigin(declared, own) ? declared : own;
}

/** Text folded for searching (case, accents, punctuation variants), by the dictionary's normaliser. */
function fold(s: string): string {
  return normalize(s);
}

export interface HighlightFilter {
  /** Words that must all appear in the quote, note or tags (any order). */
  text?: string;
  tag?: string;
  entity?: string;
  site?: string;
  creator?: string;
  /** Inclusive ISO dates (YYYY-MM-DD) on the creation time. */
  from?: string;
  to?: string;
  source?: string;
}

/** Whether a highlight passes a filter. */
export function matchesFilter(h: SavedHighlight, f: HighlightFilter): boolean {
  if (f.source && h.source !== f.source) return false;
  if (f.tag && !h.tags.some((t) => t.toLowerCase() === f.tag!.toLowerCase())) return false;
  if (f.entity && !h.entities.includes(f.entity)) return false;
  if (f.site && h.site !== f.site) return false;
  if (f.creator && h.creator.id !== f.creator) return false;
  const day = h.created.slice(0, 10);
  if (f.from && day < f.from) return false;
  if (f.to && day > f.to) return false;
  if (f.text && f.text.trim()) {
    const hay = fold(`${h.quote.exact} ${h.note} ${h.tags.join(' ')} ${h.title}`);
    for (const word of fold(f.text).split(' ')) if (word && !hay.includes(word)) return false;
  }
  return true;
}

/** A fresh globally unique id. */
export function newHighlightId(): string {
  return `urn:uuid:${crypto.randomUUID()}`;
}

/** A page key's entry in the page index: 64 bits of salted hash, so the index lists no address. */
export function pageIndexHash(salt: string, key: string): string {
  const s = `${salt}\n${key}`;
  return hash32(s).toString(36) + hash32(s, 0x9747b28c).toString(36);
}
