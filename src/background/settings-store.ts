/**
 * The reader's settings, kept in the background's database where no content script reaches them:
 * the name and id that sign highlights and exported files, and the automatic-saving switch. Only
 * extension pages change them (through the background, which checks the sender). Content scripts
 * see one hint in storage, the automatic-saving threshold, which only decides whether a page
 * wakes the background: the background checks the setting itself.
 */
import type { CoverageDb } from './coverage-db.ts';

export interface AutoSaveSetting {
  enabled: boolean;
  /** Entity mentions a page needs before it is saved. */
  minMentions: number;
}
export const AUTO_SAVE_DEFAULT: AutoSaveSetting = { enabled: false, minMentions: 8 };

export interface Settings {
  reader: { id: string; name: string };
  autoSave: AutoSaveSetting;
}

/** Keys these settings had in extension storage before they moved here. */
export const OLD_STORAGE_KEYS = { readerName: 'readerName', readerId: 'readerId', autoSave: 'autoSave' } as const;

export function cleanName(v: unknown): string {
  return typeof v === 'string' ? v.replace(/\s+/g, ' ').trim().slice(0, 100) : '';
}

export function cleanAutoSave(v: unknown): AutoSaveSetting {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Partial<AutoSaveSetting>;
  const min = typeof o.minMentions === 'number' && Number.isFinite(o.minMentions) && o.minMentions >= 1 ? Math.min(1000, Math.floor(o.minMentions)) : AUTO_SAVE_DEFAULT.minMentions;
  return { enabled: o.enabled === true, minMentions: min };
}

const isReaderId = (v: unknown): v is string => typeof v === 'string' && /^urn:uuid:[0-9a-f-]{36}$/i.test(v);

/**
 * Reads the settings; the reader id is made once, and settings an older version kept in
 * extension storage (`legacy`) are taken over the first time (one transaction, so a stopped worker
 * leaves them either moved or not).
 */
export async function readSettings(db: CoverageDb, legacy: Record<string, unknown> = {}): Promise<Settings> {
  const tx = db.transaction('settings', 'readwrite');
  const [name, id, autoSave] = await Promise.all(['readerName', 'readerId', 'autoSave'].map((k) => tx.store.get(k)));
  const settings: Settings = {
    reader: {
      id: isReaderId(id?.value) ? id.value : isReaderId(legacy.readerId) ? legacy.readerId : `urn:uuid:${crypto.randomUUID()}`,
      name: name ? cleanName(name.value) : cleanName(legacy.readerName),
    },
    autoSave: autoSave ? cleanAutoSave(autoSave.value) : cleanAutoSave(legacy.autoSave),
  };
  if (!id) await tx.store.put({ key: 'readerId', value: settings.reader.id });
  if (!name) await tx.store.put({ key: 'readerName', value: settings.reader.name });
  if (!autoSave) await tx.store.put({ key: 'autoSave', value: settings.autoSave });
  await tx.done;
  return settings;
}

/** Changes the reader's name or the automatic-saving switch. */
export async function writeSettings(db: CoverageDb, change: { readerName?: string; autoSave?: AutoSaveSetting }): Promise<void> {
  const tx = db.transaction('settings', 'readwrite');
  if (change.readerName !== undefined) await tx.store.put({ key: 'readerName', value: cleanName(change.readerName) });
  if (change.autoSave !== undefined) await tx.store.put({ key: 'autoSave', value: cleanAutoSave(change.autoSave) });
  await tx.done;
}
