/**
 * Every message between the extension's contexts, declared once: the request each type carries
 * and the reply it gets, one map per direction. The receiver checks each request with the parser
 * below before acting on it.
 *
 *   content script ──MessageMap──► background   (dictionary, entity cards)
 *   popup ─────────MessageMap──► background     (coverage queries, saving; extension pages only)
 *   popup ─────────PageMessageMap──► content script of a tab (what is on the page)
 */
import type { CompiledDictionary, EntityKind, EntityRecord, SeedArticle } from './core/dictionary.ts';
import type { ArticleRecord, RelatedItem } from './core/coverage.ts';

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
  /** Content script → background: what a hover card shows about one entity, with its seed articles. */
  'entity/get': {
    request: { id: string };
    response: { entity: EntityRecord; articles: SeedArticle[] } | null;
  };
  /** Popup → background: stored articles sharing entities with a page, best first. */
  'coverage/related': { request: { entities: string[]; url: string | null }; response: RelatedItem[] };
  /** Popup → background: every stored article mentioning an entity, by date. */
  'coverage/timeline': { request: { entity: string; limit?: number }; response: { items: TimelineItem[]; total: number } };
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
}

export interface PageMessageMap {
  /** The entities highlighted on the page, with counts. */
  'page/entities': { request: Record<never, never>; response: { url: string; title: string; entities: PageEntity[] } };
  /** Scroll to the next occurrence of an entity and flash it. */
  'page/reveal': { request: { entity: string }; response: { found: boolean } };
  /** The page's main article, for saving as coverage. */
  'page/article': { request: Record<never, never>; response: ExtractedArticle | { error: string } };
}

export type MessageType = keyof MessageMap;
export type Request<K extends MessageType> = { type: K } & MessageMap[K]['request'];
export type AnyRequest = { [K in MessageType]: Request<K> }[MessageType];

export type PageMessageType = keyof PageMessageMap;
export type PageRequest<K extends PageMessageType> = { type: K } & PageMessageMap[K]['request'];
export type AnyPageRequest = { [K in PageMessageType]: PageRequest<K> }[PageMessageType];

/** Requests only the extension's own pages may make (never a content script). */
export const PRIVILEGED: ReadonlySet<MessageType> = new Set(['coverage/related', 'coverage/timeline', 'coverage/save', 'coverage/article']);

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;

/** Narrows an unknown message to a well-formed request to the background, or says why not. */
export function parseRequest(message: unknown): AnyRequest | string {
  if (typeof message !== 'object' || message === null) return 'message is not an object';
  const m = message as Record<string, unknown>;
  switch (m.type) {
    case 'dictionary/get':
      return { type: 'dictionary/get' };
    case 'entity/get':
      if (!isId(m.id)) return 'entity/get needs a string id';
      return { type: 'entity/get', id: m.id };
    case 'coverage/related':
      if (!Array.isArray(m.entities) || m.entities.length > 5000 || !m.entities.every(isId)) {
        return 'coverage/related needs a list of entity ids';
      }
      if (m.url !== null && typeof m.url !== 'string') return 'coverage/related needs a url or null';
      return { type: 'coverage/related', entities: m.entities, url: m.url };
    case 'coverage/timeline':
      if (!isId(m.entity)) return 'coverage/timeline needs an entity id';
      if (m.limit !== undefined && (typeof m.limit !== 'number' || m.limit < 1 || m.limit > 100_000)) return 'coverage/timeline limit must be a positive number';
      return { type: 'coverage/timeline', entity: m.entity, limit: m.limit as number | undefined };
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
    case 'page/article':
      return { type: 'page/article' };
    case 'page/reveal':
      if (!isId(m.entity)) return 'page/reveal needs an entity id';
      return { type: 'page/reveal', entity: m.entity };
    default:
      return `unknown page message ${JSON.stringify(m.type)?.slice(0, 60) ?? ''}`;
  }
}
