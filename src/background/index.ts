/**
 * The background: serves the dictionary and entity records to content scripts, owns the coverage
 * database, and answers the popup. Requests are checked for shape and sender: content scripts may
 * only read the dictionary; coverage queries and saving are for the extension's own pages.
 */
import { articles, compiled, records, seedTexts } from 'virtual:newsgloss-dictionary';
import { browser, extensionOrigin, readAutoSave, sendToTab } from '../platform/browser.ts';
import { PRIVILEGED, parseRequest, type AnyRequest, type MessageMap, type TimelineItem } from '../messages.ts';
import { loadDictionary } from '../core/dictionary.ts';
import { findMentions } from '../core/article-mentions.ts';
import { articleId, canonicalUrl, seedArticleId, textSignature, type ArticleRecord } from '../core/coverage.ts';
import { entityTimeline, openCoverageDb, putArticles, relatedCoverage, type CoverageDb } from './coverage-db.ts';

const recordById = new Map(records.map((r) => [r.id, r]));
const articleByFile = new Map(articles.map((a) => [a.file, a]));
const runtimeDictionary = loadDictionary(compiled);

/** Builds the stored form of an article. */
function toRecord(fields: Omit<ArticleRecord, 'mentions' | 'entityIds' | 'signature'>): ArticleRecord {
  const mentions = findMentions(runtimeDictionary, fields.text);
  return { ...fields, mentions, entityIds: mentions.map((m) => m.entity), signature: textSignature(fields.text) };
}

let dbReady: Promise<CoverageDb> | null = null;

/** The database, with the seed articles stored (idempotent: their ids are fixed). */
function coverageDb(): Promise<CoverageDb> {
  dbReady ??= (async () => {
    const db = await openCoverageDb();
    const seedRecords = articles.map((a) =>
      toRecord({
        id: seedArticleId(a.file), url: a.url, title: a.title, outlet: a.outlet, byline: null,
        published: a.published, lang: a.lang, text: seedTexts[a.file] ?? '', savedAt: 0, origin: 'seed',
      }),
    );
    const tx = db.transaction('articles');
    const present = await Promise.all(seedRecords.map((r) => tx.store.getKey(r.id)));
    await tx.done;
    const missing = seedRecords.filter((_, i) => present[i] === undefined);
    if (missing.length) await putArticles(db, missing);
    return db;
  })();
  dbReady.catch(() => (dbReady = null));
  return dbReady;
}

async function saveTab(tabId: number): Promise<{ id: string; entities: number }> {
  const extracted = await sendToTab(tabId, { type: 'page/article' });
  if ('error' in extracted) throw new Error(extracted.error);
  const url = canonicalUrl(extracted.url);
  const record = toRecord({
    id: articleId(url, extracted.text), url, title: extracted.title, outlet: extracted.outlet, byline: extracted.byline,
    published: extracted.published, lang: extracted.lang, text: extracted.text, savedAt: Date.now(), origin: 'saved',
  });
  await putArticles(await coverageDb(), [record]);
  return { id: record.id, entities: record.entityIds.length };
}

async function handle(request: AnyRequest, sender: browser.Runtime.MessageSender): Promise<MessageMap[AnyRequest['type']]['response']> {
  switch (request.type) {
    case 'dictionary/get':
      return compiled;
    case 'entity/get': {
      const entity = recordById.get(request.id);
      if (!entity) return null;
      const files = new Set([...entity.evidence.map((e) => e.file), ...entity.claims.flatMap((c) => c.sources.map((s) => s.file))]);
      return { entity, articles: [...files].flatMap((f) => articleByFile.get(f) ?? []) };
    }
    case 'coverage/related':
      return relatedCoverage(await coverageDb(), new Set(request.entities), 20, { url: request.url });
    case 'coverage/timeline': {
      const { rows, total } = await entityTimeline(await coverageDb(), request.entity, request.limit);
      return {
        total,
        items: rows.map((r): TimelineItem => ({
          id: r.id, url: r.url, title: r.title, outlet: r.outlet, published: r.published === '9999' ? null : r.published,
          lang: r.lang, sentence: r.sentence,
        })),
      };
    }
    case 'coverage/save':
      return saveTab(request.tabId);
    case 'coverage/article': {
      const found = await (await coverageDb()).get('articles', request.id);
      if (!found) return null;
      const { signature: _signature, ...article } = found;
      return article;
    }
    case 'coverage/open':
      if (!recordById.has(request.entity)) return { opened: false };
      await browser.tabs.create({ url: browser.runtime.getURL(`src/coverage/index.html?entity=${encodeURIComponent(request.entity)}`) });
      return { opened: true };
    case 'coverage/autosave': {
      const setting = await readAutoSave();
      const tabId = sender.tab?.id;
      if (!setting.enabled || tabId === undefined || sender.frameId || request.mentions < setting.minMentions) return { saved: false };
      await saveTab(tabId);
      return { saved: true };
    }
  }
}

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  if (sender.id !== browser.runtime.id) return undefined;
  const request = parseRequest(message);
  if (typeof request === 'string') return Promise.reject(new Error(request));
  const fromExtensionPage = sender.tab === undefined || (sender.url ?? '').startsWith(extensionOrigin());
  if (PRIVILEGED.has(request.type) && (!fromExtensionPage || sender.frameId)) {
    return Promise.reject(new Error(`${request.type} is only for the extension's own pages`));
  }
  return handle(request, sender);
});

browser.runtime.onInstalled.addListener(() => {
  void coverageDb();
});
