/**
 * The one module that touches the WebExtension API. Everything else asks it, so the browser
 * differences stay in one place.
 */
import type Browser from 'webextension-polyfill';
import type { MessageMap, MessageType, PageMessageMap, PageMessageType, PageRequest, Request } from '../messages.ts';
import { isPackedDictionary, splitPacked, type PackedDictionary, type PagePackedDictionary } from '../core/stored-dictionary.ts';
import type { EntityText } from '../core/entity-table.ts';
import type { Settings } from '../background/settings-store.ts';
import { pageIndexHash } from '../core/highlights.ts';

/**
 * The promise-based `browser` namespace, which Firefox and Chrome from 148 (the manifest's
 * minimum) provide themselves. No polyfill: where the browser has the namespace the polyfill
 * does nothing, and bundling it still cost every page its parsing plus a copy of the namespace's
 * properties, which made Chrome set up every API binding on each page load.
 */
export const browser = (globalThis as unknown as { browser: Browser.Browser }).browser;
export type { Browser };

/**
 * The keys in local storage, without their values where the browser can (`getKeys`): `get(null)`
 * would read a reader's dictionary whole, 21 MB with 100,000 entities, only to list it.
 */
export async function localStorageKeys(): Promise<string[]> {
  const area = browser.storage.local as Browser.Storage.StorageArea & { getKeys?: () => Promise<string[]> };
  return typeof area.getKeys === 'function' ? await area.getKeys() : Object.keys(await area.get(null));
}

/** Sends one typed request to the background and returns its typed reply. */
export async function send<K extends MessageType>(request: Request<K>): Promise<MessageMap[K]['response']> {
  return (await browser.runtime.sendMessage(request)) as MessageMap[K]['response'];
}

/** Sends one typed request to the content script of a tab and returns its typed reply. */
export async function sendToTab<K extends PageMessageType>(
  tabId: number,
  request: PageRequest<K>,
): Promise<PageMessageMap[K]['response']> {
  return (await browser.tabs.sendMessage(tabId, request)) as PageMessageMap[K]['response'];
}

/** The extension's own origin, to tell its pages from content scripts. */
export function extensionOrigin(): string {
  return new URL(browser.runtime.getURL('/')).origin;
}

/** Whether this extension context still talks to a live extension (false after an update or removal). */
export function extensionAlive(): boolean {
  try {
    return Boolean(browser.runtime?.id);
  } catch {
    return false;
  }
}

/** The paused-site list lives in local storage under this key. */
export const PAUSED_SITES_KEY = 'pausedSites';

export async function readPausedSites(): Promise<string[]> {
  return pausedSitesOf((await browser.storage.local.get(PAUSED_SITES_KEY))[PAUSED_SITES_KEY]);
}

function pausedSitesOf(list: unknown): string[] {
  return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : [];
}

/** The reader's settings, kept by the background (extension pages only). */
export async function readSettings(): Promise<Settings> {
  return send({ type: 'settings/get' });
}

/** The reader's name and id, for signing exported files (extension pages only). */
export async function readReader(): Promise<{ id: string; name: string }> {
  return (await readSettings()).reader;
}

/**
 * The mentions a page needs before it is saved automatically, 0 when automatic saving is off:
 * a hint the background writes so that a page wakes it only when the reader asked for it (the
 * background checks its own setting before saving anything).
 */
export const AUTO_SAVE_HINT_KEY = 'autoSaveAt';

export async function readAutoSaveHint(): Promise<number> {
  return autoSaveHintOf((await browser.storage.local.get(AUTO_SAVE_HINT_KEY))[AUTO_SAVE_HINT_KEY]);
}

function autoSaveHintOf(v: unknown): number {
  return typeof v === 'number' && v > 0 ? v : 0;
}

/**
 * Which pages have saved highlights, so a content script can tell without waking the background
 * (most pages a reader opens have none). The index holds salted hashes of the page keys, never the
 * addresses: what any content script can read does not list the pages the reader annotated.
 */
export const PAGE_INDEX_KEY = 'pageIndex';

export interface PageIndex {
  salt: string;
  pages: Record<string, 1>;
}

export async function pageHasHighlights(key: string): Promise<boolean> {
  return indexHasPage((await browser.storage.local.get(PAGE_INDEX_KEY))[PAGE_INDEX_KEY], key);
}

/** Whether a page index (as read from storage, unchecked) lists the page `key`. */
function indexHasPage(v: unknown, key: string): boolean {
  const index = v as PageIndex | undefined;
  if (!index || typeof index.salt !== 'string' || typeof index.pages !== 'object' || index.pages === null) return false;
  return Object.hasOwn(index.pages, pageIndexHash(index.salt, key));
}

/**
 * The compiled dictionary of every enabled pack, written by the background whenever a pack
 * changes and read by content scripts straight from storage: a page load never compiles, and
 * never wakes the background for it.
 */
export const DICTIONARY_KEY = 'dictionary';

export interface StoredDictionary {
  /** Which seed pack build and which pack contents it was compiled from. */
  stamp: string;
  /** Packed into a few strings, which storage hands to a page far faster (see stored-dictionary.ts); without the entities' ids and names. */
  packed: PagePackedDictionary;
}

/** Storage key of the compiled dictionary's entity ids and names, kept apart: a page reads them when it first shows an entity. */
export const ENTITY_TEXT_KEY = 'dictionaryEntities';

/** The storage entries of a compiled dictionary: what pages read on load, and apart from it its entities' ids and names. */
export function storedDictionaryEntries(stamp: string, packed: PackedDictionary): Record<string, unknown> {
  const { page, text } = splitPacked(packed);
  return { [DICTIONARY_KEY]: { stamp, packed: page } satisfies StoredDictionary, [ENTITY_TEXT_KEY]: { stamp, ...text } };
}

/** The ids and names of the stored dictionary `stamp`; throws when storage holds another's (it changed since). */
export async function readEntityText(stamp: string): Promise<EntityText> {
  const v = (await browser.storage.local.get(ENTITY_TEXT_KEY))[ENTITY_TEXT_KEY] as Partial<EntityText & { stamp: string }> | undefined;
  if (!v || v.stamp !== stamp || typeof v.entityIds !== 'string' || typeof v.entityNames !== 'string') throw new Error('stored dictionary: its entity names are missing or belong to another version');
  return { entityIds: v.entityIds, entityNames: v.entityNames };
}

export async function readStoredDictionary(): Promise<StoredDictionary | null> {
  return storedDictionaryOf((await browser.storage.local.get(DICTIONARY_KEY))[DICTIONARY_KEY]);
}

function storedDictionaryOf(value: unknown): StoredDictionary | null {
  const v = value as StoredDictionary | undefined;
  return v && typeof v === 'object' && typeof v.stamp === 'string' && isPackedDictionary(v.packed) ? v : null;
}

/** What a page needs from storage to start, read in one round trip to the browser instead of four. */
export interface PageStart {
  pausedSites: string[];
  dictionary: StoredDictionary | null;
  autoSaveHint: number;
  /** Whether the page index lists `key` (false for a null key). */
  hasHighlights: boolean;
}

export async function readPageStart(key: string | null): Promise<PageStart> {
  const got = await browser.storage.local.get([PAUSED_SITES_KEY, DICTIONARY_KEY, AUTO_SAVE_HINT_KEY, PAGE_INDEX_KEY]);
  return {
    pausedSites: pausedSitesOf(got[PAUSED_SITES_KEY]),
    dictionary: storedDictionaryOf(got[DICTIONARY_KEY]),
    autoSaveHint: autoSaveHintOf(got[AUTO_SAVE_HINT_KEY]),
    hasHighlights: key !== null && indexHasPage(got[PAGE_INDEX_KEY], key),
  };
}

