/**
 * The one module that touches the WebExtension API. Everything else asks it, so the browser
 * differences and the polyfill stay in one place.
 */
import browser from 'webextension-polyfill';
import type { MessageMap, MessageType, PageMessageMap, PageMessageType, PageRequest, Request } from '../messages.ts';
import type { CompiledDictionary } from '../core/dictionary.ts';
import type { Settings } from '../background/settings-store.ts';
import { pageIndexHash } from '../core/highlights.ts';

export { browser };

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
  const got = await browser.storage.local.get(PAUSED_SITES_KEY);
  const list = got[PAUSED_SITES_KEY];
  return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : [];
}

/** Calls `listener` whenever the paused-site list changes; returns the unsubscribe function. */
export function onPausedSitesChanged(listener: (sites: string[]) => void): () => void {
  const handler = (changes: Record<string, browser.Storage.StorageChange>, area: string): void => {
    if (area !== 'local' || !(PAUSED_SITES_KEY in changes)) return;
    const v: unknown = changes[PAUSED_SITES_KEY].newValue;
    listener(Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
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
  const v: unknown = (await browser.storage.local.get(AUTO_SAVE_HINT_KEY))[AUTO_SAVE_HINT_KEY];
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
  const v = (await browser.storage.local.get(PAGE_INDEX_KEY))[PAGE_INDEX_KEY] as PageIndex | undefined;
  if (!v || typeof v.salt !== 'string' || typeof v.pages !== 'object' || v.pages === null) return false;
  return Object.hasOwn(v.pages, pageIndexHash(v.salt, key));
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
  compiled: CompiledDictionary;
}

export async function readStoredDictionary(): Promise<StoredDictionary | null> {
  const v = (await browser.storage.local.get(DICTIONARY_KEY))[DICTIONARY_KEY] as StoredDictionary | undefined;
  return v && typeof v === 'object' && typeof v.stamp === 'string' && v.compiled?.format === 2 ? v : null;
}

/** Calls `listener` with the new dictionary whenever the background writes one. */
export function onDictionaryChanged(listener: (d: StoredDictionary) => void): () => void {
  const handler = (changes: Record<string, browser.Storage.StorageChange>, area: string): void => {
    if (area !== 'local' || !(DICTIONARY_KEY in changes)) return;
    const v = changes[DICTIONARY_KEY].newValue as StoredDictionary | undefined;
    if (v && v.compiled?.format === 2) listener(v);
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
}
