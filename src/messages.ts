/**
 * Every message between the extension's contexts, declared once: the request each type carries
 * and the reply it gets, one map per direction. The receiver checks each request with the parser
 * below before acting on it.
 *
 *   content script ──MessageMap──► background   (dictionary, entity cards, the page's highlights)
 *   popup ─────────MessageMap──► background     (coverage queries, saving; extension pages only)
 *   popup ─────────PageMessageMap──► content script of a tab (what is on the page)
 *   background ────PageMessageMap──► content script (shortcut and menu: save the selection)
 */
import type { CompiledDictionary, EntityKind, EntityRecord, SeedArticle } from './core/dictionary.ts';
import type { ArticleRecord } from './core/coverage.ts';
import type { ExportFormat, FileError } from './core/annotation-file.ts';
import type { ExportedFile, ImportPreview } from './background/annotation-store.ts';
import type { SkippedAlias } from './core/compile-terms.ts';
import type { AutoSaveSetting, Settings } from './background/settings-store.ts';
import type { CopyOutcome } from './background/related-copy-store.ts';
import type { RejectedAlias } from './core/user-entities.ts';
import { ENTITY_KINDS, MAX_NAME_LENGTH } from './core/dictionary.ts';
import {
  HIGHLIGHT_COLOURS, MAX_NOTE_LENGTH, MAX_QUOTE_LENGTH, MAX_TAGS, isColour, parseTags,
  type HighlightEdit, type HighlightFilter, type NewHighlight, type SavedHighlight,
} from './core/highlights.ts';

/** One entity found on a page, with how often. */
export interface PageEntity {
  id: string;
  name: string;
  kind: EntityKind;
  count: number;
}

/** An article as the page offers it for saving (extracted with Readability). */
export interface ExtractedArticle {
  url: string;
  title: string | null;
  byline: string | null;
  outlet: string | null;
  published: string | null;
  lang: string | null;
  text: string;
}

/** One stop of an entity's timeline. */
export interface TimelineItem {
  id: string;
  url: string | null;
  title: string | null;
  outlet: string | null;
  published: string | null;
  lang: string | null;
  sentence: string;
}

export interface MessageMap {
  /** Content script → background: the compiled dictionary to scan pages with. */
  'dictionary/get': { request: Record<never, never>; response: CompiledDictionary };
  /**
   * Content script → background: inject page-ui.js (card, note editor, saved-highlight layer) into
   * the sender's frame; answered once it ran there.
   */
  'page-ui/load': { request: Record<never, never>; response: { loaded: true } };
  /**
   * Chromium's content-script loader → background: run content.js in the sender's frame, where
   * the page's origin refused the loader's import of it; answered once it ran there.
   */
  'content/load': { request: Record<never, never>; response: { loaded: true } };
  /** Content script → background: what a hover card shows about one entity, with its seed articles. */
  'entity/get': {
    request: { id: string };
    response: { entity: EntityRecord; articles: SeedArticle[] } | null;
  };
  /**
   * Extension page → background: answered once the seed articles are stored and the kept counts
   * checked (pages read the database themselves; they ask this only of a store not filled yet).
   */
  'coverage/seeded': { request: Record<never, never>; response: { seeded: true } };
  /** Has the background build the popup's ranking copy, unless it is current (or too large to keep). */
  'coverage/copy': { request: Record<never, never>; response: { copy: CopyOutcome } };
  /** Popup → background: extract the tab's article and store it; answered once it is written. */
  'coverage/save': { request: { tabId: number }; response: { id: string; entities: number } };
  /** Coverage page → background: one stored article, for reading it inside the extension. */
  'coverage/article': {
    request: { id: string };
    response: Omit<ArticleRecord, 'signature'> | null;
  };
  /** Content script (hover card) → background: open the coverage page of an entity. */
  'coverage/open': { request: { entity: string }; response: { opened: boolean } };
  /**
   * Content script → background: this page names enough entities to be saved automatically. The
   * background acts only if the reader turned automatic saving on, and only on the sender's tab.
   */
  'coverage/autosave': { request: { mentions: number }; response: { saved: boolean } };
  /**
   * Content script → background: the highlights saved on the sender's page. The page's declared
   * canonical URL counts only on the sender's own site (see pageKey).
   */
  'highlights/page': { request: { canonical: string | null }; response: { source: string; highlights: SavedHighlight[]; reveal: string | null } };
  /** Content script → background: save a new highlight of the sender's page. */
  'highlights/save': { request: { highlight: NewHighlight; canonical: string | null }; response: SavedHighlight };
  /** Content script or extension page → background: change a highlight's note, tags or colour. */
  'highlights/update': { request: { id: string; edit: HighlightEdit }; response: SavedHighlight | null };
  /** Content script or extension page → background: delete a highlight. */
  'highlights/delete': { request: { id: string }; response: { deleted: boolean } };
  /** Extension page → background: every saved highlight, newest first. */
  'highlights/list': { request: Record<never, never>; response: SavedHighlight[] };
  /** Extension page → background: open a highlight's page and show it there. */
  'highlights/open': { request: { id: string }; response: { opened: boolean } };
  /** Extension page → background: highlights were imported; tabs showing pages should read theirs again. */
  'highlights/changed': { request: Record<never, never>; response: { ok: boolean } };
  /** Extension page → background: keep the current version of a highlight in conflict (-1) or adopt the set-aside one at `adopt`. */
  'highlights/resolve': { request: { id: string; adopt: number }; response: SavedHighlight | null };
  /** Extension page → background: the highlights passing a filter, as an annotation file or Markdown. */
  'annotations/export': { request: { filter: HighlightFilter; format: ExportFormat }; response: ExportedFile };
  /** Extension page → background: what importing a file would do (nothing written), or what is wrong with it. */
  'annotations/preview': { request: { text: string }; response: { preview: ImportPreview } | { errors: FileError[] } };
  /** Extension page → background: import a file, all or nothing. */
  'annotations/import': { request: { text: string; importOthers?: boolean }; response: { result: ImportPreview } | { errors: FileError[] } };
  /**
   * Content script → background: add the reader's selection to their own dictionary as an entity
   * of `kind`, with the sentence it stands in as evidence (the page is the sender's).
   */
  'dictionary/add': { request: NewPageEntity; response: { entity: EntityRecord; rejected: RejectedAlias[] } | { error: string } };
  /** Extension page → background: the reader's packs changed; compile them again (open tabs follow). */
  'dictionary/changed': { request: Record<never, never>; response: { entities: number; terms: number; skipped: SkippedAlias[] } };
  /** Extension page → background: the reader's name and id and the automatic-saving switch. */
  'settings/get': { request: Record<never, never>; response: Settings };
  /** Extension page → background: change the reader's name or the automatic-saving switch. */
  'settings/set': { request: { readerName?: string; autoSave?: AutoSaveSetting }; response: Settings };
  /** Extension page → background: pause or resume highlighting on a site; open tabs follow. */
  'sites/pause': { request: { site: string; paused: boolean }; response: { pausedSites: string[] } };
  /** Content script or extension page → background: open the dictionary page, at one entity or not. */
  'dictionary/open': { request: { entity: string | null }; response: { opened: boolean } };
}

/** What a content script sends to add a name it shows to the dictionary. */
export interface NewPageEntity {
  name: string;
  kind: EntityKind;
  sentence: string;
  title: string;
  outlet: string | null;
  published: string | null;
  lang: string | null;
  canonical: string | null;
}

/** A saved highlight as the page's content script placed it (or could not). */
export interface PageHighlight {
  highlight: SavedHighlight;
  found: boolean;
}

export type PageState = 'starting' | 'paused' | 'ready';
/** Which scanner reads the page: WebAssembly, or JavaScript where the page's policy or the browser refuses it. */
export type ScannerEngine = 'webassembly' | 'javascript';

export interface PageMessageMap {
  /**
   * The entities highlighted on the page, with counts, and where the page's content script is:
   * still reading the page, paused on its site, or done (first scan, automatic-saving decision and
   * saved highlights all settled).
   */
  'page/entities': { request: Record<never, never>; response: { url: string; title: string; entities: PageEntity[]; state: PageState; scanner: ScannerEngine | null } };
  /** Scroll to the next occurrence of an entity and flash it. */
  'page/reveal': { request: { entity: string }; response: { found: boolean } };
  /** The page's saved highlights, each found on the page or not. */
  'page/highlights': { request: Record<never, never>; response: { source: string | null; items: PageHighlight[] } };
  /** Scroll to a saved highlight and open its note. */
  'page/reveal-highlight': { request: { id: string }; response: { found: boolean } };
  /** Open the note editor for the reader's current selection (keyboard shortcut, context menu). */
  'page/compose': { request: Record<never, never>; response: { opened: boolean } };
  /** Go to the next saved highlight in page order and open its note (keyboard shortcut). */
  'page/next-highlight': { request: Record<never, never>; response: { found: boolean } };
  /** Highlights were changed elsewhere (popup, highlights page): read them again. */
  'page/highlights-changed': { request: Record<never, never>; response: { ok: boolean } };
  /** The background says a stored key the page follows changed: the paused sites, or the dictionary. */
  'page/stored-changed': { request: { key: StoredKeyName }; response: { ok: boolean } };
}

/** The stored keys a page follows, by name: whoever writes one tells open pages (the background, see its pauseSite). */
export const STORED_KEY_NAMES = ['pausedSites', 'dictionary'] as const;
export type StoredKeyName = (typeof STORED_KEY_NAMES)[number];

export type MessageType = keyof MessageMap;
export type Request<K extends MessageType> = { type: K } & MessageMap[K]['request'];
export type AnyRequest = { [K in MessageType]: Request<K> }[MessageType];

export type PageMessageType = keyof PageMessageMap;
export type PageRequest<K extends PageMessageType> = { type: K } & PageMessageMap[K]['request'];
export type AnyPageRequest = { [K in PageMessageType]: PageRequest<K> }[PageMessageType];

/**
 * Requests about the sender's own page: only a content script in a tab's top frame may send them,
 * and the background answers for that page's origin alone.
 */
export const PAGE_BOUND: ReadonlySet<MessageType> = new Set(['highlights/page', 'highlights/save', 'dictionary/add', 'coverage/autosave']);

/** Requests only the extension's own pages may make (never a content script). */
export const PRIVILEGED: ReadonlySet<MessageType> = new Set([
  'coverage/seeded', 'coverage/copy', 'coverage/save', 'coverage/article', 'highlights/list', 'highlights/open',
  'highlights/resolve', 'highlights/changed', 'annotations/export', 'annotations/preview', 'annotations/import',
  'dictionary/changed', 'settings/get', 'settings/set', 'sites/pause',
]);

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;

/** Narrows an unknown message to a well-formed request to the background, or says why not. */
export function parseRequest(message: unknown): AnyRequest | string {
  if (typeof message !== 'object' || message === null) return 'message is not an object';
  const m = message as Record<string, unknown>;
  switch (m.type) {
    case 'dictionary/get':
      return { type: 'dictionary/get' };
    case 'page-ui/load':
      return { type: 'page-ui/load' };
    case 'content/load':
      return { type: 'content/load' };
    case 'entity/get':
      if (!isId(m.id)) return 'entity/get needs a string id';
      return { type: 'entity/get', id: m.id };
    case 'coverage/seeded':
      return { type: 'coverage/seeded' };
    case 'coverage/copy':
      return { type: 'coverage/copy' };
    case 'coverage/article':
      if (!isId(m.id)) return 'coverage/article needs an article id';
      return { type: 'coverage/article', id: m.id };
    case 'coverage/open':
      if (!isId(m.entity)) return 'coverage/open needs an entity id';
      return { type: 'coverage/open', entity: m.entity };
    case 'coverage/autosave':
      if (typeof m.mentions !== 'number' || !Number.isFinite(m.mentions)) return 'coverage/autosave needs a mention count';
      return { type: 'coverage/autosave', mentions: m.mentions };
    case 'coverage/save':
      if (typeof m.tabId !== 'number' || !Number.isInteger(m.tabId)) return 'coverage/save needs a tab id';
      return { type: 'coverage/save', tabId: m.tabId };
    case 'highlights/page':
      if (!isUrlOrNull(m.canonical)) return 'highlights/page needs a canonical URL or null';
      return { type: 'highlights/page', canonical: m.canonical };
    case 'highlights/save': {
      if (!isUrlOrNull(m.canonical)) return 'highlights/save needs a canonical URL or null';
      const highlight = parseNewHighlight(m.highlight);
      if (typeof highlight === 'string') return `highlights/save: ${highlight}`;
      return { type: 'highlights/save', highlight, canonical: m.canonical };
    }
    case 'highlights/update': {
      if (!isId(m.id)) return 'highlights/update needs a highlight id';
      const edit = parseEdit(m.edit);
      if (typeof edit === 'string') return `highlights/update: ${edit}`;
      return { type: 'highlights/update', id: m.id, edit };
    }
    case 'highlights/delete':
      if (!isId(m.id)) return 'highlights/delete needs a highlight id';
      return { type: 'highlights/delete', id: m.id };
    case 'highlights/list':
      return { type: 'highlights/list' };
    case 'highlights/changed':
      return { type: 'highlights/changed' };
    case 'highlights/open':
      if (!isId(m.id)) return 'highlights/open needs a highlight id';
      return { type: 'highlights/open', id: m.id };
    case 'highlights/resolve':
      if (!isId(m.id) || typeof m.adopt !== 'number' || !Number.isInteger(m.adopt) || m.adopt < -1) return 'highlights/resolve needs an id and a version index';
      return { type: 'highlights/resolve', id: m.id, adopt: m.adopt };
    case 'annotations/export': {
      if (m.format !== 'jsonld' && m.format !== 'hypothesis' && m.format !== 'markdown') return 'annotations/export format must be jsonld, hypothesis or markdown';
      const filter = parseFilter(m.filter);
      if (typeof filter === 'string') return `annotations/export: ${filter}`;
      return { type: 'annotations/export', filter, format: m.format };
    }
    case 'annotations/preview':
      if (typeof m.text !== 'string') return 'annotations/preview needs the file\'s text';
      return { type: 'annotations/preview', text: m.text };
    case 'annotations/import':
      if (typeof m.text !== 'string') return 'annotations/import needs the file\'s text';
      if (m.importOthers !== undefined && typeof m.importOthers !== 'boolean') return 'annotations/import: importOthers must be true or false';
      return { type: 'annotations/import', text: m.text, importOthers: m.importOthers === true };
    case 'dictionary/add': {
      if (typeof m.name !== 'string' || !m.name.trim() || m.name.length > MAX_NAME_LENGTH) return `dictionary/add needs a name of at most ${MAX_NAME_LENGTH} characters`;
      if (!(ENTITY_KINDS as readonly unknown[]).includes(m.kind)) return `dictionary/add kind must be one of ${ENTITY_KINDS.join(', ')}`;
      if (!isText(m.sentence, 2000) || !isText(m.title, 2000)) return 'dictionary/add needs the sentence and the page title';
      for (const k of ['outlet', 'published', 'lang'] as const) if (m[k] !== null && !isText(m[k], 200)) return `dictionary/add ${k} must be short text or null`;
      if (!isUrlOrNull(m.canonical)) return 'dictionary/add needs a canonical URL or null';
      return {
        type: 'dictionary/add', name: m.name, kind: m.kind as EntityKind, sentence: m.sentence, title: m.title,
        outlet: m.outlet as string | null, published: m.published as string | null, lang: m.lang as string | null, canonical: m.canonical,
      };
    }
    case 'dictionary/changed':
      return { type: 'dictionary/changed' };
    case 'dictionary/open':
      if (m.entity !== null && !isId(m.entity)) return 'dictionary/open needs an entity id or null';
      return { type: 'dictionary/open', entity: m.entity };
    case 'settings/get':
      return { type: 'settings/get' };
    case 'settings/set': {
      if (m.readerName !== undefined && (typeof m.readerName !== 'string' || m.readerName.length > 1000)) return 'settings/set: the name must be short text';
      const a = m.autoSave as Record<string, unknown> | undefined;
      if (a !== undefined && (typeof a !== 'object' || a === null || typeof a.enabled !== 'boolean' || typeof a.minMentions !== 'number')) return 'settings/set: automatic saving needs a switch and a number';
      return { type: 'settings/set', readerName: m.readerName as string | undefined, autoSave: a as AutoSaveSetting | undefined };
    }
    case 'sites/pause':
      if (typeof m.site !== 'string' || m.site.length === 0 || m.site.length > 253) return 'sites/pause needs a host name';
      if (typeof m.paused !== 'boolean') return 'sites/pause needs paused: true or false';
      return { type: 'sites/pause', site: m.site, paused: m.paused };
    default:
      return `unknown message type ${JSON.stringify(m.type)?.slice(0, 60) ?? ''}`;
  }
}

/** Narrows an unknown message to a well-formed request to a content script, or says why not. */
export function parsePageRequest(message: unknown): AnyPageRequest | string {
  if (typeof message !== 'object' || message === null) return 'message is not an object';
  const m = message as Record<string, unknown>;
  switch (m.type) {
    case 'page/entities':
      return { type: 'page/entities' };
    case 'page/reveal':
      if (!isId(m.entity)) return 'page/reveal needs an entity id';
      return { type: 'page/reveal', entity: m.entity };
    case 'page/highlights':
      return { type: 'page/highlights' };
    case 'page/reveal-highlight':
      if (!isId(m.id)) return 'page/reveal-highlight needs a highlight id';
      return { type: 'page/reveal-highlight', id: m.id };
    case 'page/compose':
      return { type: 'page/compose' };
    case 'page/next-highlight':
      return { type: 'page/next-highlight' };
    case 'page/highlights-changed':
      return { type: 'page/highlights-changed' };
    case 'page/stored-changed':
      if (!STORED_KEY_NAMES.includes(m.key as StoredKeyName)) return 'page/stored-changed needs a key a page follows';
      return { type: 'page/stored-changed', key: m.key as StoredKeyName };
    default:
      return `unknown page message ${JSON.stringify(m.type)?.slice(0, 60) ?? ''}`;
  }
}

const isUrlOrNull = (v: unknown): v is string | null => v === null || (typeof v === 'string' && v.length <= 4096);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isOffset = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Checks the fields a content script sends for a new highlight. */
function parseNewHighlight(v: unknown): NewHighlight | string {
  if (typeof v !== 'object' || v === null) return 'highlight is not an object';
  const h = v as Record<string, unknown>;
  const q = h.quote as Record<string, unknown> | null;
  const p = h.position as Record<string, unknown> | null;
  if (!isText(h.source, 4096) || !isText(h.pageUrl, 4096) || !isText(h.title, 2000)) return 'source, pageUrl and title must be strings';
  if (typeof q !== 'object' || q === null || q.type !== 'TextQuoteSelector') return 'quote must be a TextQuoteSelector';
  if (!isText(q.exact, MAX_QUOTE_LENGTH) || q.exact.trim() === '' || !isText(q.prefix, 200) || !isText(q.suffix, 200)) return 'quote needs non-empty exact text, prefix and suffix';
  if (typeof p !== 'object' || p === null || p.type !== 'TextPositionSelector' || !isOffset(p.start) || !isOffset(p.end) || p.end <= p.start) return 'position must be a TextPositionSelector with start < end';
  if (!isText(h.context, 4000)) return 'context must be a string';
  if (h.positionUnit !== undefined && h.positionUnit !== 'codepoint') return 'positionUnit must be "codepoint" or absent';
  const edit = parseEdit({ note: h.note, tags: h.tags, colour: h.colour });
  if (typeof edit === 'string') return edit;
  if (!Array.isArray(h.entities) || h.entities.length > 500 || !h.entities.every(isId)) return 'entities must be a list of ids';
  return {
    source: h.source, pageUrl: h.pageUrl, title: h.title,
    quote: { type: 'TextQuoteSelector', exact: q.exact, prefix: q.prefix, suffix: q.suffix },
    position: { type: 'TextPositionSelector', start: p.start, end: p.end },
    ...(h.positionUnit === 'codepoint' ? { positionUnit: 'codepoint' as const } : {}),
    context: h.context, note: edit.note ?? '', tags: edit.tags ?? [], colour: edit.colour ?? HIGHLIGHT_COLOURS[0], entities: h.entities,
  };
}

function parseEdit(v: unknown): HighlightEdit | string {
  if (typeof v !== 'object' || v === null) return 'edit is not an object';
  const e = v as Record<string, unknown>;
  const out: HighlightEdit = {};
  if (e.note !== undefined) {
    if (!isText(e.note, MAX_NOTE_LENGTH)) return `note must be text of at most ${MAX_NOTE_LENGTH} characters`;
    out.note = e.note;
  }
  if (e.tags !== undefined) {
    if (!Array.isArray(e.tags) || e.tags.length > MAX_TAGS * 4 || !e.tags.every((t) => isText(t, 200))) return 'tags must be a list of short strings';
    out.tags = parseTags(e.tags);
  }
  if (e.colour !== undefined) {
    if (!isColour(e.colour)) return `colour must be one of ${HIGHLIGHT_COLOURS.join(', ')}`;
    out.colour = e.colour;
  }
  return out;
}

const FILTER_KEYS = ['text', 'tag', 'entity', 'site', 'creator', 'from', 'to', 'source'] as const;

function parseFilter(v: unknown): HighlightFilter | string {
  if (typeof v !== 'object' || v === null) return 'filter is not an object';
  const f = v as Record<string, unknown>;
  const out: HighlightFilter = {};
  for (const k of FILTER_KEYS) {
    if (f[k] === undefined) continue;
    if (!isText(f[k], 4096)) return `filter.${k} must be text`;
    out[k] = f[k];
  }
  return out;
}
