/**
 * The background: serves the dictionary and entity records to content scripts, owns the coverage
 * database, and answers the popup. Requests are checked for shape and sender: content scripts may
 * only read the dictionary; coverage queries and saving are for the extension's own pages.
 */
import { articles, compiled, records, seedTexts } from 'virtual:newsgloss-dictionary';
import {
  AUTO_SAVE_HINT_KEY, PAGE_INDEX_KEY, PAUSED_SITES_KEY, browser, extensionOrigin, localStorageKeys, readEntityText, readPausedSites, readStoredDictionary, sendToTab, sessionArea, wholeStoredDictionary, writeStoredDictionary,
  type PageIndex,
  type Browser,
} from '../platform/browser.ts';
import { enabledEntities, putEntity } from './dictionary-store.ts';
import { compileTerms } from '../core/compile-terms.ts';
import { LOCAL_AUTHOR_ID, MINE_PACK_ID, readEntity } from '../core/user-entities.ts';
import { hash32 } from '../core/coverage.ts';
import type { CompiledDictionary, EntityRecord, RuntimeDictionary } from '../core/dictionary.ts';
import { packDictionary, unpackDictionary } from '../core/stored-dictionary.ts';
import { applyImport, exportHighlights, previewImport } from './annotation-store.ts';
import { AnnotationFileError } from '../core/annotation-file.ts';
import { parseRequest, type ExtractedArticle, type AnyRequest, type MessageMap, type PageRequest } from '../messages.ts';
import { loadDictionary } from '../core/dictionary.ts';
import { entityNamedExactly, findMentions } from '../core/article-mentions.ts';
import { articleId, canonicalUrl, seedArticleId, textSignature, type ArticleRecord } from '../core/coverage.ts';
import { checkEntityCounts, highlightsOf, openCoverageDb, putArticles, putHighlights, type CoverageDb } from './coverage-db.ts';
import { ensureCopy, reconsiderCopy, setCopyAside, takeCopyBack, updateCopy } from './related-copy-store.ts';
import { LOCAL_CREATOR_ID, newHighlightId, pageIndexHash, pageKey, siteOf, type SavedHighlight } from '../core/highlights.ts';
import { OLD_STORAGE_KEYS, readSettings as readStoredSettings, writeSettings, type Settings } from './settings-store.ts';
import { coverageUrl, httpUrl } from '../core/urls.ts';
import { CONTENT_SCRIPT_FILE, EXTRACT_GLOBAL, EXTRACT_SCRIPT_FILE, PAGE_UI_SCRIPT_FILE } from '../content/script-files.ts';
import { classifySender, refusal, speaksFor, type Sender } from './senders.ts';

const recordById = new Map(records.map((r) => [r.id, r]));
const articleByFile = new Map(articles.map((a) => [a.file, a]));
const seedIds: ReadonlySet<string> = new Set(recordById.keys());
/** Identifies this build's seed pack: a dictionary compiled from another build is compiled again. */
const SEED_STAMP = hash32(`${compiled.automaton.alphabet}|${compiled.automaton.edgeChar}|${compiled.termFlags.join(',')}|${records.map((r) => r.id).join(',')}`).toString(36);

/** The dictionary of every enabled pack: its stamp, its compiled form (for extension pages) and unpacked. */
interface LiveDictionary {
  stamp: string;
  compiled: CompiledDictionary;
  runtime: RuntimeDictionary;
}
let live: Promise<LiveDictionary> | null = null;

/**
 * Compiles the enabled packs and writes the result where content scripts read it (open tabs
 * are told, see pauseSite). Runs one at a time; a change while compiling compiles again.
 */
async function compileAndStore(): Promise<{ live: LiveDictionary; entities: number; skipped: ReturnType<typeof compileTerms>['skipped'] }> {
  const { packs, entities } = await enabledEntities(await coverageDb(), records);
  const result = compileTerms(entities);
  const stamp = `${SEED_STAMP}:${hash32(packs.map((p) => `${p.id}=${p.enabled}`).join('|') + result.compiled.automaton.edgeChar.length + result.compiled.termEntity.length).toString(36)}:${Date.now().toString(36)}`;
  await writeStoredDictionary(stamp, packDictionary(result.compiled));
  void tellTabs({ type: 'page/stored-changed', key: 'dictionary' }).catch(() => undefined);
  return { live: { stamp, compiled: result.compiled, runtime: loadDictionary(result.compiled) }, entities: entities.length, skipped: result.skipped };
}

let compiling: Promise<unknown> = Promise.resolve();

function recompile(): ReturnType<typeof compileAndStore> {
  const run = compiling.then(() => compileAndStore());
  compiling = run.catch(() => undefined);
  live = run.then((r) => r.live);
  live.catch(() => (live = null));
  void run.then((r) => reindexCoverage(r.live)).catch(() => undefined);
  return run;
}

/** Storage key: the dictionary stamp the stored articles' mentions were last found with. */
const INDEXED_WITH_KEY = 'coverageIndexedWith';
const REINDEX_BATCH = 200;
let reindexing: string | null = null;

/**
 * Finds the mentions of every stored article again with a changed dictionary, so timelines and
 * related coverage know the reader's entities as they know the seed pack's. Runs in batches in
 * the background; a newer dictionary takes over; a worker stopped half-way starts again on its
 * next start (the stamp is written only at the end, and rewriting an article is idempotent).
 */
async function reindexCoverage(dict: LiveDictionary): Promise<void> {
  const stamp = dict.stamp;
  if (reindexing === stamp) return;
  if ((await browser.storage.local.get(INDEXED_WITH_KEY))[INDEXED_WITH_KEY] === stamp) return;
  reindexing = stamp;
  const db = await coverageDb();
  let renamed = false;
  try {
    for (let after: string | null = null; ;) {
      if (reindexing !== stamp) return;
      const range: IDBKeyRange | undefined = after === null ? undefined : IDBKeyRange.lowerBound(after, true);
      const batch: ArticleRecord[] = await db.getAll('articles', range, REINDEX_BATCH);
      if (batch.length === 0) break;
      after = batch[batch.length - 1].id;
      const changed: ArticleRecord[] = [];
      for (const a of batch) {
        const mentions = findMentions(dict.runtime, a.text);
        const entityIds = mentions.map((m) => m.entity);
        if (entityIds.join(' ') !== a.entityIds.join(' ')) changed.push({ ...a, mentions, entityIds });
      }
      if (changed.length) {
        if (!renamed) await setCopyAside(sessionArea());
        await storeArticles(db, changed, false);
        renamed = true;
      }
      // Let requests from the popup and pages in between batches.
      await new Promise((r) => setTimeout(r, 0));
    }
  } finally {
    // A newer dictionary's reindex, which took over, keeps the copy aside until it ends.
    if (reindexing === stamp) takeCopyBack();
  }
  if (reindexing !== stamp) return;
  await browser.storage.local.set({ [INDEXED_WITH_KEY]: stamp });
  reindexing = null;
  if (!renamed) return;
  // Other entities, other lists: a ranking copy found too large may fit now.
  await reconsiderCopy(db, sessionArea());
  void ensureRankingCopy().catch(() => undefined);
}

/** The current dictionary: the stored one when it was compiled from this build, else compiled now. */
function liveDictionary(): Promise<LiveDictionary> {
  live ??= (async () => {
    const read = await readStoredDictionary();
    if (!read || !read.stamp.startsWith(`${SEED_STAMP}:`)) return (await recompile()).live;
    // Its automaton whole (read from its parts where it is stored in parts); a part missing, compile again.
    const stored = await wholeStoredDictionary(read).catch(() => null);
    if (!stored) return (await recompile()).live;
    // Its ids and names are stored apart; without them (a write cut short), compile again.
    const text = await readEntityText(stored.stamp).catch(() => null);
    if (!text) return (await recompile()).live;
    const compiled = unpackDictionary({ ...stored.packed, ...text });
    const loaded = { stamp: stored.stamp, compiled, runtime: loadDictionary(compiled) };
    void reindexCoverage(loaded).catch(() => undefined);
    return loaded;
  })();
  live.catch(() => (live = null));
  return live;
}

/** An entity of any pack by id: the seed pack from the build, the reader's from the database. */
async function entityById(id: string): Promise<EntityRecord | null> {
  return recordById.get(id) ?? (await (await coverageDb()).get('entities', id)) ?? null;
}

/** Builds the stored form of an article. */
async function toRecord(fields: Omit<ArticleRecord, 'mentions' | 'entityIds' | 'signature'>): Promise<ArticleRecord> {
  const mentions = findMentions((await liveDictionary()).runtime, fields.text);
  return { ...fields, mentions, entityIds: mentions.map((m) => m.entity), signature: textSignature(fields.text) };
}

/** The seed pack alone, for storing the seed articles before the reader's packs can be read. */
const seedDictionary = loadDictionary(compiled);

function toRecordWith(dict: RuntimeDictionary, fields: Omit<ArticleRecord, 'mentions' | 'entityIds' | 'signature'>): ArticleRecord {
  const mentions = findMentions(dict, fields.text);
  return { ...fields, mentions, entityIds: mentions.map((m) => m.entity), signature: textSignature(fields.text) };
}

let dbReady: Promise<CoverageDb> | null = null;

/**
 * Every article write: the database first (committed, and then answered), then the popup's
 * ranking copy, in turn after any build of it under way (seconds with a large store), which a save
 * does not wait for. A worker stopped in between leaves the copy behind by that write, and its
 * count of the database's writes with it, until the next popup finds the count short and has it
 * built again.
 */
async function storeArticles(db: CoverageDb, records: readonly ArticleRecord[], textChanged = true): Promise<void> {
  const stored = await putArticles(db, records, textChanged);
  void updateCopy(db, sessionArea(), records, stored).catch(() => undefined);
}

/**
 * Storage key: the extension version whose start last counted the stored articles against the
 * kept counts. The count walks every article's key with the database busy throughout (a cold
 * popup's entity timeline waited 698 ms for it at 100,000 stored articles, 61–75 ms at 10,000,
 * against 18–20 without), so it runs once per version, not on every start of the worker: every
 * version that can open the database keeps the counts with each write, and only one from before
 * them, which an update replaced, wrote articles without.
 */
const COUNTS_CHECKED_KEY = 'coverageCountsCheckedFor';

/** The database, with the seed articles stored (idempotent: their ids are fixed). */
function coverageDb(): Promise<CoverageDb> {
  dbReady ??= (async () => {
    const db = await openCoverageDb();
    // Checked by key first: a worker's every start would otherwise scan the seed texts again.
    const tx = db.transaction('articles');
    const present = await Promise.all(articles.map((a) => tx.store.getKey(seedArticleId(a.file))));
    await tx.done;
    const missing = articles.filter((_, i) => present[i] === undefined);
    if (missing.length) {
      await storeArticles(db, missing.map((a) =>
        toRecordWith(seedDictionary, {
          id: seedArticleId(a.file), url: a.url, title: a.title, outlet: a.outlet, byline: null,
          published: a.published, lang: a.lang, text: seedTexts[a.file] ?? '', savedAt: 0, origin: 'seed',
        }),
      ));
    }
    const version = browser.runtime.getManifest().version;
    if ((await browser.storage.local.get(COUNTS_CHECKED_KEY))[COUNTS_CHECKED_KEY] !== version) {
      await checkEntityCounts(db);
      await browser.storage.local.set({ [COUNTS_CHECKED_KEY]: version });
    }
    return db;
  })();
  dbReady.catch(() => (dbReady = null));
  return dbReady;
}

/**
 * The tab's main article: the extractor (Readability, built as extract.js) is injected into the
 * tab's top frame only now, in the extension's own world, so no page load ever carries it.
 */
async function extractFromTab(tabId: number): Promise<ExtractedArticle | { error: string }> {
  const target = { tabId, frameIds: [0] };
  await browser.scripting.executeScript({ target, files: [EXTRACT_SCRIPT_FILE] });
  const [ran] = await browser.scripting.executeScript({
    target,
    func: (name: string) => (globalThis as unknown as Record<string, () => unknown>)[name]?.() ?? { error: 'the extractor did not load on this page' },
    args: [EXTRACT_GLOBAL],
  });
  const result = ran?.result as ExtractedArticle | { error: string } | undefined;
  if (!result || typeof result !== 'object') return { error: 'No article could be read from this page.' };
  return result;
}

async function saveTab(tabId: number): Promise<{ id: string; entities: number }> {
  const tabUrl = (await browser.tabs.get(tabId)).url ?? '';
  const extracted = await extractFromTab(tabId);
  if ('error' in extracted) throw new Error(extracted.error);
  // The address the page gives counts only on its own origin: a page cannot store itself as
  // another outlet's article (nor take its id), nor under a javascript: or data: address.
  const url = pageKey(tabUrl, extracted.url);
  if (url === null) throw new Error('only http(s) pages can be saved');
  const record = await toRecord({
    id: articleId(url, extracted.text), url, title: extracted.title, outlet: extracted.outlet, byline: extracted.byline,
    published: extracted.published, lang: extracted.lang, text: extracted.text, savedAt: Date.now(), origin: 'saved',
  });
  await storeArticles(await coverageDb(), [record]);
  return { id: record.id, entities: record.entityIds.length };
}

/** Highlights to show once their page has opened in a tab (from the highlights page), by tab id. */
const revealInTab = new Map<number, string>();

/** The page a page-bound request speaks for (the sender rules let only top-frame pages send them). */
function senderPage(sender: Sender): Extract<Sender, { kind: 'page' }> {
  if (sender.kind !== 'page') throw new Error('only a page may ask this');
  return sender;
}

/** The key the sender's page is stored under, its declared canonical URL counting on its own origin only. */
function senderPageKey(sender: Sender, canonical: string | null): string {
  const key = pageKey(senderPage(sender).url, canonical);
  if (key === null) throw new Error('only http(s) pages keep highlights');
  return key;
}

/** Reads a highlight a sender may change: extension pages any, a content script only its own origin's. */
async function ownHighlight(db: CoverageDb, id: string, sender: Sender): Promise<SavedHighlight | null> {
  const found = await db.get('highlights', id);
  return found && speaksFor(sender, found.source) ? found : null;
}

/** Storage keys of the per-page index older versions kept in the clear (`hl:` + address). */
const OLD_PAGE_PREFIX = 'hl:';

let indexing: Promise<unknown> = Promise.resolve();

/**
 * Writes the page index content scripts read (see pageHasHighlights) from the database: rebuilt
 * whole, one at a time, so it is idempotent and a stopped worker's half-done change is mended by
 * the next rebuild (on start and after every change).
 */
function indexHighlightPages(): Promise<void> {
  const run = indexing.then(async () => {
    const db = await coverageDb();
    const got = await browser.storage.local.get(PAGE_INDEX_KEY);
    const old = got[PAGE_INDEX_KEY] as PageIndex | undefined;
    const salt = typeof old?.salt === 'string' && old.salt.length >= 16 ? old.salt : crypto.randomUUID().replace(/-/g, '');
    const pages: Record<string, 1> = {};
    let cursor = await db.transaction('highlights').store.index('bySource').openKeyCursor(null, 'nextunique');
    while (cursor) {
      pages[pageIndexHash(salt, cursor.key)] = 1;
      cursor = await cursor.continue();
    }
    await browser.storage.local.set({ [PAGE_INDEX_KEY]: { salt, pages } satisfies PageIndex });
  });
  indexing = run.catch(() => undefined);
  return run;
}

let settingsRead: Promise<Settings> | null = null;

/**
 * The reader's settings from the database; the first time, those an older version kept in
 * extension storage (where content scripts could read and write them) are moved over and removed.
 */
function settings(): Promise<Settings> {
  settingsRead ??= (async () => {
    const keys = Object.values(OLD_STORAGE_KEYS);
    const legacy = await browser.storage.local.get(keys);
    const read = await readStoredSettings(await coverageDb(), legacy);
    await browser.storage.local.remove(keys);
    await browser.storage.local.set({ [AUTO_SAVE_HINT_KEY]: read.autoSave.enabled ? read.autoSave.minMentions : 0 });
    return read;
  })();
  settingsRead.catch(() => (settingsRead = null));
  return settingsRead;
}

/** Tells the content script of every web page tab (those without one, or gone, are passed over). */
async function tellTabs(request: PageRequest<'page/highlights-changed'> | PageRequest<'page/stored-changed'>): Promise<void> {
  const tabs = await browser.tabs.query({ url: ['http://*/*', 'https://*/*'] });
  await Promise.all(tabs.map((t) => (t.id === undefined ? null : sendToTab(t.id, request).catch(() => null))));
}

/** After a change made on an extension page, tabs showing highlights read them again. */
function tellTabsHighlightsChanged(): Promise<void> {
  return tellTabs({ type: 'page/highlights-changed' });
}

/**
 * Pauses or resumes a site, and tells open tabs. The background does not listen to
 * storage.onChanged: every change event carries the old and new values of each key written, so a
 * listener here would wake the worker for every write and, with a dictionary of 100,000 entities,
 * take in 50 MB per compile and double what the browser's own main thread spends on the write
 * (`change-bench.ts`). Whoever writes what pages follow tells them instead: here, and after a compile.
 */
let pausing: Promise<unknown> = Promise.resolve();
function pauseSite(site: string, paused: boolean): Promise<string[]> {
  const run = pausing.then(async () => {
    const sites = new Set(await readPausedSites());
    if (paused) sites.add(site);
    else sites.delete(site);
    const list = [...sites].sort();
    await browser.storage.local.set({ [PAUSED_SITES_KEY]: list });
    void tellTabs({ type: 'page/stored-changed', key: 'pausedSites' }).catch(() => undefined);
    return list;
  });
  pausing = run.catch(() => undefined);
  return run;
}

async function handle(request: AnyRequest, sender: Sender): Promise<MessageMap[AnyRequest['type']]['response']> {
  switch (request.type) {
    case 'dictionary/get':
      return (await liveDictionary()).compiled;
    case 'page-ui/load':
    case 'content/load': {
      if (sender.kind === 'extension') throw new Error(`${request.type} is only for content scripts`);
      const frameId = sender.kind === 'frame' ? sender.frameId : 0;
      // Into the asking frame alone, in the extension's isolated world, where the content script reads it.
      const file = request.type === 'page-ui/load' ? PAGE_UI_SCRIPT_FILE : CONTENT_SCRIPT_FILE;
      await browser.scripting.executeScript({ target: { tabId: sender.tabId, frameIds: [frameId] }, files: [file] });
      return { loaded: true };
    }
    case 'entity/get': {
      const entity = await entityById(request.id);
      if (!entity) return null;
      if (entity.sources) return { entity, articles: entity.sources };
      const files = new Set([...entity.evidence.map((e) => e.file), ...entity.claims.flatMap((c) => c.sources.map((s) => s.file))]);
      return { entity, articles: [...files].flatMap((f) => articleByFile.get(f) ?? []) };
    }
    case 'dictionary/add': {
      const source = senderPageKey(sender, request.canonical);
      const { runtime } = await liveDictionary();
      const taken = entityNamedExactly(runtime, request.name);
      if (taken !== null) return { error: `"${request.name.trim()}" is already in the dictionary as ${runtime.entities.get(taken).name}` };
      const read = readEntity({
        kind: request.kind, name: request.name.trim(), description: '',
        sources: [{ file: 'page-1', url: source, title: request.title, outlet: request.outlet, lang: request.lang, published: request.published }],
        evidence: [{ file: 'page-1', form: request.name.trim(), sentence: request.sentence }],
      }, 'the selection', {
        pack: MINE_PACK_ID, now: Date.now(), reservedIds: seedIds, author: { id: LOCAL_AUTHOR_ID, name: (await settings()).reader.name },
      });
      if (!read.entity) return { error: [...read.errors.map((e) => e.message), ...read.rejected.map((r) => `"${r.alias}" ${r.reason}`)].join('; ') };
      await putEntity(await coverageDb(), read.entity);
      await recompile();
      return { entity: read.entity, rejected: read.rejected };
    }
    case 'dictionary/changed': {
      const { live: now, entities, skipped } = await recompile();
      return { entities, terms: now.compiled.termEntity.length, skipped: skipped.filter((k) => k.reason === 'taken').slice(0, 200) };
    }
    case 'settings/get':
      return settings();
    case 'settings/set': {
      await writeSettings(await coverageDb(), { readerName: request.readerName, autoSave: request.autoSave });
      settingsRead = null;
      return settings();
    }
    case 'sites/pause':
      return { pausedSites: await pauseSite(request.site, request.paused) };
    case 'dictionary/open': {
      const query = request.entity ? `?entity=${encodeURIComponent(request.entity)}` : '';
      await browser.tabs.create({ url: browser.runtime.getURL(`src/dictionary/index.html${query}`) });
      return { opened: true };
    }
    case 'coverage/seeded':
      await coverageDb();
      return { seeded: true };
    case 'coverage/copy':
      return { copy: await ensureRankingCopy() };
    case 'coverage/save':
      return saveTab(request.tabId);
    case 'coverage/article': {
      const found = await (await coverageDb()).get('articles', request.id);
      if (!found) return null;
      const { signature: _signature, ...article } = found;
      return article;
    }
    case 'coverage/open': {
      const entity = await entityById(request.entity);
      if (!entity) return { opened: false };
      await browser.tabs.create({ url: browser.runtime.getURL(coverageUrl(entity.id, entity.name)) });
      return { opened: true };
    }
    case 'coverage/autosave': {
      const setting = (await settings()).autoSave;
      if (!setting.enabled || request.mentions < setting.minMentions) return { saved: false };
      await saveTab(senderPage(sender).tabId);
      return { saved: true };
    }
    case 'highlights/page': {
      const source = senderPageKey(sender, request.canonical);
      const highlights = await highlightsOf(await coverageDb(), source);
      const { tabId } = senderPage(sender);
      const reveal = revealInTab.get(tabId) ?? null;
      if (reveal && highlights.some((h) => h.id === reveal)) revealInTab.delete(tabId);
      return { source, highlights, reveal };
    }
    case 'highlights/save': {
      const { url } = senderPage(sender);
      const source = senderPageKey(sender, request.canonical);
      const now = new Date().toISOString();
      const record: SavedHighlight = {
        ...request.highlight, id: newHighlightId(), source, pageUrl: canonicalUrl(url), site: siteOf(source),
        creator: { name: (await settings()).reader.name, id: LOCAL_CREATOR_ID }, created: now, modified: now,
      };
      await putHighlights(await coverageDb(), [record]);
      await indexHighlightPages();
      return record;
    }
    case 'highlights/update': {
      const db = await coverageDb();
      const found = await ownHighlight(db, request.id, sender);
      if (!found) return null;
      const updated: SavedHighlight = { ...found, ...request.edit, modified: new Date().toISOString() };
      await putHighlights(db, [updated]);
      if (sender.kind === 'extension') void tellTabsHighlightsChanged();
      return updated;
    }
    case 'highlights/delete': {
      const db = await coverageDb();
      const found = await ownHighlight(db, request.id, sender);
      if (!found) return { deleted: false };
      await db.delete('highlights', found.id);
      await indexHighlightPages();
      if (sender.kind === 'extension') void tellTabsHighlightsChanged();
      return { deleted: true };
    }
    case 'highlights/list': {
      const all = await (await coverageDb()).getAll('highlights');
      return all.sort((a, b) => (a.modified < b.modified ? 1 : a.modified > b.modified ? -1 : 0));
    }
    case 'highlights/changed':
      await indexHighlightPages();
      await tellTabsHighlightsChanged();
      return { ok: true };
    case 'highlights/resolve': {
      const db = await coverageDb();
      const found = await db.get('highlights', request.id);
      if (!found) return null;
      const others = found.conflicts ?? [];
      const adopted = request.adopt >= 0 ? others[request.adopt] : undefined;
      if (request.adopt >= 0 && !adopted) return null;
      const resolved: SavedHighlight = adopted
        ? { ...found, note: adopted.note, tags: adopted.tags, colour: adopted.colour, creator: adopted.creator, modified: new Date().toISOString(), conflicts: undefined }
        : { ...found, conflicts: undefined };
      await putHighlights(db, [resolved]);
      void tellTabsHighlightsChanged();
      return resolved;
    }
    case 'annotations/export': {
      const { reader } = await settings();
      return exportHighlights(await coverageDb(), request.filter, request.format, reader);
    }
    case 'annotations/preview':
    case 'annotations/import': {
      const { reader } = await settings();
      try {
        if (request.type === 'annotations/preview') return { preview: await previewImport(await coverageDb(), request.text, reader.id) };
        const result = await applyImport(await coverageDb(), request.text, reader.id, { importOthers: request.type === 'annotations/import' && request.importOthers === true });
        await indexHighlightPages();
        void tellTabsHighlightsChanged();
        return { result };
      } catch (error) {
        if (error instanceof AnnotationFileError) return { errors: error.errors };
        throw error;
      }
    }
    case 'highlights/open': {
      const found = await (await coverageDb()).get('highlights', request.id);
      const url = found ? (httpUrl(found.pageUrl) ?? httpUrl(found.source)) : null;
      if (!found || url === null) return { opened: false };
      const tab = await browser.tabs.create({ url });
      if (tab.id !== undefined) revealInTab.set(tab.id, found.id);
      return { opened: true };
    }
  }
}

browser.runtime.onMessage.addListener((message: unknown, facts: Browser.Runtime.MessageSender) => {
  if (facts.id !== browser.runtime.id) return undefined;
  const sender = classifySender(facts, { id: browser.runtime.id, origin: extensionOrigin() });
  if (typeof sender === 'string') return Promise.reject(new Error(sender));
  const request = parseRequest(message);
  if (typeof request === 'string') return Promise.reject(new Error(request));
  const refused = refusal(sender, request.type);
  if (refused) return Promise.reject(new Error(refused));
  return handle(request, sender);
});

/**
 * The popup's ranking copy, built unless current. Session storage starts empty with the browser and
 * with each install or update, so the copy is built then, and the first popup need not wait on
 * the database either (popups still ask, for a copy a write left behind).
 */
async function ensureRankingCopy(): ReturnType<typeof ensureCopy> {
  return ensureCopy(await coverageDb(), sessionArea());
}

// The page index is derived from the database: rebuilt on every browser start, so a worker stopped
// between a write and its index update leaves nothing stale for long.
browser.runtime.onStartup.addListener(() => {
  void indexHighlightPages().catch(() => undefined);
  void ensureRankingCopy().catch(() => undefined);
});

browser.runtime.onInstalled.addListener(() => {
  void coverageDb().then(() => liveDictionary()).then(() => ensureRankingCopy()).catch(() => undefined);
  void settings().catch(() => undefined);
  void indexHighlightPages().then(async () => {
    const stale = (await localStorageKeys()).filter((k) => k.startsWith(OLD_PAGE_PREFIX));
    if (stale.length) await browser.storage.local.remove(stale);
  }).catch(() => undefined);
});

/** Saving the selection from the keyboard shortcut or the context menu: the page opens its note editor. */
const COMPOSE_COMMAND = 'save-highlight';

const NEXT_COMMAND = 'next-highlight';

async function tellTab(tabId: number | undefined, type: 'page/compose' | 'page/next-highlight'): Promise<void> {
  const id = tabId ?? (await browser.tabs.query({ active: true, currentWindow: true }))[0]?.id;
  if (id !== undefined) await sendToTab(id, { type }).catch(() => undefined);
}

browser.commands.onCommand.addListener((command: string, tab?: Browser.Tabs.Tab) => {
  if (command === COMPOSE_COMMAND) void tellTab(tab?.id, 'page/compose');
  if (command === NEXT_COMMAND) void tellTab(tab?.id, 'page/next-highlight');
});

// Menus are declared on every start (Firefox does not keep them for a non-persistent background).
void browser.contextMenus.removeAll().then(() =>
  browser.contextMenus.create({ id: COMPOSE_COMMAND, title: 'Save highlight with a note', contexts: ['selection'], documentUrlPatterns: ['http://*/*', 'https://*/*'] }),
).catch(() => undefined);

browser.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === COMPOSE_COMMAND) void tellTab(tab?.id, 'page/compose');
});
