/**
 * The background: serves the dictionary and entity records to content scripts, and owns the
 * toolbar toggle that pauses highlighting on a site. It answers only this extension's own contexts.
 */
import { articles, compiled, records } from 'virtual:newsgloss-dictionary';
import { browser, PAUSED_SITES_KEY, readPausedSites } from '../platform/browser.ts';
import { parseRequest, type AnyRequest, type MessageMap } from '../messages.ts';

const recordById = new Map(records.map((r) => [r.id, r]));
const articleByFile = new Map(articles.map((a) => [a.file, a]));

function handle(request: AnyRequest): MessageMap[AnyRequest['type']]['response'] {
  switch (request.type) {
    case 'dictionary/get':
      return compiled;
    case 'entity/get': {
      const entity = recordById.get(request.id);
      if (!entity) return null;
      const files = new Set([...entity.evidence.map((e) => e.file), ...entity.claims.flatMap((c) => c.sources.map((s) => s.file))]);
      return { entity, articles: [...files].flatMap((f) => articleByFile.get(f) ?? []) };
    }
  }
}

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  if (sender.id !== browser.runtime.id) return undefined;
  const request = parseRequest(message);
  if (typeof request === 'string') return Promise.reject(new Error(request));
  return Promise.resolve(handle(request));
});

/** The site a tab shows, as the pause list stores it. */
function siteOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.hostname : null;
  } catch {
    return null;
  }
}

browser.action.onClicked.addListener(async (tab) => {
  const site = siteOf(tab.url);
  if (!site || tab.id === undefined) return;
  const paused = new Set(await readPausedSites());
  const nowPaused = !paused.has(site);
  if (nowPaused) paused.add(site);
  else paused.delete(site);
  await browser.storage.local.set({ [PAUSED_SITES_KEY]: [...paused].sort() });
  await browser.action.setBadgeText({ tabId: tab.id, text: nowPaused ? 'off' : '' });
  await browser.action.setTitle({
    tabId: tab.id,
    title: nowPaused ? `Newsgloss is paused on ${site}: click to resume` : `Newsgloss: click to pause on ${site}`,
  });
});
