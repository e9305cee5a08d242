/**
 * The popup: the entities on the current page (choosing one scrolls to it and shows its coverage
 * timeline), the reader's saved highlights on it (and those not found), the related coverage
 * stored in the database, saving the page as coverage, and the per-site highlighting switch.
 */
import { useEffect, useState } from 'preact/hooks';
import type { RelatedItem } from '../core/coverage.ts';
import { ENTITY_KINDS } from '../core/dictionary.ts';
import { KIND_PLURAL, articleLine } from '../core/labels.ts';
import type { PageEntity, TimelineItem } from '../messages.ts';
import { PageHighlights } from './page-highlights.tsx';
import { browser, readPausedSites, readSettings, send, sendToTab } from '../platform/browser.ts';
import { AUTO_SAVE_DEFAULT, type AutoSaveSetting } from '../background/settings-store.ts';
import { coverageUrl, httpUrl } from '../core/urls.ts';
import { askForTheCopy, relatedFromTheCopy, relatedTo, timelineOf, warmCoverageReads } from '../ui/coverage-reads.ts';


interface Target {
  tabId: number;
  url: string;
  site: string | null;
}

/** The tab the popup is about: the active one, or the one whose address `?url=` names. */
async function findTarget(): Promise<Target | null> {
  const wanted = new URLSearchParams(location.search).get('url');
  const tabs = wanted ? await browser.tabs.query({}) : await browser.tabs.query({ active: true, currentWindow: true });
  const tab = wanted ? tabs.find((t) => t.url === wanted) : tabs[0];
  if (!tab || tab.id === undefined) return null;
  let site: string | null;
  try {
    const u = new URL(tab.url ?? '');
    site = u.protocol === 'http:' || u.protocol === 'https:' ? u.hostname : null;
  } catch {
    site = null;
  }
  return { tabId: tab.id, url: tab.url ?? '', site };
}

function articleMeta(a: { outlet: string | null; published: string | null; lang: string | null }): string {
  return articleLine({ outlet: a.outlet, published: a.published, lang: a.lang });
}

/** Opens a stored address in a tab: http(s) only, whatever the record says. */
function openUrl(url: string): void {
  const checked = httpUrl(url) ?? (url.startsWith(browser.runtime.getURL('')) ? url : null);
  if (checked) void browser.tabs.create({ url: checked });
}

/** What Newsgloss needs to read pages; Firefox leaves it to the reader to grant (MV3). */
const SITE_ACCESS = { origins: ['http://*/*', 'https://*/*'] };

/**
 * Saves a tab's article, asking again if the background was stopped before it answered: the
 * record's id comes from the article, so a repeated write replaces rather than duplicates.
 */
async function saveWithRetry(tabId: number, attempts = 3): Promise<{ id: string; entities: number }> {
  for (let k = 1; ; k++) {
    try {
      const saved = await send({ type: 'coverage/save', tabId });
      // A worker stopped while answering can leave the reply empty: ask again, as for a closed port.
      if (saved === undefined || saved === null) throw new Error('no response');
      return saved;
    } catch (error) {
      const gone = /receiving end|message port closed|channel closed|context invalidated|disconnected|no response/i.test(String(error));
      if (!gone || k >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 200 * k));
    }
  }
}

/** How often, and how far apart, the popup asks a page still being read for its entities (about 10 s in all). */
const PAGE_START_ASKS = 50;
const PAGE_START_WAIT_MS = 200;

/** Marks, for the benchmark, when the first related item is on screen (User Timing, local only). */
function markRelatedShown(el: HTMLElement | null): void {
  if (el && performance.getEntriesByName('newsgloss:related-shown').length === 0) performance.mark('newsgloss:related-shown');
}

/**
 * Started as the popup's script runs, before the first render: effects wait for the frame after
 * it, and the tab, its page's entities and the database do not depend on anything drawn.
 */
const early = (() => {
  warmCoverageReads();
  const target = findTarget();
  const page = target.then((t) => (t ? sendToTab(t.tabId, { type: 'page/entities' }) : null));
  // Failures are met (and explained) where these are awaited.
  page.catch(() => undefined);
  return { target, page };
})();

export function App() {
  const [target, setTarget] = useState<Target | null | undefined>(undefined);
  const [entities, setEntities] = useState<PageEntity[] | null>(null);
  // A related item's shared entities are all on this page: their names come with the page's entities
  // (the popup never reads the whole stored dictionary, which may hold 100,000 entities).
  const names = new Map((entities ?? []).map((e) => [e.id, e.name]));
  const [pageError, setPageError] = useState<string | null>(null);
  const [related, setRelated] = useState<RelatedItem[] | null>(null);
  /** Whether the database has answered (the copy's answer may be on screen before it). */
  const [relatedExact, setRelatedExact] = useState(false);
  const [chosen, setChosen] = useState<PageEntity | null>(null);
  const [timeline, setTimeline] = useState<TimelineItem[] | null>(null);
  const [timelineTotal, setTimelineTotal] = useState(0);
  const [paused, setPaused] = useState(false);
  const [saveState, setSaveState] = useState<string>('');
  const [revision, setRevision] = useState(0);
  const [autoSave, setAutoSave] = useState<AutoSaveSetting | null>(null);
  const [siteAccess, setSiteAccess] = useState<boolean | null>(null);
  const [reading, setReading] = useState(false);

  useEffect(() => {
    void browser.permissions.contains(SITE_ACCESS).then(setSiteAccess);
    void (async () => {
      const t = await early.target;
      setTarget(t);
      if (t?.site) setPaused((await readPausedSites()).includes(t.site));
    })();
  }, []);

  // The automatic-saving switch is kept by the background: asked for once the database has answered
  // (or there is nothing to ask), so a stopped worker starting up does not compete with it.
  const coverageSettled = relatedExact || target === null;
  useEffect(() => {
    if (!coverageSettled) return;
    void readSettings().then((s) => setAutoSave(s.autoSave)).catch(() => undefined);
  }, [coverageSettled]);

  useEffect(() => {
    if (!target) return;
    void (async () => {
      try {
        // The first answer was asked for as the popup loaded; a later revision (site paused or resumed) asks again.
        let page = await (revision === 0 ? early.page : null) ?? (await sendToTab(target.tabId, { type: 'page/entities' }));
        // A large page opened a moment ago may still be read: its entities are asked again, not shown as none.
        for (let asked = 1; page.state === 'starting' && asked < PAGE_START_ASKS; asked++) {
          setReading(true);
          await new Promise((r) => setTimeout(r, PAGE_START_WAIT_MS));
          page = await sendToTab(target.tabId, { type: 'page/entities' });
        }
        setReading(false);
        setEntities(page.entities);
        setPageError(null);
        const ids = page.entities.map((e) => e.id);
        performance.mark('newsgloss:related-query-start');
        // The background's copy answers before the database has opened (most of a cold popup's
        // wait); the database's answer, with snippets, replaces it. It is asked after the copy has
        // answered (the database is already opening): asked at once, its work slowed the copy's.
        const fromCopy = await relatedFromTheCopy(ids, page.url).catch(() => null);
        if (fromCopy?.items) {
          // Which articles the copy listed, for the tests (User Timing, local only).
          performance.measure('newsgloss:related-copy', { start: 'newsgloss:related-query-start', detail: fromCopy.items.map((r) => r.article.id) });
          setRelated(fromCopy.items);
        }
        const answer = await relatedTo(ids, page.url);
        performance.measure('newsgloss:related-query', 'newsgloss:related-query-start');
        setRelated(answer.items);
        setRelatedExact(true);
        // No copy yet (the browser started since), or one that missed a write: the background builds it.
        if (!fromCopy?.tooLarge && fromCopy?.writes !== answer.writes) askForTheCopy();
      } catch {
        setEntities([]);
        setRelated([]);
        setRelatedExact(true);
        setPageError(
          (await browser.permissions.contains(SITE_ACCESS))
            ? 'Newsgloss cannot read this page (a browser page, or one opened before Newsgloss was installed: reload it).'
            : 'Newsgloss has no access to this page yet: allow it above.',
        );
      }
      document.getElementById('app')?.setAttribute('aria-busy', 'false');
    })();
  }, [target, revision]);

  async function choose(e: PageEntity): Promise<void> {
    setChosen(e);
    setTimeline(null);
    if (target) void sendToTab(target.tabId, { type: 'page/reveal', entity: e.id }).catch(() => undefined);
    performance.mark('newsgloss:timeline-query-start');
    const items = await timelineOf(e.id);
    performance.measure('newsgloss:timeline-query', 'newsgloss:timeline-query-start');
    setTimeline(items.items);
    setTimelineTotal(items.total);
  }

  async function togglePause(): Promise<void> {
    if (!target?.site) return;
    const { pausedSites } = await send({ type: 'sites/pause', site: target.site, paused: !paused });
    setPaused(pausedSites.includes(target.site));
    setTimeout(() => setRevision((r) => r + 1), 300);
  }

  async function toggleAutoSave(): Promise<void> {
    if (!autoSave) return;
    const next = { ...autoSave, enabled: !autoSave.enabled };
    setAutoSave((await send({ type: 'settings/set', autoSave: next })).autoSave);
  }

  function grantAccess(): void {
    // Called straight from the click: the browser asks only in answer to the reader's gesture.
    void browser.permissions.request(SITE_ACCESS).then((granted) => {
      setSiteAccess(granted);
      if (granted && target) void browser.tabs.reload(target.tabId).then(() => setTimeout(() => setRevision((r) => r + 1), 800));
    });
  }

  async function save(): Promise<void> {
    if (!target) return;
    setSaveState('Saving…');
    try {
      const saved = await saveWithRetry(target.tabId);
      setSaveState(`Saved, with ${saved.entities} ${saved.entities === 1 ? 'entity' : 'entities'}.`);
      setRevision((r) => r + 1);
    } catch (error) {
      setSaveState(`Not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const accessNotice = siteAccess === false && (
    <section class="access" role="alert" aria-labelledby="access">
      <h2 id="access">Newsgloss cannot read your pages yet</h2>
      <p>This browser has not given Newsgloss access to the sites you read, so nothing is highlighted and no article can be saved. Nothing leaves the browser once you allow it.</p>
      <button type="button" name="grant-access" onClick={grantAccess}>Allow on all sites</button>
    </section>
  );

  if (target === undefined) return <p class="status">Loading…</p>;
  if (target === null) {
    document.getElementById('app')?.setAttribute('aria-busy', 'false');
    return (
      <>
        {accessNotice}
        <p class="error">No tab to show{siteAccess === false ? ': without access, this browser does not tell Newsgloss which page a tab shows' : ''}.</p>
      </>
    );
  }

  const groups = ENTITY_KINDS.map((kind) => ({
    kind,
    list: (entities ?? []).filter((e) => e.kind === kind).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
  })).filter((g) => g.list.length > 0);

  return (
    <>
      <h1>
        Newsgloss
        {target.site && (
          <label class="toggle">
            <input type="checkbox" checked={!paused} onChange={() => void togglePause()} /> Highlight on {target.site}
          </label>
        )}
      </h1>
      {accessNotice}
      <div class="actions">
        <button type="button" onClick={() => void save()} disabled={!!pageError}>Save this article</button>
        <span class="status" role="status">{saveState}</span>
        <button type="button" class="link" name="open-dictionary" onClick={() => openUrl(browser.runtime.getURL('src/dictionary/index.html'))}>Dictionary</button>
      </div>
      {/* Its place is kept (hidden, disabled) until the background answers, after related coverage:
          drawn late above the lists, it pushed down what the reader was about to click. */}
      <label class="toggle" style={autoSave ? undefined : { visibility: 'hidden' }}>
        <input type="checkbox" name="auto-save" checked={autoSave?.enabled ?? false} disabled={!autoSave} onChange={() => void toggleAutoSave()} />
        Save articles that name at least {(autoSave ?? AUTO_SAVE_DEFAULT).minMentions} entities automatically (kept in this browser)
      </label>

      <section aria-labelledby="on-page">
        <h2 id="on-page">On this page</h2>
        {pageError && <p class="error">{pageError}</p>}
        {reading && <p class="status">Reading this page…</p>}
        {entities && !pageError && groups.length === 0 && <p class="status">{paused ? 'Highlighting is paused on this site.' : 'No known entity on this page.'}</p>}
        {groups.map((g) => (
          <div class={`group kind-${g.kind}`} key={g.kind}>
            <h3>{KIND_PLURAL[g.kind]}</h3>
            <ul>
              {g.list.map((e) => (
                <li key={e.id}>
                  <button type="button" class="entity" data-entity={e.id} aria-pressed={chosen?.id === e.id} onClick={() => void choose(e)}>
                    {e.name} <span class="count">×{e.count}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>

      {!pageError && <PageHighlights tabId={target.tabId} revision={revision} />}

      {chosen && (
        <section aria-labelledby="timeline">
          <h2 id="timeline">Coverage of {chosen.name}</h2>
          {timeline === null && <p class="status">Loading…</p>}
          {timeline?.length === 0 && <p class="status">No stored article mentions it.</p>}
          <ol class="timeline">
            {timeline?.map((t) => (
              <li class="item" key={t.id}>
                <div class="meta">{articleMeta(t)}</div>
                {t.url ? (
                  <button type="button" class="link" onClick={() => openUrl(t.url!)}>{t.title ?? t.url}</button>
                ) : (
                  <button type="button" class="link" onClick={() => openUrl(browser.runtime.getURL(`src/coverage/index.html?article=${encodeURIComponent(t.id)}`))}>
                    {t.title ?? 'Untitled article'}
                  </button>
                )}
                <p class="snippet">{t.sentence}</p>
              </li>
            ))}
          </ol>
          {timeline && timelineTotal > timeline.length && <p class="status">The {timeline.length} earliest of {timelineTotal} articles.</p>}
          <button type="button" class="link" onClick={() => openUrl(browser.runtime.getURL(coverageUrl(chosen.id, chosen.name)))}>
            All coverage of {chosen.name}
          </button>{' · '}
          <button type="button" class="link" onClick={() => openUrl(browser.runtime.getURL(`src/dictionary/index.html?entity=${encodeURIComponent(chosen.id)}`))}>
            In the dictionary
          </button>
        </section>
      )}

      <section aria-labelledby="related">
        <h2 id="related">Related coverage</h2>
        {related === null && <p class="status">Loading…</p>}
        {related?.length === 0 && !pageError && <p class="status">No stored article shares an entity with this page.</p>}
        <ul class="related">
          {related?.map((r) => (
            <li class="item" key={r.article.id} data-article={r.article.id} ref={markRelatedShown}>
              <div class="meta">
                {articleMeta(r.article)}
                {r.duplicates.length > 0 && <span class="dup" title="The same story is stored more than once">stored {r.duplicates.length + 1}×</span>}
              </div>
              {r.article.url ? (
                <button type="button" class="link" onClick={() => openUrl(r.article.url!)}>{r.article.title ?? r.article.url}</button>
              ) : (
                <button type="button" class="link" onClick={() => openUrl(browser.runtime.getURL(`src/coverage/index.html?article=${encodeURIComponent(r.article.id)}`))}>
                  {r.article.title ?? 'Untitled article'}
                </button>
              )}
              <div class="shared">Shares: {r.shared.map((id) => names.get(id) ?? id).join(', ')}</div>
              {r.snippet && <p class="snippet">{r.snippet}</p>}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
