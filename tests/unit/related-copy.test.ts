import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { loadDictionary } from '../../src/core/dictionary.ts';
import { findMentions } from '../../src/core/article-mentions.ts';
import { textSignature, type ArticleRecord, type RelatedItem } from '../../src/core/coverage.ts';
import { openCoverageDb, putArticles, relatedCoverage, storedStamp, type CoverageDb, type StoredWrite } from '../../src/background/coverage-db.ts';
import {
  COPY_TOO_LARGE_KEY, ensureCopy, reconsiderCopy, relatedFromCopy, setCopyAside, takeCopyBack, updateCopy, type CopyArea,
} from '../../src/background/related-copy-store.ts';
import {
  COPY_KEY_PREFIX, COPY_STATE_KEY, CopyBuilder, POSTINGS_BUDGET, cardKey, cardRow, entryId, newestFirst, parsePostings, parseState,
  postingEntry, postingsKey, shortSignature, signatureOfShort,
} from '../../src/core/related-copy.ts';
import { SEEDS_DIR } from '../support/paths.ts';

const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
const dict = loadDictionary(compileDictionary(catalogue, seeds).compiled);

/** Session storage as the browser keeps it: values copied in and out. */
class MapArea implements CopyArea {
  readonly items = new Map<string, unknown>();
  /** Refuses writes past this many characters of keys and values, as a browser's quota does. */
  quota = Infinity;
  async get(keys: string | string[] | null): Promise<Record<string, unknown>> {
    const wanted = keys === null ? [...this.items.keys()] : typeof keys === 'string' ? [keys] : keys;
    return Object.fromEntries(wanted.filter((k) => this.items.has(k)).map((k) => [k, structuredClone(this.items.get(k))]));
  }
  async set(items: Record<string, unknown>): Promise<void> {
    const size = (m: Map<string, unknown>) => [...m].reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length, 0);
    if (size(new Map([...this.items, ...Object.entries(items)])) > this.quota) throw new Error('QUOTA_BYTES quota exceeded');
    for (const [k, v] of Object.entries(items)) this.items.set(k, structuredClone(v));
  }
  async remove(keys: string | string[]): Promise<void> {
    for (const k of typeof keys === 'string' ? [keys] : keys) this.items.delete(k);
  }
}

const size = (area: MapArea) => [...area.items].reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length, 0);

const NAMES = ['Li Lecheng', 'Sattar Hashemi', 'Issa Zarepour', 'China', 'Iran', 'Beijing', 'Tehran', 'IRNA', 'artificial intelligence'];
let x = 11;
const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
const words = Array.from({ length: 400 }, (_, k) => `word${k.toString(36)}`);

function article(i: number, text = story(), from = Date.UTC(2022, 0, 1)): ArticleRecord {
  const mentions = findMentions(dict, text);
  // One in ten undated; the rest over three years, many on the same day.
  const published = rand() < 0.1 ? null : new Date(from + Math.floor(rand() * 1000) * 86_400_000).toISOString().slice(0, 10);
  return {
    id: `a${i}`, url: `https://wire.example/${i}`, title: `Story ${i}`, outlet: 'Wire', byline: null, published, lang: 'en', text,
    mentions, entityIds: mentions.map((m) => m.entity), savedAt: i, origin: 'saved', signature: textSignature(text),
  };
}

/** A story naming a few of NAMES, the commoner ones more often (so some entity is in over 1,500 articles). */
function story(): string {
  const named = NAMES.filter((_, k) => rand() < 0.9 / (k + 1) + 0.05);
  return `${named.join(', ')} ${Array.from({ length: 30 }, () => words[Math.floor(rand() * words.length)]).join(' ')}.`;
}

/** What a reader sees of an item, less the snippet (the copy keeps no sentences). */
const seen = (items: readonly RelatedItem[]) => items.map((r) => ({ id: r.article.id, title: r.article.title, published: r.article.published, shared: r.shared, score: r.score.toFixed(9), duplicates: r.duplicates }));

const PAGES = [['li-lecheng'], ['china', 'iran'], ['sattar-hashemi', 'china', 'beijing'], ['irna', 'tehran', 'issa-zarepour'], ['iran'], ['no-such-entity']];

/**
 * Every article a list names has its card in the copy, and after a build no other does; the
 * state's count of characters is what the copy holds. Answers how many cards there are.
 */
function expectCardsOfListed(area: MapArea, { built }: { built: boolean }): number {
  const listed = new Set<string>();
  const cards = new Set<string>();
  let chars = 0;
  for (const [k, v] of area.items) {
    if (k === COPY_STATE_KEY || !k.startsWith(COPY_KEY_PREFIX)) continue;
    chars += k.length + (v as string).length;
    if (k.startsWith(postingsKey(0).slice(0, -1))) parsePostings(v).forEach((entry) => listed.add(entryId(entry)));
    if (k.startsWith(cardKey(''))) cards.add(k.slice(cardKey('').length));
  }
  expect([...listed].filter((id) => !cards.has(id)), 'listed without a card').toEqual([]);
  if (built) expect([...cards].filter((id) => !listed.has(id)), 'a card no list names').toEqual([]);
  expect(parseState(area.items.get(COPY_STATE_KEY))!.chars).toBe(chars);
  return cards.size;
}

/** Compared with a popup's answer from the database: a new connection, as each popup opens. */
async function expectSameAnswers(db: CoverageDb, area: MapArea, built = false): Promise<void> {
  expectCardsOfListed(area, { built });
  const popup = await openCoverageDb(db.name);
  for (const page of PAGES) {
    const fromDb = await relatedCoverage(popup, new Set(page), 20, { url: 'https://wire.example/3' });
    const fromCopy = await relatedFromCopy(area, new Set(page), 20, { url: 'https://wire.example/3' });
    expect(fromCopy.items, page.join(' ')).not.toBeNull();
    expect(seen(fromCopy.items!), page.join(' ')).toEqual(seen(fromDb));
    const { total, writes } = await storedStamp(db);
    expect(fromCopy.total).toBe(total);
    expect(fromCopy.writes).toBe(writes);
  }
  popup.close();
}

describe('ranking copy', () => {
  it('keeps a signature\'s low 16 bits per slot', () => {
    const sig = textSignature('Li Lecheng met Sattar Hashemi in Tehran to sign a memorandum.');
    expect(signatureOfShort(shortSignature(sig))).toEqual(sig.map((v) => v & 0xffff));
  });

  it('ranks related coverage as the database does, before and after writes', { timeout: 60_000 }, async () => {
    const db = await openCoverageDb(`copy-${Math.random()}`);
    const area = new MapArea();
    const first = Array.from({ length: 2200 }, (_, i) => article(i));
    // Stories stored twice under other addresses, to be folded alike.
    first.push({ ...first[5], id: 'copy5', url: 'https://other.example/5' }, { ...first[9], id: 'copy9', url: 'https://other.example/9' });
    await putArticles(db, first);
    expect(await relatedFromCopy(area, new Set(['china']), 20, {})).toEqual({ items: null, total: null, writes: null, tooLarge: false });
    expect(await ensureCopy(db, area)).toBe('built');
    expect(await ensureCopy(db, area)).toBe('kept');
    // Every value is a string, as session storage counts strings at their length.
    for (const [k, v] of area.items) if (k.startsWith(COPY_KEY_PREFIX)) expect(typeof v, k).toBe('string');
    await expectSameAnswers(db, area, true);
    // Li Lecheng is in over 1,500 articles: the older of them, where no other list names them, have no card.
    expect(expectCardsOfListed(area, { built: true })).toBeLessThan(first.length);

    // A save committed while a build reads in turns (here, as it reads its first cards): its card
    // sorts last, so the read in turns meets it, and its update would count it twice; the build
    // reads again in one transaction, as of that save.
    const during = new MapArea();
    const duringArticle = [{ ...article(9500), id: 'zz-during', published: '2030-06-01' }];
    let duringWrite: Promise<StoredWrite> | null = null;
    const getAll = db.getAll.bind(db);
    db.getAll = ((...args: Parameters<typeof getAll>) => ((duringWrite ??= putArticles(db, duringArticle)), getAll(...args))) as typeof db.getAll;
    expect(await ensureCopy(db, during)).toBe('built');
    db.getAll = getAll;
    const duringStored = await duringWrite!;
    expect(parseState(during.items.get(COPY_STATE_KEY))!.writes).toBe(duringStored.writes);
    await updateCopy(db, during, duringArticle, duringStored);
    await updateCopy(db, area, duringArticle, duringStored);
    await expectSameAnswers(db, during, true);

    // An article no list names, so the copy has no card of it, written again: once as the newest
    // of all (a list names it now), once still named by none. The counts come from the database.
    const unlisted = first.filter((a) => !area.items.has(cardKey(a.id)));
    expect(unlisted.length).toBeGreaterThan(1);
    const again = [
      { ...unlisted[0], published: '2029-06-01', title: 'Written again, newest' },
      { ...unlisted[1], title: 'Written again, still old' },
    ];
    await updateCopy(db, area, again, await putArticles(db, again));
    expect(area.items.has(cardKey(unlisted[0].id))).toBe(true);
    expect(area.items.has(cardKey(unlisted[1].id))).toBe(false);
    await expectSameAnswers(db, area);

    // Stored articles written again with other dates and entities (some no longer naming Li Lecheng,
    // who is in over 1,500), and new ones older than any: a list of the newest 1,500 that loses an
    // article is filled again from the database, not from the older ones written since.
    const changed = [
      ...Array.from({ length: 60 }, (_, i) => ({ ...article(i * 30, i % 2 ? story() : 'China and Iran, again.'), id: `a${i * 30}` })),
      ...Array.from({ length: 80 }, (_, i) => article(5000 + i, story(), Date.UTC(2012, 0, 1))),
    ];
    const changedWrite = await putArticles(db, changed);
    await updateCopy(db, area, changed, changedWrite);
    const once = new Map(area.items);
    // Applied twice (a write a build had already read), the copy is the same.
    await updateCopy(db, area, changed, changedWrite);
    expect(new Map(area.items)).toEqual(once);
    await expectSameAnswers(db, area);

    // Two writes committed before the first's update runs: the list the first reads again from the
    // database already holds the second's article, which the second's update then adds once only.
    const named = first.find((a, i) => i % 30 !== 0 && a.entityIds.includes('li-lecheng'))!;
    const dropsLi = [{ ...article(0, 'China and Iran, once more.'), id: named.id }];
    const newest = [{ ...article(7000, 'Li Lecheng, in the newest of all.'), published: '2030-01-01' }];
    const dropsLiWrite = await putArticles(db, dropsLi);
    const newestWrite = await putArticles(db, newest);
    await updateCopy(db, area, dropsLi, dropsLiWrite);
    await updateCopy(db, area, newest, newestWrite);
    await expectSameAnswers(db, area);

    // Behind the database by a write (its worker stopped before the update): a new article, or a
    // stored one written again, which leaves the total as it was. The copy's count of writes stays
    // behind, even once a later write's update has run, and a build catches up.
    const missed = [article(9000)];
    await putArticles(db, missed);
    expect((await relatedFromCopy(area, new Set(['china']), 20, {})).writes).toBe((await storedStamp(db)).writes - 1);
    expect(await ensureCopy(db, area)).toBe('built');
    await expectSameAnswers(db, area, true);
    const lastLi = first.filter((a) => a.entityIds.includes('li-lecheng')).at(-1)!;
    const rewritten = [{ ...article(0, 'Iran and China, in the end.'), id: lastLi.id, published: '2031-01-01' }];
    const rewrittenWrite = await putArticles(db, rewritten);
    const later = [article(9001)];
    await updateCopy(db, area, later, await putArticles(db, later));
    const behind = await relatedFromCopy(area, new Set(['li-lecheng']), 20, {});
    expect(behind.total).toBe((await storedStamp(db)).total);
    expect(behind.writes).toBe(rewrittenWrite.writes - 1);
    expect(await ensureCopy(db, area)).toBe('built');
    await expectSameAnswers(db, area);
    db.close();
  });

  it('keeps the cards of the articles its lists name, however the cards come', () => {
    // Cards in id order, dates at random: lists cut as they grow past twice the budget, and entries
    // older than a cut list's oldest turned away, give what sorting every list at the end gives.
    const rows = Array.from({ length: 6000 }, (_, i) => {
      const a = article(i);
      return cardRow({ ...a, entityIds: a.entityIds.filter(() => rand() < 0.8) });
    });
    const builder = new CopyBuilder();
    rows.forEach((row) => builder.add(row));
    const { items, state } = builder.finish(7);
    const byEntity = new Map<string, string[]>();
    for (const row of rows) for (const e of new Set(row.entityIds)) byEntity.set(e, [...(byEntity.get(e) ?? []), postingEntry(row.published, row.id)]);
    const listed = new Set<string>();
    expect(state).toMatchObject({ total: 6000, writes: 7 });
    for (const [e, entries] of byEntity) {
      const n = state.entities.indexOf(e);
      expect(state.df[n], e).toBe(entries.length);
      const newest = entries.sort(newestFirst).slice(0, POSTINGS_BUDGET);
      expect(items[postingsKey(n)], e).toBe(newest.join('\n'));
      newest.forEach((entry) => listed.add(entryId(entry)));
    }
    expect(Math.max(...[...byEntity.values()].map((l) => l.length))).toBeGreaterThan(3 * POSTINGS_BUDGET);
    const cards = Object.keys(items).filter((k) => k.startsWith(cardKey(''))).map((k) => k.slice(cardKey('').length));
    expect(new Set(cards)).toEqual(listed);
    expect(listed.size).toBeLessThan(rows.length);
    expect(state.chars).toBe(Object.entries(items).reduce((n, [k, v]) => n + k.length + v.length, 0));
  });

  it('builds again a copy that cards no list names any more take past its limit', { timeout: 60_000 }, async () => {
    const db = await openCoverageDb(`copy-stale-${Math.random()}`);
    const area = new MapArea();
    const named = (i: number, title: string, year: number) => ({ ...article(i, 'China, once more.'), title, published: `${year}-01-01` });
    // 5.3 MB of old stories, then 1,500 newer ones (2.9 MB) that push them out of China's list.
    const old = Array.from({ length: 140 }, (_, i) => named(i, 'T'.repeat(40_000), 2000));
    await putArticles(db, old);
    expect(await ensureCopy(db, area)).toBe('built');
    const newer = Array.from({ length: POSTINGS_BUDGET }, (_, i) => named(1000 + i, 'N'.repeat(2_000), 2020));
    await updateCopy(db, area, newer, await putArticles(db, newer));
    expect(area.items.has(COPY_TOO_LARGE_KEY)).toBe(false);
    expect(old.filter((a) => area.items.has(cardKey(a.id)))).toEqual([]);
    expect(expectCardsOfListed(area, { built: true })).toBe(POSTINGS_BUDGET);
    expect((await relatedFromCopy(area, new Set(['china']), 20, {})).writes).toBe((await storedStamp(db)).writes);
    await expectSameAnswers(db, area, true);
    db.close();
  });

  it('is set aside while many stored articles are rewritten, and built once after', async () => {
    const db = await openCoverageDb(`copy-aside-${Math.random()}`);
    const area = new MapArea();
    await putArticles(db, Array.from({ length: 300 }, (_, i) => article(i)));
    expect(await ensureCopy(db, area)).toBe('built');
    await setCopyAside(area);
    expect((await relatedFromCopy(area, new Set(['china']), 20, {})).items).toBeNull();
    // Rewritten with other entities, as a dictionary change does: no update reads or writes the copy.
    const renamed = Array.from({ length: 300 }, (_, i) => ({ ...article(i, 'Iran and China, renamed.'), id: `a${i}` }));
    const before = new Map(area.items);
    await updateCopy(db, area, renamed, await putArticles(db, renamed, false));
    expect(new Map(area.items)).toEqual(before);
    expect(await ensureCopy(db, area)).toBe('set aside');
    takeCopyBack();
    expect(await ensureCopy(db, area)).toBe('built');
    await expectSameAnswers(db, area, true);
    db.close();
  });

  it('keeps no copy that would not fit, and says so', async () => {
    const db = await openCoverageDb(`copy-large-${Math.random()}`);
    const area = new MapArea();
    const long = (i: number) => ({ ...article(i), title: 'T'.repeat(40_000) });
    await putArticles(db, Array.from({ length: 230 }, (_, i) => long(i)));
    expect(await ensureCopy(db, area)).toBe('too large');
    expect([...area.items.keys()]).toEqual([COPY_TOO_LARGE_KEY]);
    expect(await relatedFromCopy(area, new Set(['china']), 20, {})).toEqual({ items: null, total: null, writes: null, tooLarge: true });
    // Not tried again in this session, nor in the next (session storage emptied), where it would
    // read every article again for nothing.
    expect(await ensureCopy(db, area)).toBe('too large');
    expect(area.items.has(COPY_STATE_KEY)).toBe(false);
    const nextSession = new MapArea();
    let read = 0;
    const getAll = db.getAll.bind(db);
    db.getAll = ((...args: Parameters<typeof getAll>) => (read++, getAll(...args))) as typeof db.getAll;
    expect(await ensureCopy(db, nextSession)).toBe('too large');
    expect(read).toBe(0);
    expect([...nextSession.items.keys()]).toEqual([COPY_TOO_LARGE_KEY]);
    db.getAll = getAll;
    // A dictionary change that leaves the long stories naming no entity: no list names them, so
    // no card of theirs is kept, and the copy fits once the verdict is reconsidered.
    const unnamed = Array.from({ length: 230 }, (_, i) => ({ ...long(i), mentions: [], entityIds: [] }));
    await putArticles(db, unnamed, false);
    expect(await ensureCopy(db, nextSession)).toBe('too large');
    expect(await reconsiderCopy(db, nextSession)).toBe(true);
    expect(await ensureCopy(db, nextSession)).toBe('built');
    expect(await reconsiderCopy(db, nextSession)).toBe(false);
    expect(expectCardsOfListed(nextSession, { built: true })).toBe(0);

    // A browser that counts it larger than the copy does and refuses it: no copy, and said so.
    const small = new MapArea();
    small.quota = 100_000;
    const db2 = await openCoverageDb(`copy-quota-${Math.random()}`);
    await putArticles(db2, Array.from({ length: 300 }, (_, i) => article(i)));
    expect(await ensureCopy(db2, small)).toBe('too large');
    expect([...small.items.keys()]).toEqual([COPY_TOO_LARGE_KEY]);
    // A copy that a write takes past the quota is dropped too.
    const roomy = new MapArea();
    const db3 = await openCoverageDb(`copy-quota-${Math.random()}`);
    await putArticles(db3, Array.from({ length: 300 }, (_, i) => article(i)));
    expect(await ensureCopy(db3, roomy)).toBe('built');
    roomy.quota = size(roomy) + 200;
    const more = Array.from({ length: 5 }, (_, i) => article(400 + i));
    await updateCopy(db3, roomy, more, await putArticles(db3, more));
    expect([...roomy.items.keys()]).toEqual([COPY_TOO_LARGE_KEY]);
    db.close();
    db2.close();
    db3.close();
  });
});
