/**
 * The one module that touches the WebExtension API. Everything else asks it, so the browser
 * differences stay in one place.
 */
import type Browser from 'webextension-polyfill';
import { browser, send } from './runtime.ts';
import type { PageMessageMap, PageMessageType, PageRequest } from '../messages.ts';
import { BASE64_TABLES, isPackedDictionary, splitPacked, type PackedDictionary, type PagePackedDictionary } from '../core/stored-dictionary.ts';
import { namesById, type EntityText } from '../core/entity-table.ts';
import type { Settings } from '../background/settings-store.ts';
import type { CopyArea } from '../background/related-copy-store.ts';
import { pageIndexHash } from '../core/highlights.ts';
import { cutLongStrings, joinPieces, PIECE_CHARS, pieceCount, pieceKey, stalePieceKeys } from '../core/stored-pieces.ts';
import { assembleAutomaton, isSplitAutomaton, splitAutomaton, SPLIT_MIN_STATES, type AutomatonPart } from '../core/automaton-parts.ts';
import { base64ToBytes, bytesToBase64, type SerializedAutomaton } from '../core/automaton.ts';
import { entityIndexBytes } from '../core/dictionary.ts';

export { browser, send, type Browser } from './runtime.ts';

/**
 * The keys in local storage, without their values where the browser can (`getKeys`): `get(null)`
 * would read a reader's dictionary whole, 21 MB with 100,000 entities, only to list it.
 */
export async function localStorageKeys(): Promise<string[]> {
  const area = browser.storage.local as Browser.Storage.StorageArea & { getKeys?: () => Promise<string[]> };
  return typeof area.getKeys === 'function' ? await area.getKeys() : Object.keys(await area.get(null));
}

/**
 * Session storage, where the background keeps the ranking copy for the popup: in memory, and
 * readable by extension pages only (content scripts are refused it unless the extension opens it
 * to them, which it never does).
 */
export function sessionArea(): CopyArea {
  return browser.storage.session as unknown as CopyArea;
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
  return indexHasPage((await browser.storage.local.get(PAGE_INDEX_KEY))[PAGE_INDEX_KEY], () => key);
}

/** Whether an index's pages hold any, without listing a reader's thousands of them. */
function listsAnyPage(pages: object): boolean {
  for (const page in pages) if (Object.hasOwn(pages, page)) return true;
  return false;
}

/**
 * Whether a page index (as read from storage, unchecked) lists the page `key`. The key is worked
 * out only for an index that lists any page: for a reader who saved none, a page does not pay
 * for reading its canonical link and normalising its address (0.3-0.7 ms in a profile).
 */
function indexHasPage(v: unknown, key: () => string | null): boolean {
  const index = v as PageIndex | undefined;
  if (!index || typeof index.salt !== 'string' || typeof index.pages !== 'object' || index.pages === null) return false;
  if (!listsAnyPage(index.pages)) return false;
  const k = key();
  return k !== null && Object.hasOwn(index.pages, pageIndexHash(index.salt, k));
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

/**
 * The storage writes of a compiled dictionary, in order: a large automaton's parts with its term
 * tables (see automaton-parts.ts), a few to a write; the pieces of its long strings (see
 * stored-pieces.ts), one key a write; then in one write what pages read on load and, apart from
 * it, its entities' ids and names. Pages read the records, so until the last write they read the
 * previous version whole, whose pieces are under other keys.
 */
export function storedDictionaryWrites(stamp: string, packed: PackedDictionary): Record<string, unknown>[] {
  const { page, text } = splitPacked(packed);
  const writes: Record<string, unknown>[] = [];
  const records: Record<string, unknown> = {};
  // A large automaton in parts (automaton-parts.ts), as many to a write as fit in a piece, with its
  // term tables: a page then reads the entities and flags of the terms its text can match only.
  const whole = isSplitAutomaton(page.automaton) || page.automaton.states < SPLIT_MIN_STATES ? null : (page.automaton as SerializedAutomaton<string>);
  const parted = whole
    ? splitAutomaton(whole, { terms: { entity: base64ToBytes(page.termEntity), width: entityIndexBytes(page.entityKinds.length), flags: base64ToBytes(page.termFlags) } })
    : null;
  if (parted) {
    let batch: Record<string, unknown> = {};
    let chars = 0;
    parted.parts.forEach((part, k) => {
      const size = JSON.stringify(part).length;
      if (chars > 0 && chars + size > PIECE_CHARS) {
        writes.push(batch);
        [batch, chars] = [{}, 0];
      }
      batch[dictionaryPartKey(stamp, k)] = part;
      chars += size;
    });
    writes.push(batch);
    page.automaton = parted.split;
    page.termEntity = '';
    page.termFlags = '';
  }
  for (const [key, value] of [[DICTIONARY_KEY, { stamp, packed: page } satisfies StoredDictionary], [ENTITY_TEXT_KEY, { stamp, ...text }]] as const) {
    const { skeleton, pieces } = cutLongStrings(value);
    pieces.forEach((piece, n) => writes.push({ [pieceKey(key, stamp, n)]: piece }));
    records[key] = skeleton;
  }
  writes.push(records);
  return writes;
}

/**
 * Storage key of part `k` of dictionary `stamp`'s automaton, stored in parts (see
 * automaton-parts.ts): named as its pieces are, so that a newer version's write removes it with them.
 */
export function dictionaryPartKey(stamp: string, k: number): string {
  return `${DICTIONARY_KEY}~${stamp}~part${k}`;
}

/** Parts `parts` of dictionary `stamp`'s automaton, in one request; null for one not there (a newer version removed it). */
export async function readDictionaryParts(stamp: string, parts: readonly number[]): Promise<unknown[]> {
  const keys = parts.map((k) => dictionaryPartKey(stamp, k));
  const got = await browser.storage.local.get(keys);
  return keys.map((k) => got[k] ?? null);
}

/**
 * The stored dictionary with its automaton whole, its parts read and put together where it is
 * stored in parts: for readers other than the scanner module, which reads only the parts a page
 * needs. Throws where a part is missing.
 */
export async function wholeStoredDictionary({ stamp, packed }: StoredDictionary): Promise<StoredDictionary> {
  if (!isSplitAutomaton(packed.automaton)) return { stamp, packed };
  const split = packed.automaton;
  const parts = await readDictionaryParts(stamp, split.partFirst.map((_, k) => k));
  if (parts.some((p) => p === null)) throw new Error('stored dictionary: a part of its automaton is missing (another version replaced it)');
  const { automaton, terms } = assembleAutomaton(split, parts as AutomatonPart[]);
  const tables = terms ? { termEntity: bytesToBase64(terms.entity), termFlags: bytesToBase64(terms.flags) } : {};
  return { stamp, packed: { ...packed, ...tables, automaton } };
}

/** Writes a compiled dictionary (storedDictionaryWrites), then removes the pieces of any other version, one key a write. */
export async function writeStoredDictionary(stamp: string, packed: PackedDictionary): Promise<void> {
  for (const entries of storedDictionaryWrites(stamp, packed)) await browser.storage.local.set(entries);
  for (const batch of staleDictionaryKeys(await localStorageKeys(), stamp)) await browser.storage.local.remove(batch);
}

/** Parts of a stored automaton removed in one request (about half a megabyte, as a piece). */
const PARTS_A_REMOVAL = 24;

/**
 * The keys of other versions' pieces and parts among `keys`, in the requests that remove them:
 * a piece alone, parts a few at a time (each request is a task of the browser's main thread,
 * which is handed what it removes; hundreds of parts one by one made many).
 */
export function staleDictionaryKeys(keys: readonly string[], stamp: string): string[][] {
  const stale = [DICTIONARY_KEY, ENTITY_TEXT_KEY].flatMap((k) => stalePieceKeys(keys, k, stamp));
  const parts = stale.filter((k) => PART_KEY.test(k));
  const batches = stale.filter((k) => !PART_KEY.test(k)).map((k) => [k]);
  for (let i = 0; i < parts.length; i += PARTS_A_REMOVAL) batches.push(parts.slice(i, i + PARTS_A_REMOVAL));
  return batches;
}

const PART_KEY = /~part\d+$/;

/**
 * The record stored under `key` with its long strings joined from their pieces. Null when a piece
 * is gone: a newer version was written meanwhile and removed them.
 */
async function joinedRecord(key: string, record: unknown): Promise<unknown> {
  // A dictionary's base64 tables stay in pieces, which the decoders read one by one.
  const inPieces = key === DICTIONARY_KEY ? BASE64_TABLES : undefined;
  const count = pieceCount(record);
  const stamp = (record as { stamp?: unknown } | undefined)?.stamp;
  if (count === 0) return record;
  if (typeof stamp !== 'string') return null;
  const keys = Array.from({ length: count }, (_, n) => pieceKey(key, stamp, n));
  // All in one request: the same pieces in several requests cost a page 12–17 ms more in making
  // the replies into values (100,000 reader entities, 2 to 4 pieces a request; outside-bench.ts).
  const got = await browser.storage.local.get(keys);
  const pieces = keys.map((k) => got[k]);
  return joinPieces(record as Record<string, unknown>, pieces, inPieces);
}

/** Reads `key`'s record whole (from `got`, a read that already holds it, if given); read again should a newer version replace its pieces meanwhile. */
async function readRecord(key: string, got?: Record<string, unknown>): Promise<unknown> {
  let record = (got ?? (await browser.storage.local.get(key)))[key];
  for (let attempt = 0; attempt < 3; attempt++) {
    const joined = await joinedRecord(key, record);
    if (joined !== null) return joined;
    record = (await browser.storage.local.get(key))[key];
  }
  return null;
}

/** The ids and names of the stored dictionary `stamp`; throws when storage holds another's (it changed since). */
export async function readEntityText(stamp: string): Promise<EntityText> {
  const v = (await readRecord(ENTITY_TEXT_KEY)) as Partial<EntityText & { stamp: string }> | null;
  if (!v || v.stamp !== stamp || typeof v.entityIds !== 'string' || typeof v.entityNames !== 'string') throw new Error('stored dictionary: its entity names are missing or belong to another version');
  return { entityIds: v.entityIds, entityNames: v.entityNames };
}

/**
 * The names of the stored dictionary's entities `wanted`, by id, read from storage alone: the
 * background never sends the whole compiled dictionary (13 MB with 100,000 reader entities) to
 * label a few ids. Null where storage does not hold them yet, or holds them damaged.
 */
export async function readEntityNames(wanted: Iterable<string>): Promise<Map<string, string> | null> {
  const v = (await readRecord(ENTITY_TEXT_KEY)) as Partial<EntityText> | null;
  if (!v || typeof v.entityIds !== 'string' || typeof v.entityNames !== 'string') return null;
  try {
    return namesById({ entityIds: v.entityIds, entityNames: v.entityNames }, wanted);
  } catch {
    return null;
  }
}

export async function readStoredDictionary(): Promise<StoredDictionary | null> {
  return storedDictionaryOf(await readRecord(DICTIONARY_KEY));
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

/** What page `key` of `site` needs to start; a paused site gets no dictionary (a large one's pieces are not read). */
export async function readPageStart(key: () => string | null, site: string): Promise<PageStart> {
  const got = await browser.storage.local.get([PAUSED_SITES_KEY, DICTIONARY_KEY, AUTO_SAVE_HINT_KEY, PAGE_INDEX_KEY]);
  const pausedSites = pausedSitesOf(got[PAUSED_SITES_KEY]);
  return {
    pausedSites,
    dictionary: pausedSites.includes(site) ? null : storedDictionaryOf(await readRecord(DICTIONARY_KEY, got)),
    autoSaveHint: autoSaveHintOf(got[AUTO_SAVE_HINT_KEY]),
    hasHighlights: indexHasPage(got[PAGE_INDEX_KEY], key),
  };
}

