/**
 * The ranking copy in session storage (see src/core/related-copy.ts): built from the database by
 * the background as the browser starts, on install or update, and when a popup found none or found
 * it behind; kept in step with every article the background writes; read by the popup before the
 * database has opened.
 *
 * Only the background writes it, one piece of work at a time (a build and the updates that follow
 * it in turn). A build reads the store as of one article-write count (CopyState.writes), and an
 * update applies a write after it, with what the database held before that write: the articles
 * whose cards the copy keeps are only those some entity's list names, so the copy cannot tell
 * the others' previous state itself. An update whose write follows the last one counted moves the
 * count on, so a copy that missed a write stays behind the database's count until it is built
 * again, and the popup, comparing the two, has it built.
 */
import type { ArticleRecord, RelatedItem } from '../core/coverage.ts';
import {
  COPY_BUILD_LIMIT, COPY_CHAR_LIMIT, COPY_KEY_PREFIX, COPY_STATE_KEY, CopyBuilder, POSTINGS_BUDGET, bestCandidates, cardKey, entitiesToRead,
  entryId, entityNumber, newestFirst, numbersOf, pageDf, parseCard, parsePostings, parseState, postingEntry, postingsKey, cardRow,
  rankCards, toCard, type CardRow,
} from '../core/related-copy.ts';
import { UNDATED, cardsOf, newestMentionKeys, readAllCards, storedStamp, type CoverageDb, type StoredWrite } from './coverage-db.ts';

/** The part of a storage area the copy uses (`browser.storage.session`; a map in unit tests). */
export interface CopyArea {
  get(keys: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
  /** The keys alone, where the browser can list them without their values. */
  getKeys?(): Promise<string[]>;
}

/**
 * Key set while the copy would not fit (COPY_BUILD_LIMIT), with the article total it was found at:
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

/** Cards read per request of a build (a few hundred bytes each). */
const BUILD_BATCH = 2000;

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

/** What ensureCopy did. */
export type CopyOutcome = 'kept' | 'built' | 'too large' | 'set aside';

/** Set while many stored articles are rewritten (setCopyAside): no copy is built meanwhile. */
let setAside = false;

/**
 * Sets the copy aside while the background rewrites many stored articles (a dictionary change
 * finds every article's mentions again): bringing it in step with each batch reads again every
 * cut list that a batch shortens, 200 articles at a time, where one build afterwards (takeCopyBack)
 * reads each card once. Without its state the popup finds no copy and waits on the database, which
 * the rewriting keeps open, and updates find nothing to update.
 */
export function setCopyAside(area: CopyArea): Promise<void> {
  setAside = true;
  return inTurn(() => area.remove(COPY_STATE_KEY));
}

/** Ends setCopyAside: the next ensureCopy builds the copy again. */
export function takeCopyBack(): void {
  setAside = false;
}

/**
 * Builds the copy unless the one kept holds every article write the database has committed, or it
 * was found too large in this session, or is set aside. Resolves with what it did.
 */
export function ensureCopy(db: CoverageDb, area: CopyArea): Promise<CopyOutcome> {
  return inTurn(async () => {
    if (setAside) return 'set aside';
    const got = await readCopyHead(area);
    if (got[COPY_TOO_LARGE_KEY] !== undefined) return 'too large';
    const { total, writes } = await storedStamp(db);
    if (parseState(got[COPY_STATE_KEY])?.writes === writes) return 'kept';
    const found = (await db.get('settings', TOO_LARGE_SETTING))?.value as TooLarge | undefined;
    if (found?.limit === COPY_BUILD_LIMIT && total >= found.total) return dropCopy(db, area, total);
    return buildCopy(db, area);
  });
}

/**
 * Forgets that the copy was found too large, so that the next ensureCopy reads the store again:
 * after the dictionary changed which entities the stored articles name, their lists (and so the
 * articles the copy keeps) are others. Resolves with whether a verdict was there.
 */
export function reconsiderCopy(db: CoverageDb, area: CopyArea): Promise<boolean> {
  return inTurn(async () => {
    const [inSession, inSettings] = await Promise.all([area.get(COPY_TOO_LARGE_KEY), db.get('settings', TOO_LARGE_SETTING)]);
    if (inSession[COPY_TOO_LARGE_KEY] === undefined && inSettings === undefined) return false;
    await area.remove(COPY_TOO_LARGE_KEY);
    await db.delete('settings', TOO_LARGE_SETTING);
    return true;
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
  await db.put('settings', { key: TOO_LARGE_SETTING, value: { total, limit: COPY_BUILD_LIMIT } satisfies TooLarge });
  return 'too large';
}

/**
 * Reads every stored article's card into a new copy that holds the store as of one write count,
 * so that the updates queued behind it apply the writes after that one (readAllCards): in turns,
 * with saves going on meanwhile (a build at 100,000 articles takes seconds), and once more in one
 * transaction, which saves wait for, when a save committed while it read.
 */
async function buildCopy(db: CoverageDb, area: CopyArea): Promise<'built' | 'too large'> {
  let builder = new CopyBuilder();
  // The cards kept can shrink as more are read, but not by half with any store seen: past twice
  // the limit (most articles kept), reading on would only hold more of them in memory.
  let over = false;
  const visit = (rows: CardRow[]) => {
    for (const row of rows) builder.add(row);
    over = builder.cardChars > 2 * COPY_CHAR_LIMIT;
    return !over;
  };
  let stamp = await readAllCards(db, BUILD_BATCH, visit, 'in turns');
  if (stamp.moved && !over) {
    builder = new CopyBuilder();
    stamp = await readAllCards(db, BUILD_BATCH, visit, 'at once');
  }
  if (over) return dropCopy(db, area, stamp.total);
  const { items, state } = builder.finish(stamp.writes);
  if (state.chars > COPY_BUILD_LIMIT) return dropCopy(db, area, state.total);
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
 * Brings the copy in step with articles just written to the database (`stored`, putArticles'
 * answer: the write's number and what each article was before), when there is a copy; without one
 * there is nothing to keep (a popup has it built). A write the copy already holds (a build read
 * it) changes nothing; one that follows the last the copy counts is counted, and after a write the
 * copy missed, the count stays behind.
 *
 * A card is kept while a list names its article. One pushed out of every list by newer articles
 * stays until the copy is built again, which a copy grown past COPY_CHAR_LIMIT is: finding every
 * list that names an article would read them all.
 */
export function updateCopy(db: CoverageDb, area: CopyArea, records: readonly ArticleRecord[], stored: StoredWrite): Promise<void> {
  return inTurn(async () => {
    const state = parseState((await area.get(COPY_STATE_KEY))[COPY_STATE_KEY]);
    if (!state || records.length === 0 || stored.writes <= state.writes) return;
    if (state.writes === stored.writes - 1) state.writes = stored.writes;
    const numbers = numbersOf(state);
    const numberOf = (e: string) => entityNumber(state, numbers, e);
    const touched = new Set<number>();
    stored.previous.forEach((old) => old?.entityIds.forEach((e) => touched.add(numberOf(e))));
    records.forEach((r) => r.entityIds.forEach((e) => touched.add(numberOf(e))));
    const listKeys = [...touched].map(postingsKey);
    const [listValues, oldCards] = await Promise.all([area.get(listKeys), area.get(records.map((r) => cardKey(r.id)))]);
    const lists = new Map([...touched].map((n, i) => [n, parsePostings(listValues[listKeys[i]])] as const));
    // A list that held only the newest POSTINGS_BUDGET and lost one: the next newest is only in the database.
    const truncated = new Set([...touched].filter((n) => state.df[n] > POSTINGS_BUDGET));
    const shortened = new Set<number>();
    records.forEach((r, i) => {
      const old = stored.previous[i];
      if (old) {
        const entry = postingEntry(old.published, old.id);
        for (const e of new Set(old.entityIds)) {
          const n = numberOf(e);
          state.df[n] = Math.max(0, state.df[n] - 1);
          const list = lists.get(n)!;
          if (!list.includes(entry)) continue;
          lists.set(n, list.filter((x) => x !== entry));
          shortened.add(n);
        }
      } else state.total++;
      for (const e of new Set(r.entityIds)) {
        const n = numberOf(e);
        state.df[n]++;
        lists.get(n)!.push(postingEntry(r.published, r.id));
      }
    });
    const items: Record<string, string> = {};
    const listed = new Set<string>();
    const written = new Set(records.map((r) => r.id));
    /** Articles that a list read again from the database names and did not before: only these may lack a card. */
    const entered = new Set<string>();
    for (const [n, list] of lists) {
      const key = postingsKey(n);
      let kept: string[];
      if (truncated.has(n) && shortened.has(n)) {
        kept = await newestEntries(db, state.entities[n]);
        const had = new Set(parsePostings(listValues[key]).map(entryId));
        for (const id of kept.map(entryId)) if (!had.has(id) && !written.has(id)) entered.add(id);
      } else {
        // Once: a list read again from the database may already hold a write whose update comes next.
        kept = [...new Set(list)].sort(newestFirst).slice(0, POSTINGS_BUDGET);
      }
      state.chars += (kept.join('\n').length - (typeof listValues[key] === 'string' ? (listValues[key] as string).length : -key.length));
      items[key] = kept.join('\n');
      for (const entry of kept) listed.add(entryId(entry));
    }
    // Each article's card where a list names it, and none where no list does (all its lists are here).
    const gone: string[] = [];
    for (const r of records) {
      const key = cardKey(r.id);
      const before = oldCards[key];
      if (typeof before === 'string') state.chars -= key.length + before.length;
      if (listed.has(r.id)) {
        items[key] = JSON.stringify(toCard(cardRow(r), numberOf));
        state.chars += key.length + items[key].length;
      } else if (typeof before === 'string') gone.push(key);
    }
    // Their cards, where the copy lacks them (another list may name them already).
    if (entered.size) {
      const have = await area.get([...entered].map(cardKey));
      const lacking = [...entered].filter((id) => typeof have[cardKey(id)] !== 'string');
      (await cardsOf(db, lacking)).forEach((row) => {
        if (!row) return;
        const key = cardKey(row.id);
        items[key] = JSON.stringify(toCard(row, numberOf));
        state.chars += key.length + items[key].length;
      });
    }
    if (state.chars > COPY_CHAR_LIMIT) {
      await buildCopy(db, area);
      return;
    }
    try {
      await area.set({ ...items, [COPY_STATE_KEY]: JSON.stringify(state) });
    } catch {
      await dropCopy(db, area, state.total);
      return;
    }
    if (gone.length) await area.remove(gone);
  });
}

/** An entity's newest POSTINGS_BUDGET articles as the database's mentions keys give them. */
async function newestEntries(db: CoverageDb, entity: string): Promise<string[]> {
  const tx = db.transaction('mentions');
  const keys = await newestMentionKeys(tx.store, entity, POSTINGS_BUDGET);
  await tx.done;
  return keys.map(([, published, id]) => postingEntry(published === UNDATED ? null : published, id)).sort(newestFirst);
}
