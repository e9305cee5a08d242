/**
 * The coverage database, owned by the background. One object store of articles keyed by an id
 * the writer derives from the article (so a retried write overwrites rather than duplicates),
 * with a multi-entry index on the entities each mentions: "articles mentioning X" and
 * "articles sharing entities with this page" are index look-ups, never scans.
 *
 * Upgrades are steps run in order (`oldVersion < n`); each keeps every record.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { rankRelated, type ArticleRecord, type RelatedItem } from '../core/coverage.ts';

export const DB_NAME = 'newsgloss-coverage';
export const DB_VERSION = 1;

export interface CoverageSchema extends DBSchema {
  articles: {
    key: string;
    value: ArticleRecord;
    indexes: { byEntity: string; bySavedAt: number };
  };
}

export type CoverageDb = IDBPDatabase<CoverageSchema>;

/** Opens (creating or upgrading) the database. `factory` lets tests pass fake-indexeddb. */
export function openCoverageDb(name = DB_NAME): Promise<CoverageDb> {
  return openDB<CoverageSchema>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        const articles = db.createObjectStore('articles', { keyPath: 'id' });
        articles.createIndex('byEntity', 'entityIds', { multiEntry: true });
        articles.createIndex('bySavedAt', 'savedAt');
      }
    },
  });
}

/** Stores articles in one transaction; resolves only once it has committed. */
export async function putArticles(db: CoverageDb, records: readonly ArticleRecord[]): Promise<void> {
  const tx = db.transaction('articles', 'readwrite');
  await Promise.all([...records.map((r) => tx.store.put(r)), tx.done]);
}

/** Number of stored articles mentioning each entity. */
async function documentFrequencies(db: CoverageDb, entities: Iterable<string>): Promise<Map<string, number>> {
  const tx = db.transaction('articles');
  const index = tx.store.index('byEntity');
  const pairs = await Promise.all([...entities].map(async (e) => [e, await index.count(e)] as const));
  await tx.done;
  return new Map(pairs);
}

/**
 * Related coverage for a page mentioning `pageEntities`: candidates come from the entity index
 * (keys only), are scored by shared-entity weight, and only the best `limit` (plus any
 * duplicates among them) are read in full.
 */
export async function relatedCoverage(
  db: CoverageDb,
  pageEntities: ReadonlySet<string>,
  limit = 20,
  exclude: { id?: string; url?: string | null } = {},
): Promise<RelatedItem[]> {
  if (pageEntities.size === 0) return [];
  const total = await db.count('articles');
  const df = await documentFrequencies(db, pageEntities);
  const tx = db.transaction('articles');
  const index = tx.store.index('byEntity');
  const scores = new Map<string, number>();
  await Promise.all(
    [...pageEntities].map(async (e) => {
      const weight = Math.log(1 + total / Math.max(1, df.get(e) ?? 1));
      for (const id of await index.getAllKeys(e)) scores.set(id, (scores.get(id) ?? 0) + weight);
    }),
  );
  // Read a margin beyond the limit: duplicates fold into one item.
  const best = [...scores].sort((a, b) => b[1] - a[1]).slice(0, limit * 2 + 2).map(([id]) => id);
  const records = (await Promise.all(best.map((id) => tx.store.get(id)))).filter((r): r is ArticleRecord => r !== undefined);
  await tx.done;
  return rankRelated(pageEntities, records, df, total, exclude).slice(0, limit);
}

/** Every stored article mentioning `entity`, oldest first (undated last), for its timeline. */
export async function entityTimeline(db: CoverageDb, entity: string): Promise<ArticleRecord[]> {
  const records = await db.getAllFromIndex('articles', 'byEntity', entity);
  return records.sort((a, b) => (a.published ?? '9999').localeCompare(b.published ?? '9999') || a.id.localeCompare(b.id));
}
