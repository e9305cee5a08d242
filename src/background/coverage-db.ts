/**
 * The coverage database, owned by the background.
 *
 * - `articles`: full records, keyed by an id the writer derives from the article (so a retried
 *   write overwrites rather than duplicates); a multi-entry index on the entities each mentions.
 * - `highlights` (since v3): the reader's saved highlights, looked up by page (`bySource`).
 * - `mentions` (since v2): one small row per (entity, article) with the sentence, keyed
 *   [entity, published, id], so an entity's timeline is one key range read in date order without
 *   touching article texts; the article's address, title, outlet and language come from its card
 *   (rows that earlier versions wrote carry them too, and are read as they are).
 *
 * - `entities`, `packs`, `dismissed` (since v4): the reader's own dictionary (see
 *   dictionary-store.ts): entities by pack, the packs with their switch, dismissed proposals,
 *   and per article the candidates proposals are made from (found once, when it is stored).
 *
 * - `cards` (since v6): per article what the popup's ranking copy is built from (related-copy.ts),
 *   written with the article, so building the copy reads no article text.
 * - `settings` (since v5): the reader's name and id and the automatic-saving switch, written by
 *   the background alone at the request of extension pages (content scripts cannot reach it).
 * - `entityCounts` (since v5): how many articles mention each entity, kept in the same transaction
 *   as every article write, so a first related-coverage query after the worker started needs no
 *   count over the index; checked against the article count once per extension version and
 *   rebuilt when they differ.
 *
 * Related coverage is ranked from an in-memory entity → articles index, read per page that asks
 * (the popup opens the database itself) from the mentions store's keys for the rarer entities
 * and kept current on writes; only the winners are then read in full. The popup shows the ranking
 * copy's answer (related-copy-store.ts) while this one is read.
 *
 * Upgrades are steps run in order (`oldVersion < n`); each keeps every record and derives what the
 * new version adds.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore, type IDBPTransaction, type StoreNames } from 'idb';
import { rankRelated, type ArticleRecord, type RelatedItem } from '../core/coverage.ts';
import type { SavedHighlight } from '../core/highlights.ts';
import { MINE_PACK_ID, type DictionaryPack, type UserEntity } from '../core/user-entities.ts';
import { SEED_PACK_ID } from '../core/dictionary.ts';
import { articleCandidates, encodeCandidates } from '../core/proposals.ts';
import { POSTINGS_BUDGET, bestCandidates, cardRow, entitiesToRead, type CardRow } from '../core/related-copy.ts';

export const DB_NAME = 'newsgloss-coverage';
export const DB_VERSION = 6;

/**
 * One entity's mention in one article, for timelines. The article's description is its card's:
 * repeated in every row of an article (thirty entities and more in a long one), it made a third of
 * what the database held (39 against 26 KB an article of news length, in Chromium).
 */
export interface MentionRow {
  entity: string;
  /** The article's date, '9999' when unknown so undated articles sort last. */
  published: string;
  id: string;
  sentence: string;
}

/** A row as earlier versions wrote it, with its article's description (still stored, and read as it is). */
interface DescribedMentionRow extends MentionRow {
  url: string | null;
  title: string | null;
  outlet: string | null;
  lang: string | null;
}

/** One entry of an entity's timeline: the mention, with its article's address, title, outlet and language. */
export type TimelineRow = DescribedMentionRow;

export interface CoverageSchema extends DBSchema {
  articles: {
    key: string;
    value: ArticleRecord;
    indexes: { byEntity: string; bySavedAt: number };
  };
  mentions: {
    key: [string, string, string];
    value: MentionRow | DescribedMentionRow;
    indexes: { byArticle: string };
  };
  highlights: {
    key: string;
    value: SavedHighlight;
    indexes: { bySource: string; byModified: string };
  };
  entities: {
    key: string;
    value: UserEntity;
    indexes: { byPack: string };
  };
  packs: {
    key: string;
    value: DictionaryPack;
  };
  dismissed: {
    key: string;
    value: { key: string; text: string; at: string };
  };
  candidates: {
    key: string;
    value: CandidateRow;
  };
  settings: {
    key: string;
    value: { key: string; value: unknown };
  };
  entityCounts: {
    key: string;
    value: EntityCount;
  };
  cards: {
    key: string;
    value: CardRow;
  };
}

/**
 * How many stored articles mention an entity; the row TOTAL_ROW holds how many articles there are,
 * and WRITES_ROW how many article writes have committed.
 */
export interface EntityCount {
  entity: string;
  n: number;
}
const TOTAL_ROW = '\u0000total';
/**
 * Counts every article write (one a transaction), rewrites included: what tells a copy of the
 * store (the popup's ranking copy) that missed a write, which the article total does not when
 * the write changed a stored article.
 */
const WRITES_ROW = '\u0000writes';

/** What proposals need of one stored article: its description and its candidates, encoded. */
export interface CandidateRow {
  id: string;
  title: string | null;
  outlet: string | null;
  url: string | null;
  published: string | null;
  lang: string | null;
  list: string;
}

export function candidateRow(a: ArticleRecord): CandidateRow {
  return { id: a.id, title: a.title, outlet: a.outlet, url: a.url, published: a.published, lang: a.lang, list: encodeCandidates(articleCandidates(a.text)) };
}

export type CoverageDb = IDBPDatabase<CoverageSchema>;

export const UNDATED = '9999';

/** The timeline rows of one article. */
export function mentionRows(a: ArticleRecord): MentionRow[] {
  return a.mentions.map((m) => ({ entity: m.entity, published: a.published ?? UNDATED, id: a.id, sentence: m.sentence }));
}

type UpgradeTx = IDBPTransaction<CoverageSchema, StoreNames<CoverageSchema>[], 'versionchange'>;

/** Opens (creating or upgrading) the database. */
export function openCoverageDb(name = DB_NAME): Promise<CoverageDb> {
  return openDB<CoverageSchema>(name, DB_VERSION, {
    async upgrade(db, version, _newVersion, tx: UpgradeTx) {
      // A database another context opened without a version is an empty version 1: built from scratch.
      const oldVersion = db.objectStoreNames.contains('articles') ? version : 0;
      if (oldVersion < 1) {
        const articles = db.createObjectStore('articles', { keyPath: 'id' });
        articles.createIndex('byEntity', 'entityIds', { multiEntry: true });
        articles.createIndex('bySavedAt', 'savedAt');
      }
      if (oldVersion < 2) {
        const mentions = db.createObjectStore('mentions', { keyPath: ['entity', 'published', 'id'] });
        mentions.createIndex('byArticle', 'id');
        // Derive the rows of every article already stored (only this transaction's requests are awaited).
        for (let c = await tx.objectStore('articles').openCursor(); c; c = await c.continue()) {
          for (const row of mentionRows(c.value)) await tx.objectStore('mentions').put(row);
        }
      }
      if (oldVersion < 3) {
        const highlights = db.createObjectStore('highlights', { keyPath: 'id' });
        highlights.createIndex('bySource', 'source');
        highlights.createIndex('byModified', 'modified');
      }
      if (oldVersion < 4) {
        const entities = db.createObjectStore('entities', { keyPath: 'id' });
        entities.createIndex('byPack', 'pack');
        const packs = db.createObjectStore('packs', { keyPath: 'id' });
        const added = new Date().toISOString();
        await packs.put({ id: SEED_PACK_ID, name: 'Iran–China technology (built in)', enabled: true, origin: 'seed', added });
        await packs.put({ id: MINE_PACK_ID, name: 'My entities', enabled: true, origin: 'mine', added });
        db.createObjectStore('dismissed', { keyPath: 'key' });
        db.createObjectStore('candidates', { keyPath: 'id' });
      }
      if (oldVersion < 5) {
        db.createObjectStore('settings', { keyPath: 'key' });
        // Counted from the articles on the next start (their total differs from the empty row's).
        db.createObjectStore('entityCounts', { keyPath: 'entity' });
      }
      if (oldVersion < 6) {
        const cards = db.createObjectStore('cards', { keyPath: 'id' });
        for (let c = await tx.objectStore('articles').openCursor(); c; c = await c.continue()) await cards.put(cardRow(c.value));
      }
    },
  });
}

/**
 * The in-memory entity index: which articles mention each entity, loaded per entity on first use
 * (one native getAllKeys over the mentions store's keys) and kept current on every write.
 */
interface EntityIndex {
  byEntity: Map<string, Set<string>>;
  /** How many stored articles mention each entity counted so far (kept current on writes). */
  df: Map<string, number>;
  /** Stored articles, from the kept total row; null until first read. */
  total: number | null;
  /** Article writes committed, as the last query read them; null until one has. */
  writes: number | null;
}

const indexes = new WeakMap<CoverageDb, EntityIndex>();

function entityIndex(db: CoverageDb): EntityIndex {
  let idx = indexes.get(db);
  if (!idx) {
    idx = { byEntity: new Map(), df: new Map(), total: null, writes: null };
    indexes.set(db, idx);
  }
  return idx;
}

/**
 * Counts the stored articles (a walk over every key, so not on a query's path) and counts every
 * entity again when the kept total differs: the background does it once per extension version, when it first starts.
 */
export async function checkEntityCounts(db: CoverageDb): Promise<void> {
  const tx = db.transaction(['articles', 'entityCounts']);
  const [total, kept] = await Promise.all([tx.objectStore('articles').count(), tx.objectStore('entityCounts').get(TOTAL_ROW)]);
  await tx.done;
  if (kept?.n !== total) {
    await recountEntities(db);
    indexes.delete(db);
  }
}

/** Counts every entity's articles from the index (one key walk) and writes the counts in one transaction. */
export async function recountEntities(db: CoverageDb): Promise<void> {
  const tx = db.transaction(['articles', 'entityCounts'], 'readwrite');
  const counts = new Map<string, number>();
  let cursor = await tx.objectStore('articles').index('byEntity').openKeyCursor();
  while (cursor) {
    const e = cursor.key as string;
    counts.set(e, (counts.get(e) ?? 0) + 1);
    cursor = await cursor.continue();
  }
  const store = tx.objectStore('entityCounts');
  const [total, writes] = await Promise.all([tx.objectStore('articles').count(), store.get(WRITES_ROW)]);
  await store.clear();
  await Promise.all([
    ...[...counts].map(([entity, n]) => store.put({ entity, n })), store.put({ entity: TOTAL_ROW, n: total }),
    ...(writes ? [store.put(writes)] : []), tx.done,
  ]);
}

/** What one write stored, as the popup's ranking copy takes it in (related-copy-store.ts). */
export interface StoredWrite {
  /** Article writes committed so far, this one included (WRITES_ROW). */
  writes: number;
  /** Each record's card as the database held it before this write; null where the article is new. */
  previous: (CardRow | null)[];
}

/**
 * Stores articles in one transaction; resolves only once it has committed, with the number of
 * article writes committed so far and what each article was before. Their proposal candidates are
 * written with them unless only the mentions changed (`textChanged` false).
 */
export async function putArticles(db: CoverageDb, records: readonly ArticleRecord[], textChanged = true): Promise<StoredWrite> {
  // Nothing written is no write to count.
  if (records.length === 0) return { writes: (await storedStamp(db)).writes, previous: [] };
  const rows = textChanged ? records.map(candidateRow) : [];
  const tx = db.transaction(['articles', 'mentions', 'candidates', 'entityCounts', 'cards'], 'readwrite');
  const articles = tx.objectStore('articles');
  const mentions = tx.objectStore('mentions');
  const candidateOps = rows.map((row) => tx.objectStore('candidates').put(row));
  const previous = await Promise.all(records.map((r) => articles.get(r.id)));
  const ops: Promise<unknown>[] = [];
  // The entity counts change with the articles, in the same transaction.
  const delta = new Map<string, number>();
  const shift = (e: string, by: number) => delta.set(e, (delta.get(e) ?? 0) + by);
  shift(WRITES_ROW, 1);
  previous.forEach((old, i) => {
    if (old) {
      for (const row of mentionRows(old)) ops.push(mentions.delete([row.entity, row.published, row.id]));
      for (const e of new Set(old.entityIds)) shift(e, -1);
    } else shift(TOTAL_ROW, 1);
    for (const e of new Set(records[i].entityIds)) shift(e, 1);
  });
  for (const r of records) {
    ops.push(articles.put(r), tx.objectStore('cards').put(cardRow(r)));
    for (const row of mentionRows(r)) ops.push(mentions.put(row));
  }
  const counts = tx.objectStore('entityCounts');
  const changed = [...delta].filter(([, by]) => by !== 0);
  const before = await Promise.all(changed.map(([e]) => counts.get(e)));
  changed.forEach(([entity, by], i) => ops.push(counts.put({ entity, n: Math.max(0, (before[i]?.n ?? 0) + by) })));
  const writes = (before[changed.findIndex(([e]) => e === WRITES_ROW)]?.n ?? 0) + 1;
  await Promise.all([...ops, ...candidateOps, tx.done]);
  // Keep the in-memory index current (only once it exists; otherwise it is read when needed).
  const idx = indexes.get(db);
  if (idx) {
    records.forEach((r, i) => {
      const old = previous[i];
      if (old) {
        for (const e of old.entityIds) {
          idx.byEntity.get(e)?.delete(old.id);
          const n = idx.df.get(e);
          if (n !== undefined) idx.df.set(e, Math.max(0, n - 1));
        }
      } else if (idx.total !== null) idx.total++;
      // Entities not loaded yet will be read from the index, which already has this write.
      for (const e of r.entityIds) {
        idx.byEntity.get(e)?.add(r.id);
        const n = idx.df.get(e);
        if (n !== undefined) idx.df.set(e, n + 1);
      }
    });
  }
  return { writes, previous: previous.map((old) => (old ? cardRow(old) : null)) };
}

/**
 * Reads every article's card, `batch` at a time, and the article-write count: the store as of
 * that count and no other, or `moved` (then what was visited is not that). In turns, each batch is
 * its own transaction, with the worker's other requests answered in between, and the count is
 * read before and after: a write committed meanwhile moves it. At once, one read-only
 * transaction holds them all, which a write waits for: never moved. `visit` returns false to stop.
 */
export async function readAllCards(
  db: CoverageDb,
  batch: number,
  visit: (rows: CardRow[]) => boolean,
  how: 'in turns' | 'at once',
): Promise<{ total: number; writes: number; moved: boolean }> {
  const range = (after: string | null) => (after === null ? undefined : IDBKeyRange.lowerBound(after, true));
  if (how === 'in turns') {
    const before = await storedStamp(db);
    for (let after: string | null = null; ;) {
      const rows: CardRow[] = await db.getAll('cards', range(after), batch);
      if (rows.length === 0 || !visit(rows)) break;
      after = rows[rows.length - 1].id;
      await new Promise((r) => setTimeout(r, 0));
    }
    return { ...before, moved: (await storedStamp(db)).writes !== before.writes };
  }
  const tx = db.transaction(['cards', 'entityCounts']);
  const counts = tx.objectStore('entityCounts');
  const [total, writes] = await Promise.all([counts.get(TOTAL_ROW), counts.get(WRITES_ROW)]);
  const cards = tx.objectStore('cards');
  // Only the database's own requests are awaited in between, which keeps the transaction open.
  for (let after: string | null = null; ;) {
    const rows: CardRow[] = await cards.getAll(range(after), batch);
    if (rows.length === 0 || !visit(rows)) break;
    after = rows[rows.length - 1].id;
  }
  await tx.done;
  return { total: total?.n ?? 0, writes: writes?.n ?? 0, moved: false };
}

/** The stored cards of these articles (undefined where there is none). */
export async function cardsOf(db: CoverageDb, ids: readonly string[]): Promise<(CardRow | undefined)[]> {
  const tx = db.transaction('cards');
  const rows = await Promise.all(ids.map((id) => tx.store.get(id)));
  await tx.done;
  return rows;
}

/**
 * Related coverage for a page mentioning `pageEntities`: how many articles mention each entity is
 * counted on the index; candidates are scored in memory by shared-entity weight (rarer entities
 * weigh more) from the rarer entities' articles (POSTINGS_BUDGET); only the best `limit` (with a
 * margin for folded duplicates) are read in full and ranked with every shared entity's weight.
 */
export async function relatedCoverage(
  db: CoverageDb,
  pageEntities: ReadonlySet<string>,
  limit = 20,
  exclude: { id?: string; url?: string | null } = {},
): Promise<RelatedItem[]> {
  const found = await relatedIfCounted(db, pageEntities, limit, exclude);
  if (found) return found;
  // No kept total (a store from before v5): every entity is counted once, now.
  await recountEntities(db);
  indexes.delete(db);
  return (await relatedIfCounted(db, pageEntities, limit, exclude)) ?? [];
}

/**
 * relatedCoverage in one read-only transaction (each transaction costs a round trip to the
 * browser's database process, the larger part of a query on a cold popup), or null when the store
 * keeps no counts yet: nothing stored, or stored by a version before them.
 */
export async function relatedIfCounted(
  db: CoverageDb,
  pageEntities: ReadonlySet<string>,
  limit = 20,
  exclude: { id?: string; url?: string | null } = {},
): Promise<RelatedItem[] | null> {
  const idx = entityIndex(db);
  const tx = db.transaction(['entityCounts', 'articles', 'mentions']);
  const counts = tx.objectStore('entityCounts');
  const uncounted = [...pageEntities].filter((e) => !idx.df.has(e));
  const [totalRow, writesRow, ...rows] = await Promise.all([idx.total === null ? counts.get(TOTAL_ROW) : null, counts.get(WRITES_ROW), ...uncounted.map((e) => counts.get(e))]);
  idx.writes = writesRow?.n ?? 0;
  if (idx.total === null) {
    if (!totalRow) {
      await tx.done;
      return null;
    }
    idx.total = totalRow.n;
  }
  uncounted.forEach((e, i) => {
    if (!idx.df.has(e)) idx.df.set(e, rows[i]?.n ?? 0);
  });
  const total = idx.total;
  const df = new Map([...pageEntities].map((e) => [e, idx.df.get(e) ?? 0] as const).filter(([, n]) => n > 0));
  const read = entitiesToRead(df);
  const articles = tx.objectStore('articles');
  const unlisted = read.filter((e) => !idx.byEntity.has(e));
  const mentions = tx.objectStore('mentions');
  const lists = await Promise.all(unlisted.map(async (e) => (df.get(e)! > POSTINGS_BUDGET
    ? (await newestMentionKeys(mentions, e, POSTINGS_BUDGET)).map((key) => key[2])
    : allMentioning(mentions, e))));
  unlisted.forEach((e, i) => {
    if (!idx.byEntity.has(e)) idx.byEntity.set(e, new Set(lists[i]));
  });
  const best = bestCandidates(read, df, total, (e) => idx.byEntity.get(e) ?? [], limit);
  const records = (await Promise.all(best.map((id) => articles.get(id)))).filter((r): r is ArticleRecord => r !== undefined);
  await tx.done;
  return rankRelated(pageEntities, records, df, total, exclude).slice(0, limit);
}

/** How many article writes had committed at the last related-coverage query on `db` (null before one). */
export function countedWrites(db: CoverageDb): number | null {
  return indexes.get(db)?.writes ?? null;
}

/** The stored article total and the article writes committed, read together. */
export async function storedStamp(db: CoverageDb): Promise<{ total: number; writes: number }> {
  const tx = db.transaction('entityCounts');
  const [total, writes] = await Promise.all([tx.store.get(TOTAL_ROW), tx.store.get(WRITES_ROW)]);
  await tx.done;
  return { total: total?.n ?? 0, writes: writes?.n ?? 0 };
}

type MentionsStore<Tx extends StoreNames<CoverageSchema>[]> = IDBPObjectStore<CoverageSchema, Tx, 'mentions'>;

/**
 * The ids of every article mentioning `entity`: one range of the mentions store's own keys, read
 * in about half the time of the same ids from the articles' multi-entry index (Chromium checks
 * each index entry against its record).
 */
async function allMentioning<Tx extends StoreNames<CoverageSchema>[]>(mentions: MentionsStore<Tx>, entity: string): Promise<string[]> {
  return (await mentions.getAllKeys(IDBKeyRange.bound([entity], [entity, []]))).map((key) => key[2]);
}

/**
 * The keys ([entity, published, id]) of the `limit` newest articles mentioning `entity` (undated
 * ones after the dated), from the mentions store, whose keys run by entity and date. Where the
 * browser reads keys backwards in one request (getAllKeys with a direction) it does; elsewhere a
 * key cursor walks back.
 */
export async function newestMentionKeys<Tx extends StoreNames<CoverageSchema>[]>(
  mentions: MentionsStore<Tx>,
  entity: string,
  limit: number,
): Promise<CoverageSchema['mentions']['key'][]> {
  /** getAllKeys as browsers with getAllRecords also take it: one options argument, with a direction. */
  const backwards = mentions as unknown as { getAllKeys(options: { query: IDBKeyRange; count: number; direction: IDBCursorDirection }): Promise<CoverageSchema['mentions']['key'][]> };
  const keys: CoverageSchema['mentions']['key'][] = [];
  for (const range of [IDBKeyRange.bound([entity], [entity, UNDATED], false, true), IDBKeyRange.bound([entity, UNDATED], [entity, UNDATED, []])]) {
    const want = limit - keys.length;
    if (want <= 0) break;
    if ('getAllRecords' in IDBObjectStore.prototype) {
      keys.push(...(await backwards.getAllKeys({ query: range, count: want, direction: 'prev' })));
      continue;
    }
    for (let cursor = await mentions.openKeyCursor(range, 'prev'); cursor && keys.length < limit; cursor = await cursor.continue()) keys.push(cursor.primaryKey);
  }
  return keys;
}

/**
 * Up to `limit` stored articles mentioning `entity`, oldest first (undated last), and how many
 * there are: the entity's kept article count (one timeline row per article), counted from the rows
 * only where no count is kept, since counting 80,000 rows took most of a timeline's time.
 */
export async function entityTimeline(db: CoverageDb, entity: string, limit = 200): Promise<{ rows: TimelineRow[]; total: number }> {
  const range = IDBKeyRange.bound([entity], [entity, []]);
  const tx = db.transaction(['mentions', 'entityCounts', 'cards', 'articles']);
  const mentions = tx.objectStore('mentions');
  const counts = tx.objectStore('entityCounts');
  const [rows, kept, stored] = await Promise.all([mentions.getAll(range, limit), counts.get(entity), counts.get(TOTAL_ROW)]);
  const [total, described] = await Promise.all([
    kept && kept.n >= rows.length ? kept.n : mentions.count(range),
    describeRows(tx, rows, stored?.n ?? 0),
  ]);
  await tx.done;
  return { rows: described, total };
}

/**
 * Cards read one by one up to this many; past it, every card at once where the rows name a
 * quarter of the stored articles or more. One read of a card costs about four cards' share of
 * reading them all (Chromium: 10,000 reads 418 ms, all 10,000 cards at once 116 ms).
 */
const CARDS_READ_ONE_BY_ONE = 500;

/** Timeline rows with their articles' descriptions: from each article's card (rows written with one keep theirs). */
async function describeRows(tx: IDBPTransaction<CoverageSchema, ['mentions', 'entityCounts', 'cards', 'articles'], 'readonly'>, rows: (MentionRow | DescribedMentionRow)[], articles: number): Promise<TimelineRow[]> {
  const cards = tx.objectStore('cards');
  const bare = rows.filter((row) => !('title' in row));
  const all = bare.length > CARDS_READ_ONE_BY_ONE && bare.length * 4 >= articles ? new Map((await cards.getAll()).map((c) => [c.id, c])) : null;
  return Promise.all(rows.map(async (row): Promise<TimelineRow> => {
    if ('title' in row) return row;
    // Every article has its card (written with it, and derived on the upgrade to v6); the article itself should one be missing.
    const about = (all ? all.get(row.id) : await cards.get(row.id)) ?? (await tx.objectStore('articles').get(row.id));
    return { ...row, url: about?.url ?? null, title: about?.title ?? null, outlet: about?.outlet ?? null, lang: about?.lang ?? null };
  }));
}

/** The highlights saved on one page (by its key), oldest first. */
export async function highlightsOf(db: CoverageDb, source: string): Promise<SavedHighlight[]> {
  const list = await db.getAllFromIndex('highlights', 'bySource', source);
  return list.sort((a, b) => (a.created < b.created ? -1 : 1));
}

/** Writes highlights in one transaction; resolves once committed. */
export async function putHighlights(db: CoverageDb, list: readonly SavedHighlight[]): Promise<void> {
  const tx = db.transaction('highlights', 'readwrite');
  await Promise.all([...list.map((h) => tx.store.put(h)), tx.done]);
}
