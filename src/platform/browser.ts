/**
 * The one module that touches the WebExtension API. Everything else asks it, so the browser
 * differences and the polyfill stay in one place.
 */
import browser from 'webextension-polyfill';
import type { MessageMap, MessageType, PageMessageMap, PageMessageType, PageRequest, Request } from '../messages.ts';
import type { CompiledDictionary } from '../core/dictionary.ts';

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

/** Automatic saving of articles as coverage: off by default, and local to this browser. */
export interface AutoSaveSetting {
  enabled: boolean;
  /** Entity mentions a page needs before it is saved. */
  minMentions: number;
}
export const AUTO_SAVE_KEY = 'autoSave';
export const AUTO_SAVE_DEFAULT: AutoSaveSetting = { enabled: false, minMentions: 8 };

export async function readAutoSave(): Promise<AutoSaveSetting> {
  const v = (await browser.storage.local.get(AUTO_SAVE_KEY))[AUTO_SAVE_KEY] as Partial<AutoSaveSetting> | undefined;
  return {
    enabled: v?.enabled === true,
    minMentions: typeof v?.minMentions === 'number' && v.minMentions > 0 ? Math.floor(v.minMentions) : AUTO_SAVE_DEFAULT.minMentions,
  };
}

/** The name this reader signs highlights with (set on the options page; shared in exported files). */
export const READER_NAME_KEY = 'readerName';

export async function readReaderName(): Promise<string> {
  const v: unknown = (await browser.storage.local.get(READER_NAME_KEY))[READER_NAME_KEY];
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, 100) : '';
}

/** This reader's stable id in exported files, made once per browser profile. */
export const READER_ID_KEY = 'readerId';

export async function readReader(): Promise<{ id: string; name: string }> {
  const got = await browser.storage.local.get([READER_ID_KEY, READER_NAME_KEY]);
  let id = got[READER_ID_KEY];
  if (typeof id !== 'string' || !id.startsWith('urn:uuid:')) {
    id = `urn:uuid:${crypto.randomUUID()}`;
    await browser.storage.local.set({ [READER_ID_KEY]: id });
  }
  const name = got[READER_NAME_KEY];
  return { id: id as string, name: typeof name === 'string' ? name.trim().slice(0, 100) : '' };
}

/**
 * Which pages have saved highlights, kept by the background as one small entry per page key
 * (`hl:` + key → count), so a content script can tell without waking the background: most pages
 * a reader opens have none.
 */
export const HIGHLIGHT_PAGE_PREFIX = 'hl:';

export async function pageHasHighlights(key: string): Promise<boolean> {
  const name = HIGHLIGHT_PAGE_PREFIX + key;
  const v: unknown = (await browser.storage.local.get(name))[name];
  return typeof v === 'number' && v > 0;
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
