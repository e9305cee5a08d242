import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { loadDictionary } from '../../src/core/dictionary.ts';
import { findMentions } from '../../src/core/article-mentions.ts';
import {
  articleId, canonicalUrl, seedArticleId, entityWeight, isDuplicate, rankRelated, signatureSimilarity, textSignature, type ArticleRecord,
} from '../../src/core/coverage.ts';
import { DB_VERSION, checkEntityCounts, entityTimeline, mentionRows, openCoverageDb, putArticles, relatedCoverage, storedStamp } from '../../src/background/coverage-db.ts';
import { SEEDS_DIR } from '../support/paths.ts';
import { openOldCoverageDb } from '../support/old-databases.ts';
import { cardRow } from '../../src/core/related-copy.ts';

const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
const dict = loadDictionary(compileDictionary(catalogue, seeds).compiled);

function record(meta: { id?: string; url: string | null; title?: string; outlet?: string; published?: string | null }, text: string): ArticleRecord {
  const mentions = findMentions(dict, text);
  return {
    id: meta.id ?? articleId(meta.url, text), url: meta.url, title: meta.title ?? null, outlet: meta.outlet ?? null, byline: null,
    published: meta.published ?? null, lang: 'en', text, mentions, entityIds: mentions.map((m) => m.entity),
    savedAt: 0, origin: 'seed', signature: textSignature(text),
  };
}
const seedRecords = seeds.map((s) => record({ id: seedArticleId(s.meta.file), url: s.meta.url, title: s.meta.title ?? undefined, outlet: s.meta.outlet, published: s.meta.published }, s.text));
const [s000, s001, s002, s003, s004] = seedRecords;

describe('coverage logic', () => {
  it('canonicalises URLs: fragment, tracking parameters, www and trailing slash removed', () => {
    expect(canonicalUrl('https://www.Example.com/a/b/?utm_source=x&id=3&fbclid=y#top')).toBe('https://example.com/a/b?id=3');
    // Escaped keys are compared decoded; what is kept stays as written.
    expect(canonicalUrl('https://example.org/x?utm%5Fsource=1&q=a+b&ref=')).toBe('https://example.org/x?q=a+b');
    expect(articleId('https://example.com/a?utm_medium=m', '')).toBe(articleId('https://example.com/a', 'other text'));
  });

  it('finds each seed’s entities with counts and a sentence', () => {
    const li = s000.mentions.find((m) => m.entity === 'li-lecheng')!;
    expect(li.count).toBe(2);
    expect(li.sentence).toContain('Li Lecheng');
    expect(s001.entityIds).toContain('issa-zarepour');
  });

  it('tells a story stored twice from different stories', () => {
    expect(isDuplicate(s002, s004)).toBe(true);
    // Same story, different texts: even without the shared URL they are near-identical.
    expect(signatureSimilarity(s002.signature, s004.signature)).toBeGreaterThanOrEqual(0.3);
    expect(isDuplicate(s000, s001)).toBe(false);
    expect(isDuplicate(s000, s003)).toBe(false);
    expect(signatureSimilarity(s000.signature, s003.signature)).toBeLessThan(0.1);
  });

  it('weighs rare shared entities above common ones', () => {
    expect(entityWeight(1, 100)).toBeGreaterThan(entityWeight(50, 100));
    const page = new Set(['li-lecheng', 'china']);
    const df = new Map([['li-lecheng', 1], ['china', 5]]);
    const ranked = rankRelated(page, seedRecords, df, 5);
    expect(ranked[0].article.id).toBe(s000.id);
    expect(ranked[0].shared).toEqual(['li-lecheng', 'china']);
    expect(ranked[0].snippet).toContain('Li Lecheng');
  });

  it('folds duplicates into one item and leaves the page itself out', () => {
    const page = new Set(['sattar-hashemi', 'cong-peiwu', 'china']);
    const df = new Map([['sattar-hashemi', 3], ['cong-peiwu', 2], ['china', 5]]);
    const ranked = rankRelated(page, seedRecords, df, 5, { url: seeds[0].meta.url });
    const ids = ranked.map((r) => r.article.id);
    expect(ids).not.toContain(s000.id);
    const jpost = ranked.find((r) => r.article.id === s002.id || r.article.id === s004.id)!;
    expect(jpost.duplicates).toHaveLength(1);
    expect(ids.filter((id) => id === s002.id || id === s004.id)).toHaveLength(1);
  });
});

describe('coverage database', () => {
  it('stores idempotently and answers related coverage and timelines from the index', async () => {
    const db = await openCoverageDb(`test-${Math.random()}`);
    await putArticles(db, seedRecords);
    await putArticles(db, seedRecords); // a retried write adds nothing
    expect(await db.count('articles')).toBe(5);
    const related = await relatedCoverage(db, new Set(['li-lecheng', 'sattar-hashemi']), 10, { url: seeds[0].meta.url });
    // Li Lecheng is in two stored articles, Hashemi in three: sharing Li says more.
    expect(related.map((r) => r.article.outlet)).toEqual(['IRNA (French)', 'The Jerusalem Post']);
    expect(related.map((r) => r.shared)).toEqual([['li-lecheng'], ['sattar-hashemi']]);
    // 002 and 004, one story stored twice, show once.
    expect(related[1].duplicates).toHaveLength(1);
    const rare = await relatedCoverage(db, new Set(['issa-zarepour', 'china']), 10);
    expect(rare[0].article.outlet).toBe('IRNA (French)');
    const timeline = await entityTimeline(db, 'sattar-hashemi');
    expect(timeline.rows.map((a) => a.published)).toEqual(['2025-05-11', '2025-05-11', '2025-05-16']);
    expect(timeline.total).toBe(3);
    // Undated articles come last; an article re-saved with fewer entities leaves no stale row.
    expect((await entityTimeline(db, 'li-lecheng')).rows.map((r) => r.published)).toEqual(['2025-05-16', '9999']);
    await putArticles(db, [{ ...s001, mentions: [], entityIds: [] }]);
    expect((await entityTimeline(db, 'li-lecheng')).total).toBe(1);
    expect((await relatedCoverage(db, new Set(['issa-zarepour']), 10))).toEqual([]);
    db.close();
  });

  it('keeps a timeline row to its mention and describes its article from the card; rows written with a description are read as they are', async () => {
    const db = await openCoverageDb(`timeline-${Math.random()}`);
    await putArticles(db, [s000, s001]);
    const key = (r: ArticleRecord, entity: string): [string, string, string] => [entity, r.published ?? '9999', r.id];
    // What is stored: the mention alone (the article's address, title, outlet and language are its card's).
    expect(Object.keys((await db.get('mentions', key(s001, 'issa-zarepour')))!).sort()).toEqual(['entity', 'id', 'published', 'sentence']);
    const [row] = (await entityTimeline(db, 'issa-zarepour')).rows;
    expect(row).toEqual({ entity: 'issa-zarepour', published: s001.published ?? '9999', id: s001.id, sentence: s001.mentions.find((m) => m.entity === 'issa-zarepour')!.sentence, url: s001.url, title: s001.title, outlet: s001.outlet, lang: s001.lang });
    // A row as an earlier version wrote it, with the article's description in it: read as it is.
    const [entity, published, id] = key(s000, 'li-lecheng');
    await db.put('mentions', { entity, published, id, sentence: 'Li Lecheng visited.', url: 'https://example.com/old', title: 'As first saved', outlet: 'Old outlet', lang: 'fr' });
    const li = (await entityTimeline(db, 'li-lecheng')).rows.find((r) => r.id === s000.id)!;
    expect([li.title, li.url, li.outlet, li.lang, li.sentence]).toEqual(['As first saved', 'https://example.com/old', 'Old outlet', 'fr', 'Li Lecheng visited.']);
    // Without its card, the article itself describes it.
    await db.delete('cards', s001.id);
    expect((await entityTimeline(db, 'issa-zarepour')).rows[0].title).toBe(s001.title);
    db.close();
  });

  it('describes a long timeline from all the cards read at once, and a sparse one card by card', async () => {
    const db = await openCoverageDb(`long-timeline-${Math.random()}`);
    const many = Array.from({ length: 600 }, (_, i) => record({ url: `https://example.com/story/${i}`, title: `Story ${i}`, outlet: `Outlet ${i % 7}`, published: `2024-01-${String(1 + (i % 28)).padStart(2, '0')}` }, `Issa Zarepour spoke on day ${i}.`));
    const other = Array.from({ length: 600 }, (_, i) => record({ url: `https://example.com/other/${i}`, title: `Other ${i}` }, `Nothing of note happened on day ${i}.`));
    await putArticles(db, [...many, ...other]);
    // Titles that only the cards hold, so that what is shown is known to come from them.
    const tx = db.transaction('cards', 'readwrite');
    await Promise.all([...many.map((r) => tx.store.put({ ...cardRow(r), title: `Card of ${r.title}` })), tx.done]);
    const store = Object.getPrototypeOf(db.transaction('cards').objectStore('cards')) as { getAll: (...args: unknown[]) => unknown };
    const readAll = vi.spyOn(store, 'getAll');
    const check = async () => {
      const { rows, total } = await entityTimeline(db, 'issa-zarepour', 100_000);
      expect(total).toBe(600);
      const byId = new Map(many.map((r) => [r.id, r]));
      for (const row of rows) expect([row.title, row.url, row.outlet]).toEqual([`Card of ${byId.get(row.id)!.title}`, byId.get(row.id)!.url, byId.get(row.id)!.outlet]);
      return rows.length;
    };
    // 600 of 1,200 articles: all the cards at once.
    expect(await check()).toBe(600);
    const cardsReadAll = () => readAll.mock.contexts.filter((store) => (store as IDBObjectStore).name === 'cards').length;
    expect(cardsReadAll()).toBe(1);
    // 600 of 3,600: one by one.
    await putArticles(db, Array.from({ length: 2400 }, (_, i) => record({ url: `https://example.com/more/${i}` }, `Still nothing on day ${i}.`)));
    readAll.mockClear();
    expect(await check()).toBe(600);
    expect(readAll).toHaveBeenCalled();
    expect(cardsReadAll()).toBe(0);
    readAll.mockRestore();
    db.close();
  });

  it('keeps each entity\'s article count with every write, and counts again a store whose counts do not add up', async () => {
    const name = `counts-${Math.random()}`;
    const db = await openCoverageDb(name);
    expect((await putArticles(db, seedRecords)).writes).toBe(1);
    // Every write is counted, one that changes nothing included.
    expect((await putArticles(db, seedRecords)).writes).toBe(2);
    expect((await putArticles(db, [])).writes).toBe(2);
    const count = async (d: typeof db, e: string) => (await d.get('entityCounts', e))?.n;
    expect(await count(db, 'sattar-hashemi')).toBe(3);
    expect(await count(db, 'li-lecheng')).toBe(2);
    expect(await count(db, '\u0000total')).toBe(5);
    await putArticles(db, [{ ...s001, mentions: [], entityIds: [] }]);
    expect(await count(db, 'li-lecheng')).toBe(1);
    // An article written around the counts (by a version before them, which wrote its timeline rows too): counted again on start.
    const direct = { ...record({ url: 'https://elsewhere.example/x' }, 'Li Lecheng met Sattar Hashemi.'), id: 'direct' };
    await db.put('articles', direct);
    for (const row of mentionRows(direct)) await db.put('mentions', row);
    db.close();
    const again = await openCoverageDb(name);
    // The background's check on start (queries themselves never walk every key).
    await checkEntityCounts(again);
    const related = await relatedCoverage(again, new Set(['li-lecheng']), 10);
    expect(related.map((r) => r.article.id)).toContain('direct');
    expect(await count(again, 'li-lecheng')).toBe(2);
    expect(await count(again, '\u0000total')).toBe(6);
    // Counting again keeps the count of writes.
    expect(await storedStamp(again)).toEqual({ total: 6, writes: 3 });
    // A store without counts at all (written before they were kept): counted at its first query.
    await again.clear('entityCounts');
    again.close();
    const third = await openCoverageDb(name);
    expect((await relatedCoverage(third, new Set(['li-lecheng']), 10)).map((r) => r.article.id)).toContain('direct');
    expect(await count(third, '\u0000total')).toBe(6);
    third.close();
  });

  it('draws related coverage from the newest articles when even the rarest entity is in more than 1,500', async () => {
    const db = await openCoverageDb(`newest-${Math.random()}`);
    const day = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    // Different stories (not folded as duplicates): words drawn at random around the one name.
    const words = Array.from({ length: 300 }, (_, k) => `word${k.toString(36)}`);
    let x = 7;
    const pick = () => words[(x = (Math.imul(x, 1103515245) + 12345) >>> 0) % words.length];
    const story = () => `Li Lecheng ${Array.from({ length: 40 }, pick).join(' ')}.`;
    const many = Array.from({ length: 1700 }, (_, i) => record({ id: `a${String(i).padStart(4, '0')}`, url: `https://wire.example/${i}`, published: day(i) }, story()));
    await putArticles(db, many);
    expect((await db.get('entityCounts', 'li-lecheng'))?.n).toBe(1700);
    const related = await relatedCoverage(db, new Set(['li-lecheng']), 10);
    expect(related).toHaveLength(10);
    // Only the newest 1,500 were candidates: none of the oldest 200.
    for (const r of related) expect(Number(r.article.id.slice(1))).toBeGreaterThanOrEqual(200);
    db.close();
    // A browser without getAll's direction (Firefox ESR) walks a key cursor back to the same answer.
    const withDirection = Object.getOwnPropertyDescriptor(IDBObjectStore.prototype, 'getAllRecords')!;
    delete (IDBObjectStore.prototype as { getAllRecords?: unknown }).getAllRecords;
    try {
      const again = await openCoverageDb(db.name);
      expect((await relatedCoverage(again, new Set(['li-lecheng']), 10)).map((r) => r.article.id)).toEqual(related.map((r) => r.article.id));
      again.close();
    } finally {
      Object.defineProperty(IDBObjectStore.prototype, 'getAllRecords', withDirection);
    }
  });

  it('upgrades a version-1 database keeping every article and deriving the timeline rows', async () => {
    const name = `upgrade-${Math.random()}`;
    const v1 = await openOldCoverageDb(name, 1);
    for (const r of seedRecords) await v1.put('articles', r);
    v1.close();
    const db = await openCoverageDb(name);
    expect(db.version).toBe(DB_VERSION);
    expect(await db.count('highlights')).toBe(0);
    expect((await db.getAll('articles')).map((a) => a.id).sort()).toEqual(seedRecords.map((r) => r.id).sort());
    expect(await db.count('mentions')).toBe(seedRecords.reduce((n, r) => n + r.mentions.length, 0));
    expect((await entityTimeline(db, 'issa-zarepour')).rows.map((r) => r.id)).toEqual([s001.id]);
    // The ranking copy's cards (v6), derived from every article.
    expect(await db.get('cards', s001.id)).toEqual(cardRow(s001));
    expect(await db.count('cards')).toBe(seedRecords.length);
    db.close();
  });
});
