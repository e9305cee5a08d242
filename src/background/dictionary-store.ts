/**
 * The reader's dictionary in IndexedDB (the coverage database's `entities`, `packs` and
 * `dismissed` stores): read by the background to compile, by the dictionary page to list, and
 * written in one transaction per change, so a stopped worker or a closed page leaves nothing
 * half-written. Also the compiled dictionary as content scripts read it.
 */
import { SEED_PACK_ID, type EntityRecord } from '../core/dictionary.ts';
import {
  MINE_PACK_ID, planPackImport,
  type DictionaryPack, type ParsedPack, type PackPlan, type UserEntity,
} from '../core/user-entities.ts';
import type { CoverageDb } from './coverage-db.ts';

/** Packs in the order their entities are compiled: the seed pack first, then by date added. */
export async function listPacks(db: CoverageDb): Promise<DictionaryPack[]> {
  const packs = await db.getAll('packs');
  const rank = (p: DictionaryPack) => (p.id === SEED_PACK_ID ? 0 : p.id === MINE_PACK_ID ? 1 : 2);
  return packs.sort((a, b) => rank(a) - rank(b) || (a.added < b.added ? -1 : a.added > b.added ? 1 : 0));
}

/** Every entity of the enabled packs, seed records first, in compile order. */
export async function enabledEntities(db: CoverageDb, seedRecords: readonly EntityRecord[]): Promise<{ packs: DictionaryPack[]; entities: EntityRecord[] }> {
  const packs = await listPacks(db);
  const tx = db.transaction('entities');
  const index = tx.store.index('byPack');
  const lists = await Promise.all(packs.map((p) => (p.enabled && p.id !== SEED_PACK_ID ? index.getAll(p.id) : Promise.resolve([]))));
  await tx.done;
  const entities: EntityRecord[] = [];
  packs.forEach((p, i) => {
    if (!p.enabled) return;
    if (p.id === SEED_PACK_ID) entities.push(...seedRecords);
    else entities.push(...lists[i].sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0)));
  });
  return { packs, entities };
}

/** Writes one entity (new or changed) in its own transaction; its pack must exist. */
export async function putEntity(db: CoverageDb, entity: UserEntity): Promise<void> {
  const tx = db.transaction(['entities', 'packs'], 'readwrite');
  const pack = await tx.objectStore('packs').get(entity.pack);
  if (!pack || pack.id === SEED_PACK_ID) {
    tx.abort();
    throw new Error(`there is no pack "${entity.pack}" to add to`);
  }
  await Promise.all([tx.objectStore('entities').put(entity), tx.done]);
}

export async function deleteEntity(db: CoverageDb, id: string): Promise<boolean> {
  const tx = db.transaction('entities', 'readwrite');
  const found = await tx.store.getKey(id);
  if (found !== undefined) await tx.store.delete(id);
  await tx.done;
  return found !== undefined;
}

export async function setPackEnabled(db: CoverageDb, id: string, enabled: boolean): Promise<void> {
  const tx = db.transaction('packs', 'readwrite');
  const pack = await tx.store.get(id);
  if (pack) await tx.store.put({ ...pack, enabled });
  await tx.done;
}

/** Removes a pack and every entity in it, in one transaction (the built-in and own packs stay). */
export async function deletePack(db: CoverageDb, id: string): Promise<number> {
  if (id === SEED_PACK_ID || id === MINE_PACK_ID) throw new Error('the built-in pack and your own entities cannot be removed; switch them off instead');
  const tx = db.transaction(['packs', 'entities'], 'readwrite');
  const keys = await tx.objectStore('entities').index('byPack').getAllKeys(id);
  await Promise.all([...keys.map((k) => tx.objectStore('entities').delete(k)), tx.objectStore('packs').delete(id), tx.done]);
  return keys.length;
}

/** What an import would do, as the dictionary page previews it. */
export interface PackPreview {
  format: ParsedPack['format'];
  pack: { id: string; name: string; author?: { id: string; name: string }; exists: boolean };
  total: number;
  added: number;
  updated: number;
  conflicts: number;
  unchanged: number;
  skipped: number;
  /** Authors named on the entities, with how many each. */
  authors: { name: string; count: number }[];
  rejected: ParsedPack['rejected'];
  notes: string[];
  /** A few entities of each kind of change, to show. */
  samples: { change: 'new' | 'changed' | 'conflict'; name: string; kind: string; author: string }[];
}

async function planFor(db: CoverageDb, parsed: ParsedPack, readerId: string): Promise<PackPlan> {
  const tx = db.transaction('entities');
  const found = await Promise.all(parsed.entities.map((e) => tx.store.get(e.id)));
  await tx.done;
  const existing = new Map<string, UserEntity>();
  for (const e of found) if (e) existing.set(e.id, e);
  return planPackImport(existing, parsed.entities, readerId);
}

export async function previewPack(db: CoverageDb, parsed: ParsedPack, readerId: string): Promise<PackPreview> {
  const plan = await planFor(db, parsed, readerId);
  const authors = new Map<string, number>();
  for (const e of parsed.entities) {
    const name = e.author?.name || parsed.pack.author?.name || '(not named)';
    authors.set(name, (authors.get(name) ?? 0) + 1);
  }
  const sample = (change: PackPreview['samples'][number]['change'], list: UserEntity[]) =>
    list.slice(0, 8).map((e) => ({ change, name: e.name, kind: e.kind, author: e.author?.name ?? '' }));
  return {
    format: parsed.format,
    pack: { ...parsed.pack, exists: (await db.get('packs', parsed.pack.id)) !== undefined },
    total: parsed.entities.length,
    added: plan.added.length, updated: plan.updated.length, conflicts: plan.conflicts.length, unchanged: plan.unchanged,
    skipped: parsed.skipped,
    authors: [...authors].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count),
    rejected: parsed.rejected.slice(0, 200),
    notes: parsed.notes.slice(0, 50),
    samples: [...sample('new', plan.added), ...sample('changed', plan.updated), ...sample('conflict', plan.conflicts)],
  };
}

/**
 * Imports a parsed pack: planned again inside the one read-write transaction that writes it, so
 * nothing else changes the entities in between; all or nothing.
 */
export async function applyPack(db: CoverageDb, parsed: ParsedPack, readerId: string, now = new Date()): Promise<PackPreview> {
  const preview = await previewPack(db, parsed, readerId);
  const tx = db.transaction(['entities', 'packs'], 'readwrite');
  const entities = tx.objectStore('entities');
  const found = await Promise.all(parsed.entities.map((e) => entities.get(e.id)));
  const existing = new Map<string, UserEntity>();
  for (const e of found) if (e) existing.set(e.id, e);
  let plan: PackPlan;
  try {
    plan = planPackImport(existing, parsed.entities, readerId);
  } catch (error) {
    tx.abort();
    await tx.done.catch(() => undefined);
    throw error;
  }
  const packs = tx.objectStore('packs');
  const ops: Promise<unknown>[] = [];
  if (!(await packs.get(parsed.pack.id))) {
    ops.push(packs.put({
      id: parsed.pack.id, name: parsed.pack.name, enabled: true, origin: parsed.format === 'ftm' ? 'ftm' : 'pack',
      ...(parsed.pack.author ? { author: parsed.pack.author } : {}), added: now.toISOString(),
    }));
  }
  for (const e of [...plan.added, ...plan.updated, ...plan.conflicts]) ops.push(entities.put(e));
  await Promise.all([...ops, tx.done]);
  return preview;
}

/** Keeps the current version of an entity in conflict (-1) or adopts the set-aside one at `adopt`. */
export async function resolveEntity(db: CoverageDb, id: string, adopt: number, now = new Date()): Promise<UserEntity | null> {
  const tx = db.transaction('entities', 'readwrite');
  const found = await tx.store.get(id);
  const chosen = found && adopt >= 0 ? found.conflicts?.[adopt] : undefined;
  if (!found || (adopt >= 0 && !chosen)) {
    await tx.done;
    return null;
  }
  const resolved: UserEntity = chosen
    ? { ...found, ...chosen, modified: now.toISOString(), conflicts: undefined }
    : { ...found, conflicts: undefined };
  await Promise.all([tx.store.put(resolved), tx.done]);
  return resolved;
}

/** A reader's edit of an entity: it becomes theirs to sync from, the old version forgotten. */
export function editedEntity(before: UserEntity, after: UserEntity, now = new Date()): UserEntity {
  return { ...after, id: before.id, pack: before.pack, created: before.created, modified: now.toISOString(), syncBase: before.syncBase, conflicts: before.conflicts };
}
