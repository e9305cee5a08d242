/**
 * The ranking copy in session storage (see src/core/related-copy.ts): built from the database by
 * the background as the browser starts, on install or update, and when a popup found none or found
 * it behind; kept in step with every article the background writes; read by the popup before the
 * database has opened.
 *
 * Only the background writes it, one piece of work at a time (a build and the updates that follow
 * it in turn). An update reads the article's previous card from the copy itself, so applying it
 * twice (an article written while a build read past it) gives the same copy. The copy counts the
 * database's article writes it holds (CopyState.writes): an update whose write follows the last
 * one counted moves the count on, so a copy that missed a write stays behind the database's count
 * until it is built again, and the popup, comparing the two, has it built.
 */
import type { ArticleRecord, RelatedItem } from '../core/coverage.ts';
import {
  COPY_CHAR_LIMIT, COPY_KEY_PREFIX, COPY_STATE_KEY, POSTINGS_BUDGET, bestCandidates, cardEntities, cardKey, entitiesToRead, entryId,
  entityNumber, newestFirst, numbersOf, pageDf, parseCard, parsePostings, parseState, postingEntry, postingsKey,
  cardRow, rankCards, toCard, type CardRow, type CopyState,
} from '../core/related-copy.ts';
import { UNDATED, newestMentionKeys, storedStamp, type CoverageDb } from './coverage-db.ts';

/** The part of a storage area the copy uses (`browser.storage.session`; a map in unit tests). */
export interface CopyArea {
  get(keys: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
  /** The keys alone, where the browser can list them without their values. */
  getKeys?(): Promise<string[]>;
}

/**
 * Key set while the copy would not fit (COPY_CHAR_LIMIT), with the article total it was found at:
 * the popup stops asking for it in this browser session.
 */
export const COPY_TOO_LARGE_KEY = 'related:tooLarge';

/**
 * The same in the database's settings, across browser sessions: articles are never deleted, so a
 * store found too large stays so, and each new session's build would read every article for nothing.
 */
const TOO_LARGE_SETTING = 'rankingCopyTooLarge';

interface TooLarge {
  total: number;
  /** The limit it was found at: a version with another limit tries again. */
  limit: number;
}

/** Cards read per turn of a build (a few hundred bytes each). */
const BUILD_BATCH = 1000;

/**
 * What the popup gets from the copy: the items (null when there is no copy or it cannot answer:
 * the popup then waits for the database), the article total and article writes the copy holds, and
 * whether the copy was found too large to keep.
 */
export interface CopyAnswer {
  items: RelatedItem[] | null;
  total: number | null;
  writes: number | null;
  tooLarge: boolean;
}

/** The copy's header as stored (read ahead by the popup, before it knows the page's entities). */
export function readCopyHead(area: CopyArea): Promise<Record<string, unknown>> {
  return area.get([COPY_STATE_KEY, COPY_TOO_LARGE_KEY]);
}

/** Related coverage from the copy, in three reads of session storage (the first may be made ahead). */
export async function relatedFromCopy(
  area: CopyArea,
  pageEntities: ReadonlySet<string>,
  limit: number,
  exclude: { id?: string; url?: string | null },
  headRead: Promise<Record<string, unknown>> = readCopyHead(area),
): Promise<CopyAnswer> {
  const head = await headRead;
  const state = parseState(head[COPY_STATE_KEY]);
  const tooLarge = head[COPY_TOO_LARGE_KEY] !== undefined;
  if (!state) return { items: null, total: null, writes: null, tooLarge };
  const answer = (items: RelatedItem[] | null): CopyAnswer => ({ items, total: state.total, writes: state.writes, tooLarge });
  const numbers = numbersOf(state);
  const df = pageDf(state, numbers, pageEntities);
  const read = entitiesToRead(df);
  const keys = read.map((e) => postingsKey(numbers.get(e)!));
  const got = keys.length ? await area.get(keys) : {};
  if (keys.some((k) => typeof got[k] !== 'string')) return answer(null);
  const lists = new Map(read.map((e, i) => [e, parsePostings(got[keys[i]])] as const));
  const best = bestCandidates(read, df, state.total, (e) => lists.get(e)!.map(entryId), limit);
  const cards = best.length ? await area.get(best.map(cardKey)) : {};
  return answer(rankCards(state, pageEntities, df, best.map((id) => parseCard(cards[cardKey(id)])), limit, exclude));
}

let work: Promise<unknown> = Promise.resolve();

/** Runs copy work after the work before it (the copy has one writer, and it writes in turn). */
function inTurn<T>(task: () => Promise<T>): Promise<T> {
  const run = work.then(task);
  work = run.catch(() => undefined);
  return run;
}

/**
 * Builds the copy unless the one kept holds every article write the database has committed, or it
 * was found too large in this session. Resolves with what it did.
 */
export function ensureCopy(db: CoverageDb, area: CopyArea): Promise<'kept' | 'built' | 'too large'> {
  return inTurn(async () => {
    const got = await readCopyHead(area);
    if (got[COPY_TOO_LARGE_KEY] !== undefined) return 'too large';
    const { total, writes } = await storedStamp(db);
    if (parseState(got[COPY_STATE_KEY])?.writes === writes) return 'kept';
    const found = (await db.get('settings', TOO_LARGE_SETTING))?.value as TooLarge | undefined;
    if (found?.limit === COPY_CHAR_LIMIT && total >= found.total) return dropCopy(db, area, total);
    return buildCopy(db, area, writes);
  });
}

/** Every key of the copy now in the area. */
async function copyKeys(area: CopyArea): Promise<string[]> {
  const keys = typeof area.getKeys === 'function' ? await area.getKeys() : Object.keys(await area.get(null));
  return keys.filter((k) => k.startsWith(COPY_KEY_PREFIX));
}

async function dropCopy(db: CoverageDb, area: CopyArea, total: number): Promise<'too large'> {
  const keys = await copyKeys(area);
  if (keys.length) await area.remove(keys);
  await area.set({ [COPY_TOO_LARGE_KEY]: String(total) });
  await db.put('settings', { key: TOO_LARGE_SETTING, value: { total, limit: COPY_CHAR_LIMIT } satisfies TooLarge });
  return 'too large';
}

/**
 * Reads every stored article's card (BUILD_BATCH at a time) into a new copy, which holds at least
 * the `writes` committed before it started. Those committed while it reads are in it or not; their
 * updates, queued behind it, apply them (again) and count them.
 */
async function buildCopy(db: CoverageDb, area: CopyArea, writes: number): Promise<'built' | 'too large'> {
  const state: CopyState = { total: 0, writes, entities: [], df: [], chars: 0 };
  const numbers = new Map<string, number>();
  const numberOf = (e: string) => entityNumber(state, numbers, e);
  const lists: string[][] = [];
  const items: Record<string, string> = {};
  let after: string | null = null;
  for (;;) {
    const range: IDBKeyRange | undefined = after === null ? undefined : IDBKeyRange.lowerBound(after, true);
    const batch: CardRow[] = await db.getAll('cards', range, BUILD_BATCH);
    if (batch.length === 0) break;
    after = batch[batch.length - 1].id;
    for (const a of batch) {
      state.total++;
      for (const e of new Set(a.entityIds)) {
        const n = numberOf(e);
        state.df[n]++;
        (lists[n] ??= []).push(postingEntry(a.published, a.id));
      }
      const key = cardKey(a.id);
      items[key] = JSON.stringify(toCard(a, numberOf));
      state.chars += key.length + items[key].length;
    }
    if (state.chars > COPY_CHAR_LIMIT) return dropCopy(db, area, state.total);
    // Requests from the popup and pages are answered in between turns.
    await new Promise((r) => setTimeout(r, 0));
  }
  lists.forEach((list, n) => {
    list.sort(newestFirst);
    const key = postingsKey(n);
    items[key] = list.slice(0, POSTINGS_BUDGET).join('\n');
    state.chars += key.length + items[key].length;
  });
  if (state.chars > COPY_CHAR_LIMIT) return dropCopy(db, area, state.total);
  const stale = await copyKeys(area);
  if (stale.length) await area.remove(stale);
  // The state last: a popup reading meanwhile finds no copy, never half of one. A browser that
  // counts the copy larger than it does (over its quota) refuses it: no copy, and not tried again.
  try {
    await area.set(items);
    await area.set({ [COPY_STATE_KEY]: JSON.stringify(state) });
  } catch {
    return dropCopy(db, area, state.total);
  }
  return 'built';
}

/**
 * Brings the copy in step with articles just written to the database (committed as its article
 * write number `write`, putArticles' answer), when there is a copy; without one there is nothing
 * to keep (a popup has it built). The write is counted only when it follows the last one the copy
 * counts: after a write the copy missed, the count stays behind.
 */
export function updateCopy(db: CoverageDb, area: CopyArea, records: readonly ArticleRecord[], write: number): Promise<void> {
  return inTurn(async () => {
    const state = parseState((await area.get(COPY_STATE_KEY))[COPY_STATE_KEY]);
    if (!state || records.length === 0) return;
    if (state.writes === write - 1) state.writes = write;
    const numbers = numbersOf(state);
    const numberOf = (e: string) => entityNumber(state, numbers, e);
    const oldValues = await area.get(records.map((r) => cardKey(r.id)));
    const olds = records.map((r) => parseCard(oldValues[cardKey(r.id)]));
    const touched = new Set<number>();
    olds.forEach((old) => old && cardEntities(old, state.entities).forEach((e) => touched.add(numberOf(e))));
    records.forEach((r) => r.entityIds.forEach((e) => touched.add(numberOf(e))));
    const listKeys = [...touched].map(postingsKey);
    const listValues = await area.get(listKeys);
    const lists = new Map([...touched].map((n, i) => [n, parsePostings(listValues[listKeys[i]])] as const));
    // A list that held only the newest POSTINGS_BUDGET and lost one: the next newest is only in the database.
    const truncated = new Set([...touched].filter((n) => state.df[n] > POSTINGS_BUDGET));
    const shortened = new Set<number>();
    const items: Record<string, string> = {};
    records.forEach((r, i) => {
      const old = olds[i];
      const key = cardKey(r.id);
      if (old) {
        for (const e of new Set(cardEntities(old, state.entities))) {
          const n = numberOf(e);
          state.df[n] = Math.max(0, state.df[n] - 1);
          const entry = postingEntry(old.published, old.id);
          lists.set(n, lists.get(n)!.filter((x) => x !== entry));
          shortened.add(n);
        }
        state.chars -= key.length + (oldValues[key] as string).length;
      } else state.total++;
      for (const e of new Set(r.entityIds)) {
        const n = numberOf(e);
        state.df[n]++;
        lists.get(n)!.push(postingEntry(r.published, r.id));
      }
      items[key] = JSON.stringify(toCard(cardRow(r), numberOf));
      state.chars += key.length + items[key].length;
    });
    for (const [n, list] of lists) {
      // Once: a list read again from the database may already hold a write whose update comes next.
      const unique = [...new Set(list)].sort(newestFirst);
      const kept = truncated.has(n) && shortened.has(n) ? await newestEntries(db, state.entities[n]) : unique.slice(0, POSTINGS_BUDGET);
      const key = postingsKey(n);
      state.chars += (kept.join('\n').length - (typeof listValues[key] === 'string' ? (listValues[key] as string).length : -key.length));
      items[key] = kept.join('\n');
    }
    if (state.chars > COPY_CHAR_LIMIT) {
      await dropCopy(db, area, state.total);
      return;
    }
    await area.set({ ...items, [COPY_STATE_KEY]: JSON.stringify(state) }).catch(() => dropCopy(db, area, state.total));
  });
}

/** An entity's newest POSTINGS_BUDGET articles as the database's mentions keys give them. */
async function newestEntries(db: CoverageDb, entity: string): Promise<string[]> {
  const tx = db.transaction('mentions');
  const keys = await newestMentionKeys(tx.store, entity, POSTINGS_BUDGET);
  await tx.done;
  return keys.map(([, published, id]) => postingEntry(published === UNDATED ? null : published, id)).sort(newestFirst);
}
