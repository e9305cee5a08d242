/**
 * A benchmark's own dictionary in the extension's storage, written from its background as a
 * compile writes it: under a stamp of the installed build, so the background keeps it.
 */
import type { PackedDictionary } from '../../src/core/stored-dictionary.ts';
import type { PageRequest } from '../../src/messages.ts';
import { DICTIONARY_KEY, staleDictionaryKeys, storedDictionaryWrites } from '../../src/platform/browser.ts';

/** What runs a function in the extension's background: playwright's Worker, or a test browser's `inBackground`. */
export interface Background {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

interface StorageArea {
  get(key: string): Promise<Record<string, { stamp?: string } | undefined>>;
  set(entries: object): Promise<void>;
  getKeys(): Promise<string[]>;
  remove(keys: string | string[]): Promise<void>;
}

/** The build part of the stamp of the dictionary the background wrote on install, once it is there. */
export function installedBuild(worker: Background): Promise<string> {
  return worker.evaluate(async (key) => {
    const area = (globalThis as unknown as { chrome: { storage: { local: StorageArea } } }).chrome.storage.local;
    for (;;) {
      const stamp = (await area.get(key))[key]?.stamp;
      if (stamp) return stamp.split(':')[0];
      await new Promise((r) => setTimeout(r, 50));
    }
  }, DICTIONARY_KEY);
}

/**
 * Writes `packed` under this build's stamp, `tag` telling one write from another, in the
 * background's order (its pieces, the records, other versions' pieces removed), and tells open
 * tabs as the background tells them after a compile (it does not listen to storage changes).
 */
export async function writeBenchDictionary(worker: Background, build: string, packed: PackedDictionary, tag: string): Promise<void> {
  const stamp = `${build}:bench-${tag}`;
  for (const entries of storedDictionaryWrites(stamp, packed)) await writeStorage(worker, entries);
  const keys = await worker.evaluate(() => (globalThis as unknown as { chrome: { storage: { local: StorageArea } } }).chrome.storage.local.getKeys(), undefined);
  await worker.evaluate(async (stale) => {
    for (const batch of stale) await (globalThis as unknown as { chrome: { storage: { local: StorageArea } } }).chrome.storage.local.remove(batch);
  }, staleDictionaryKeys(keys, stamp));
  await worker.evaluate(async (message) => {
    const tabs = (globalThis as unknown as { chrome: { tabs: TabsApi } }).chrome.tabs;
    const open = await tabs.query({ url: ['http://*/*', 'https://*/*'] });
    await Promise.all(open.map((t) => (t.id === undefined ? null : tabs.sendMessage(t.id, message).catch(() => null))));
  }, { type: 'page/stored-changed', key: 'dictionary' } satisfies PageRequest<'page/stored-changed'>);
}

interface TabsApi {
  query(q: object): Promise<{ id?: number }[]>;
  sendMessage(tabId: number, message: unknown): Promise<unknown>;
}

/** Writes entries to the extension's local storage from its background. */
export async function writeStorage(worker: Background, entries: Record<string, unknown>): Promise<void> {
  await worker.evaluate((entries) => (globalThis as unknown as { chrome: { storage: { local: StorageArea } } }).chrome.storage.local.set(entries), entries);
}
