/**
 * The content script: highlights dictionary entities on the page, keeps up with content that
 * arrives later, and opens a card on hover or when the caret enters a highlight. It also paints
 * the reader's saved highlights, saves new ones from a selection, and opens their notes.
 *
 * Lifecycle: one instance per document. An instance left behind by an extension update or
 * removal (its extension context gone) notices within ORPHAN_CHECK_MS or at its next event, and
 * tears down; everything it registered ends with one AbortController. Nothing is announced to
 * the page: a document event could be forged by the page to switch the extension off, or
 * listened to in order to detect it.
 */
import { loadDictionary, type EntityRecord, type SeedArticle } from '../core/dictionary.ts';
import { PageHighlighter, type PaintedMatch } from '../page/highlighter.ts';
import { RescanScheduler } from '../page/rescan-scheduler.ts';
import {
  browser, extensionAlive, extensionOrigin, pageHasHighlights, readAutoSaveHint, readPageStart, readPausedSites,
  readDictionaryParts, readEntityText, readStoredDictionary, send, type Browser, type PageStart, type StoredDictionary,
} from '../platform/browser.ts';
import type { RuntimeDictionary } from '../core/dictionary.ts';
import { packedDictionarySteps } from '../core/stored-dictionary.ts';
import type { EntityText } from '../core/entity-table.ts';
import { runSteps, runStepsPausing, type Steps } from '../core/steps.ts';
import { moduleAutomatonLoader, prepareScanModule, scanModule } from '../core/wasm-scanner.ts';
import { parsePageRequest, type AnyPageRequest, type PageMessageMap, type PageEntity, type PageState, type StoredKeyName } from '../messages.ts';
import { pageKey } from '../core/highlights.ts';
import type { PlacedHighlight, SavedHighlightLayer } from '../page/saved-layer.ts';
import type { EntityCard } from './card.ts';
import type { NotePanel } from './note-panel.ts';
import type { PageUi } from './page-ui.ts';
import type { ActionSession } from './reader-actions.ts';
import { CONTENT_GLOBAL, PAGE_UI_GLOBAL } from './script-files.ts';
import type { UiHost } from './ui-host.ts';

/**
 * How often an instance checks that its extension is still there (a property read, which wakes
 * nothing: a port to the background would wake it on every page, and stop with it) and that the
 * page has not cleared its paint from the highlight registry.
 */
const ORPHAN_CHECK_MS = 2000;
/** Saved highlights not found are looked for again after late content, at most this often. */
const RETRY_ANCHOR_MS = 700;
const MAX_ANCHOR_RETRIES = 40;

/**
 * Automaton states above which a dictionary is unpacked with pauses: a reader's list of 100,000
 * entities (about two million states) takes tens of milliseconds, which the page should not feel
 * as one long task. From a list of about 10,000 entities on, it is done in steps; the seed pack (a
 * few thousand states) is unpacked at once.
 */
const UNPACK_IN_STEPS_STATES = 100_000;

/**
 * The stored dictionary in the scanner's form, giving the page its turn between steps when it is
 * large. Where the scanner's WebAssembly compiled (`compiling`, null before the page may compile
 * it), the automaton is unpacked straight into its memory; should that fail for any reason but a
 * damaged dictionary, JavaScript tables serve. The entities' ids and names are read from storage
 * when the page first shows one (`entities.ready()`).
 */
async function unpackForPage({ stamp, packed }: StoredDictionary, compiling: Promise<void> | null): Promise<RuntimeDictionary> {
  const text = entityTextOf(stamp);
  await compiling;
  const module = compiling ? scanModule() : null;
  const run = (steps: Steps<RuntimeDictionary>): RuntimeDictionary | Promise<RuntimeDictionary> => {
    if (packed.automaton.states <= UNPACK_IN_STEPS_STATES) return runSteps(steps);
    const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
    return runStepsPausing(steps, () => scheduler?.yield?.() ?? new Promise<void>((resolve) => setTimeout(resolve, 0)));
  };
  // Either automaton in parts reads the parts the page's text wants, as it wants them.
  const withReader = (dict: RuntimeDictionary): RuntimeDictionary => {
    if (dict.automaton.parts) dict.automaton.parts.reader = partReaderOf(stamp);
    return dict;
  };
  const inJavaScript = async () => withReader(await run(packedDictionarySteps(packed, undefined, text)));
  if (!module) return inJavaScript();
  try {
    return withReader(await run(packedDictionarySteps(packed, moduleAutomatonLoader(module), text)));
  } catch {
    return inJavaScript();
  }
}

/** Reads parts of dictionary `stamp`'s automaton (made outside unpackForPage, as entityTextOf is). */
function partReaderOf(stamp: string): (parts: number[]) => Promise<unknown[]> {
  return (parts) => readDictionaryParts(stamp, parts);
}

/**
 * Reads the ids and names of dictionary `stamp`. Made outside unpackForPage: a closure made there
 * would keep that function's scope, the whole packed dictionary (21 MB with 100,000 entities),
 * alive as long as the page keeps its entities.
 */
function entityTextOf(stamp: string): () => Promise<EntityText> {
  return () => readEntityText(stamp);
}

class ContentSession {
  private readonly abort = new AbortController();
  private highlighter: PageHighlighter | null = null;
  /** page-ui.js, asked for on first need (see loadUi); until then no card, editor or layer exists. */
  private uiLoading: Promise<PageUi> | null = null;
  private uiParts: PageUi | null = null;
  private host: UiHost | null = null;
  private card: EntityCard | null = null;
  private notes: NotePanel | null = null;
  /** This session as page-ui.js's reader actions see it, made with the UI. */
  private acting: ActionSession | null = null;
  /** Made when the page has saved highlights or the reader saves one. */
  private layer: SavedHighlightLayer | null = null;
  private highlightSource: string | null = null;
  private retryTimer = 0;
  private selectionTimer = 0;
  /** The saved highlight last shown by the popup or the shortcut, for stepping to the next. */
  private lastRevealed: string | null = null;
  /**
   * A note opened on request (popup, highlights page, shortcut) stays open until the reader's own
   * input (a click, a key, the wheel, a touch): neither the scroll that revealed it nor the pointer
   * events the browser makes up after that scroll close it. A tab in the background gets those
   * events only at its next rendering, after the note has opened.
   */
  private notePinned = false;
  private retries = 0;
  private observer: MutationObserver | null = null;
  /** Later content, scanned in idle time (see RescanScheduler). */
  private readonly later = new RescanScheduler(
    window,
    (roots) => this.highlighter?.scan(roots),
    () => this.beforeRescan(),
    (node) => {
      const host = this.ownElement();
      return host !== null && (node === host || host.contains(node));
    },
  );
  private pointer: { x: number; y: number } | null = null;
  private pointerFrame = 0;
  private hideTimer = 0;
  private readonly records = new Map<string, Promise<{ entity: EntityRecord; articles: SeedArticle[] } | null>>();
  private stopped = false;
  /** The scanner's WebAssembly compiling, once the page is known not to be paused. */
  private compiling: Promise<void> | null = null;
  /** A changed dictionary that arrived before the page was first painted. */
  private newerDictionary: RuntimeDictionary | null = null;
  /** Dictionary changes heard of, so that only the latest is painted. */
  private dictionaryChanges = 0;
  private state: PageState = 'starting';
  /** The address the page's saved highlights and entity context were read for. */
  private pageUrl = location.href;

  /** The extension's one element on the page, once its UI exists (the text walkers skip it). */
  private ownElement(): HTMLElement | null {
    return this.host?.element ?? null;
  }

  private get editing(): boolean {
    return this.notes?.isEditing ?? false;
  }

  /**
   * Has the background inject page-ui.js into this frame (once per page) and makes the card and
   * the note panel. It runs in this script's isolated world, so the page never sees its classes.
   */
  private loadUi(): Promise<PageUi> {
    this.uiLoading ??= (async () => {
      await send({ type: 'page-ui/load' });
      const parts = (globalThis as unknown as Record<string, PageUi | undefined>)[PAGE_UI_GLOBAL];
      if (!parts) throw new Error('the page UI did not load');
      if (!this.uiParts && !this.stopped) {
        const host = new parts.UiHost(document);
        this.card = new parts.EntityCard(
          document, host,
          (entity) => void send({ type: 'coverage/open', entity }).catch(() => undefined),
          (entity) => void send({ type: 'dictionary/open', entity }).catch(() => undefined),
        );
        const notes = new parts.NotePanel(document, host);
        this.acting = {
          notes, send,
          card: () => this.card,
          layer: () => this.layer,
          highlighter: () => this.highlighter,
          highlightSource: () => this.highlightSource,
          sourceSaved: (source) => (this.highlightSource = source),
          declaredCanonical: () => this.declaredCanonical(),
        };
        this.notes = notes;
        this.host = host;
        this.uiParts = parts;
      }
      return parts;
    })();
    this.uiLoading.catch(() => (this.uiLoading = null));
    return this.uiLoading;
  }

  /** The saved-highlight layer, made (with the UI) on first need. */
  private async ensureLayer(): Promise<SavedHighlightLayer | null> {
    const parts = await this.loadUi();
    if (this.stopped || !this.highlighter) return null;
    this.layer ??= new parts.SavedHighlightLayer(document, () => this.ownElement());
    return this.layer;
  }

  async start(): Promise<void> {
    const { signal } = this.abort;
    const orphanCheck = window.setInterval(() => {
      if (!extensionAlive()) return this.stop();
      // A page script may clear the highlight registry (CSS.highlights.clear()) or take a name over.
      this.highlighter?.restoreRegistry();
      this.layer?.restoreRegistry();
    }, ORPHAN_CHECK_MS);
    signal.addEventListener('abort', () => clearInterval(orphanCheck));
    const onMessage = (message: unknown, sender: Browser.Runtime.MessageSender) => {
      // Only the extension's own pages ask a page about itself (an extension page open in a tab
      // has a sender.tab in Firefox, so the origin is what tells).
      if (sender.id !== browser.runtime.id || (sender.tab && !(sender.url ?? '').startsWith(extensionOrigin()))) return undefined;
      const request = parsePageRequest(message);
      if (typeof request === 'string') return Promise.reject(new Error(request));
      return this.answer(request);
    };
    browser.runtime.onMessage.addListener(onMessage);
    signal.addEventListener('abort', () => browser.runtime.onMessage.removeListener(onMessage));
    const first = await readPageStart(() => pageKey(location.href, this.declaredCanonical()), location.hostname);
    if (first.pausedSites.includes(location.hostname)) {
      this.state = 'paused';
      return;
    }
    await this.resume(first);
  }

  /** Starts highlighting; `first` is what the page read from storage when it loaded (null when the reader resumes a paused site). */
  private async resume(first: PageStart | null = null): Promise<void> {
    if (this.stopped || this.highlighter) return;
    this.state = 'starting';
    // The background keeps the compiled dictionary in storage; it is asked only the first time, before it wrote one.
    const stored = first ? first.dictionary : await readStoredDictionary();
    // The scanner's WebAssembly compiles (off the main thread) only now, not on a paused site,
    // where Chromium would tell a page whose policy refuses it.
    this.compiling ??= prepareScanModule();
    const loaded = stored ? await unpackForPage(stored, this.compiling) : loadDictionary(await send({ type: 'dictionary/get' }));
    await this.compiling;
    if (this.stopped || this.highlighter) return;
    // A dictionary that changed while this one was read and unpacked is the one to paint.
    const dict = this.newerDictionary ?? loaded;
    this.newerDictionary = null;
    this.highlighter = new PageHighlighter(dict, document, () => this.ownElement());
    if (document.body) {
      const pass = this.highlighter.scan();
      // Wake the background only when the reader turned automatic saving on and the page names
      // enough; the background checks the setting again and acts on the sender's tab only. With a
      // dictionary in parts, the count is known once the parts the page wanted are read.
      void Promise.resolve(pass.complete ?? pass).then(async ({ matches }) => {
        if (matches === 0) return;
        const atLeast = first ? first.autoSaveHint : await readAutoSaveHint();
        if (atLeast > 0 && matches >= atLeast) await send({ type: 'coverage/autosave', mentions: matches });
      }).catch(() => undefined);
    }
    this.observe();
    this.listen();
    await this.loadHighlights(first?.hasHighlights);
    if (this.highlighter) this.state = 'ready';
  }

  /** The background says a stored key this page follows changed (see STORED_KEY_NAMES): read it. */
  private async storedChanged(key: StoredKeyName): Promise<void> {
    if (key === 'pausedSites') {
      if ((await readPausedSites()).includes(location.hostname)) this.pause();
      else await this.resume();
      return;
    }
    // A pack added, edited or switched off on the dictionary page reaches open tabs without a reload.
    // Unpacking may pause, so only the latest change is applied. A paused site reads nothing:
    // resuming reads the stored dictionary afresh.
    const change = ++this.dictionaryChanges;
    const current = () => change === this.dictionaryChanges && this.state !== 'paused';
    if (!current()) return;
    const stored = await readStoredDictionary();
    if (!stored || !current()) return;
    const dict = await unpackForPage(stored, this.compiling);
    if (change === this.dictionaryChanges) this.replaceDictionary(dict);
  }

  /** Paints the page again with a changed dictionary (kept for resume when nothing is painted yet). */
  private replaceDictionary(dict: RuntimeDictionary): void {
    if (this.stopped || this.state === 'paused') return;
    if (!this.highlighter) {
      this.newerDictionary = dict;
      return;
    }
    this.highlighter.destroy();
    this.highlighter = new PageHighlighter(dict, document, () => this.ownElement());
    this.records.clear();
    this.card?.hide();
    if (document.body) this.highlighter.scan();
  }

  /** The canonical URL the page declares, if any (the background decides whether it counts). */
  private declaredCanonical(): string | null {
    const link = document.querySelector<HTMLLinkElement>('link[rel~="canonical" i][href]');
    return link?.href || null;
  }

  /** Reads this page's saved highlights and anchors them; opens one if the highlights page asked to. */
  private async loadHighlights(known?: boolean): Promise<void> {
    // The page index in local storage answers for most pages, which have none, without waking the
    // background; on load it came with the page's first storage read (`known`), so the document
    // is not searched for its canonical link a second time.
    const indexed = async (): Promise<boolean> => {
      const key = pageKey(location.href, this.declaredCanonical());
      return key !== null && (await pageHasHighlights(key));
    };
    if (!(known ?? (await indexed()))) {
      this.highlightSource = null;
      this.layer?.setAll([]);
      return;
    }
    const [{ source, highlights, reveal }, layer] = await Promise.all([
      send({ type: 'highlights/page', canonical: this.declaredCanonical() }),
      this.ensureLayer(),
    ]);
    if (this.stopped || !layer || layer !== this.layer) return;
    this.highlightSource = source;
    this.retries = 0;
    layer.setAll(highlights);
    if (reveal) this.revealHighlight(reveal);
  }

  private revealHighlight(id: string): boolean {
    this.lastRevealed = id;
    const range = this.layer?.reveal(id);
    const placed = this.layer?.get(id);
    if (!range || !placed) return false;
    // After the scroll, so the note opens next to where the highlight now is. A tab in the
    // background gets no animation frames (the popup or the highlights page may be in front),
    // so a timer opens it there.
    let opened = false;
    const open = () => {
      if (opened) return;
      opened = true;
      this.openNote(placed, true);
      this.notePinned = true;
    };
    requestAnimationFrame(open);
    setTimeout(open, 100);
    return true;
  }

  /** A saved highlight's note (a placed highlight means the layer, and with it the UI, exists). */
  private openNote(placed: PlacedHighlight, focus: boolean): void {
    if (this.acting) this.uiParts?.openNote(this.acting, placed, focus);
  }

  /** The reader's selection if it is page text the extension may save (not in a field or its own UI). */
  private pageSelection(): Range | null {
    const sel = document.getSelection();
    if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
    const range = sel.getRangeAt(0);
    const host = this.ownElement();
    const start = range.startContainer;
    if (host && (host === start || host.contains(start))) return null;
    const el = start.nodeType === Node.ELEMENT_NODE ? (start as Element) : start.parentElement;
    if (el?.closest('input, textarea, [contenteditable=""], [contenteditable="true"]')) return null;
    if (!range.toString().trim()) return null;
    return range;
  }

  /** Opens the editor for the selection (button, shortcut, context menu); on a saved highlight, its note. */
  private async compose(): Promise<boolean> {
    if (!this.highlighter) return false;
    const range = this.pageSelection()?.cloneRange();
    if (!range) {
      const sel = document.getSelection();
      const placed = sel?.anchorNode ? this.layer?.at(sel.anchorNode, sel.anchorOffset) : undefined;
      if (placed) this.openNote(placed, true);
      return placed !== undefined;
    }
    if (!(await this.ensureLayer()) || !this.acting || !this.uiParts) return false;
    this.uiParts.editSelection(this.acting, range);
    return true;
  }

  /** Shows or hides the "Save highlight" button as the selection changes (after it settles). */
  private checkSelection(): void {
    clearTimeout(this.selectionTimer);
    this.selectionTimer = window.setTimeout(() => this.offerSelectionActions(), 250);
  }

  /** The "Save highlight" and "Add to dictionary" buttons for the settled selection (the UI loaded first if needed). */
  private offerSelectionActions(): void {
    // Not while paused on this site (the listeners stay, the highlighter goes).
    const range = this.highlighter ? this.pageSelection() : null;
    if (!range || this.editing) return this.notes?.hideSaveButton();
    if (!this.acting || !this.uiParts) {
      void this.loadUi().then(() => this.offerSelectionActions(), () => undefined);
      return;
    }
    this.uiParts.offerSelectionActions(this.acting, range, () => void this.compose());
  }

  private scheduleAnchorRetry(): void {
    // A page that keeps changing (tickers, ads) would have its text read again forever: the
    // highlights still missing after this many tries stay listed as not found.
    if (this.retryTimer || !this.layer?.hasMissing || this.retries >= MAX_ANCHOR_RETRIES) return;
    this.retries++;
    this.retryTimer = window.setTimeout(() => {
      this.retryTimer = 0;
      if (!this.stopped) this.layer?.retryMissing();
    }, RETRY_ANCHOR_MS);
  }

  /** Answers the popup about this page. */
  private async answer(request: AnyPageRequest): Promise<PageMessageMap[AnyPageRequest['type']]['response']> {
    switch (request.type) {
      case 'page/entities': {
        const counts = new Map<number, number>();
        for (const m of this.highlighter?.matches ?? []) {
          if (m.range.collapsed) continue;
          counts.set(m.entity, (counts.get(m.entity) ?? 0) + 1);
        }
        const entities = this.highlighter?.dict.entities;
        // Their ids and names are read from storage the first time (none if the dictionary changed meanwhile: the page repaints).
        const named = (await entities?.ready().then(() => true, () => false)) ?? false;
        return {
          url: location.href,
          title: document.title,
          entities: entities && named ? [...counts].map(([e, count]): PageEntity => ({ ...entities.get(e), count })) : [],
          state: this.state,
          scanner: this.highlighter?.engine ?? null,
        };
      }
      case 'page/reveal': {
        const highlighter = this.highlighter;
        await highlighter?.dict.entities.ready();
        return { found: highlighter?.revealNext(request.entity) ?? false };
      }
      case 'page/highlights':
        return {
          source: this.highlightSource,
          items: (this.layer?.items ?? []).map((p) => ({ highlight: p.record, found: p.range !== null && !p.range.collapsed })),
        };
      case 'page/reveal-highlight':
        return { found: this.revealHighlight(request.id) };
      case 'page/compose':
        return { opened: await this.compose() };
      case 'page/next-highlight': {
        const next = this.layer?.nextAfter(this.lastRevealed) ?? null;
        return { found: next !== null && this.revealHighlight(next) };
      }
      case 'page/highlights-changed':
        if (this.highlighter) await this.loadHighlights();
        return { ok: this.highlighter !== null };
      case 'page/stored-changed':
        await this.storedChanged(request.key).catch((error: unknown) => console.warn(`Newsgloss could not read the changed ${request.key}:`, error));
        return { ok: true };
    }
  }

  private pause(): void {
    this.state = 'paused';
    this.newerDictionary = null;
    this.observer?.disconnect();
    this.observer = null;
    this.later.clear();
    this.highlighter?.destroy();
    this.highlighter = null;
    this.layer?.destroy();
    this.layer = null;
    this.card?.hide();
    this.notes?.hide();
    this.notes?.hideSaveButton();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    // A stopped session leaves the document to one that a newer extension context may start.
    const world = globalThis as unknown as Record<string, unknown>;
    if (world[CONTENT_GLOBAL] === this) delete world[CONTENT_GLOBAL];
    this.pause();
    this.abort.abort();
    this.later.clear();
    clearTimeout(this.hideTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.selectionTimer);
    cancelAnimationFrame(this.pointerFrame);
    this.card?.destroy();
    this.notes?.destroy();
    this.host?.destroy();
  }

  /** Watches for content that arrives later; the callback only queues nodes. */
  private observe(): void {
    this.observer = new MutationObserver((mutations) => {
      const host = this.ownElement();
      for (const m of mutations) {
        if (host && m.target === document.documentElement && [...m.addedNodes, ...m.removedNodes].every((n) => n === host)) continue;
        if (m.type === 'childList' && m.addedNodes.length) for (const n of m.addedNodes) this.later.add(n);
        else this.later.add(m.target);
      }
      this.later.schedule();
    });
    this.observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    const nav = (window as { navigation?: EventTarget }).navigation;
    nav?.addEventListener('navigatesuccess', () => {
      if (!this.checkNavigation()) this.rescanAll();
    }, { signal: this.abort.signal });
    window.addEventListener('popstate', () => this.checkNavigation(), { signal: this.abort.signal });
  }

  /**
   * After a single-page navigation (the address changed without a new document), the page is
   * another article: its entity context starts again and its own saved highlights are read.
   */
  private checkNavigation(): boolean {
    if (location.href === this.pageUrl || this.stopped) return false;
    this.pageUrl = location.href;
    this.card?.hide();
    if (!this.editing) this.notes?.hide();
    this.notes?.hideSaveButton();
    if (this.highlighter) {
      const { dict, scanner } = this.highlighter;
      this.highlighter.destroy();
      this.highlighter = new PageHighlighter(dict, document, () => this.ownElement(), scanner);
      this.later.clear();
      if (document.body) this.highlighter.scan();
    }
    this.lastRevealed = null;
    if (this.highlighter) void this.loadHighlights().catch(() => undefined);
    return true;
  }

  /** Before later content is scanned: still alive, still the same page; saved highlights looked for again. */
  private beforeRescan(): boolean {
    if (!this.highlighter) return false;
    if (!extensionAlive()) {
      this.stop();
      return false;
    }
    if (this.checkNavigation()) return false;
    this.scheduleAnchorRetry();
    return true;
  }

  private rescanAll(): void {
    if (this.highlighter && document.body) this.highlighter.scan();
  }

  private listen(): void {
    const { signal } = this.abort;
    const opts = { signal, passive: true, capture: true };
    document.addEventListener('pointermove', (e) => {
      // The page can fire pointer events of its own: only the reader's move opens a card or a note.
      if (!e.isTrusted) return;
      if (this.host?.contains(e)) {
        clearTimeout(this.hideTimer);
        return;
      }
      this.pointer = { x: e.clientX, y: e.clientY };
      if (!this.pointerFrame) this.pointerFrame = requestAnimationFrame(() => this.checkPointer());
    }, opts);
    document.addEventListener('selectionchange', () => {
      this.checkCaret();
      this.checkSelection();
    }, { signal });
    document.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      if (this.card?.visibleEntity) this.card.hide();
      if (this.notes && this.notes.visibleId !== null) this.notes.hide();
      this.notes?.hideSaveButton();
    }, { signal, capture: true });
    window.addEventListener('scroll', () => {
      this.card?.hide();
      this.hideNoteUnasked();
    }, opts);
    const readerActs = (e: Event) => {
      if (e.isTrusted) this.notePinned = false;
    };
    for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart']) document.addEventListener(type, readerActs, opts);
  }

  private checkPointer(): void {
    this.pointerFrame = 0;
    const p = this.pointer;
    if (!p || !this.highlighter) return;
    const saved = this.savedAtPoint(p.x, p.y);
    const match = saved ? undefined : this.matchAtPoint(p.x, p.y);
    if (saved) {
      clearTimeout(this.hideTimer);
      this.hideTimer = 0;
      this.openNote(saved, false);
    } else if (match) {
      clearTimeout(this.hideTimer);
      this.hideTimer = 0;
      this.hideNoteUnasked();
      void this.openCard(match);
    } else if ((this.card?.visibleEntity || (this.notes?.visibleId && !this.editing && !this.notePinned)) && !this.hideTimer) {
      this.hideTimer = window.setTimeout(() => {
        this.hideTimer = 0;
        this.card?.hide();
        this.hideNoteUnasked();
      }, 300);
    }
  }

  /** Hides the note for a scroll or a hover, unless the reader is editing it or asked for it (notePinned). */
  private hideNoteUnasked(): void {
    if (!this.editing && !this.notePinned) this.notes?.hide();
  }

  private savedAtPoint(x: number, y: number): PlacedHighlight | undefined {
    const pos = caretAt(x, y);
    const placed = pos ? this.layer?.at(pos.node, pos.offset) : undefined;
    if (!placed?.range) return undefined;
    for (const r of placed.range.getClientRects()) {
      if (x >= r.left - 1 && x <= r.right + 1 && y >= r.top - 1 && y <= r.bottom + 1) return placed;
    }
    return undefined;
  }

  private matchAtPoint(x: number, y: number): PaintedMatch | undefined {
    const pos = caretAt(x, y);
    if (!pos) return undefined;
    const match = this.highlighter?.matchAt(pos.node, pos.offset);
    if (!match) return undefined;
    for (const r of match.range.getClientRects()) {
      if (x >= r.left - 1 && x <= r.right + 1 && y >= r.top - 1 && y <= r.bottom + 1) return match;
    }
    return undefined;
  }

  private checkCaret(): void {
    const sel = document.getSelection();
    if (!sel || !sel.isCollapsed || !sel.anchorNode || !this.highlighter) return;
    const saved = this.layer?.at(sel.anchorNode, sel.anchorOffset);
    if (saved) return this.openNote(saved, false);
    const match = this.highlighter.matchAt(sel.anchorNode, sel.anchorOffset);
    if (match) void this.openCard(match);
  }

  private async openCard(match: PaintedMatch): Promise<void> {
    const entities = this.highlighter?.dict.entities;
    // Ids and names are read from storage on the first card (a dictionary changed meanwhile: the page repaints, no card).
    if (!entities || !(await entities.ready().then(() => true, () => false))) return;
    const id = entities.get(match.entity).id;
    let pending = this.records.get(id);
    if (!pending) {
      pending = send({ type: 'entity/get', id }).catch(() => null);
      this.records.set(id, pending);
    }
    // The card's code comes with the first hover, fetched beside the record.
    const [found] = await Promise.all([pending, this.loadUi().catch(() => null)]);
    if (!found || !this.card || this.stopped || !match.range.startContainer.isConnected) return;
    this.card.show(found.entity, found.articles, match.range.getBoundingClientRect());
  }
}

/** The text position under a viewport point, in both engines. */
function caretAt(x: number, y: number): { node: Node; offset: number } | null {
  if (typeof document.caretPositionFromPoint === 'function') {
    const p = document.caretPositionFromPoint(x, y);
    return p ? { node: p.offsetNode, offset: p.offset } : null;
  }
  const r = document.caretRangeFromPoint?.(x, y);
  return r ? { node: r.startContainer, offset: r.startOffset } : null;
}

/** This document's session, unless its extension world already runs one (Chromium's loader may run this file twice). */
function claimDocument(): ContentSession | null {
  const world = globalThis as unknown as Record<string, unknown>;
  if (world[CONTENT_GLOBAL]) return null;
  const session = new ContentSession();
  world[CONTENT_GLOBAL] = session;
  return session;
}

const session = claimDocument();
if (session) {
  session.start().catch((error: unknown) => {
    // A page where the extension cannot run (context gone, dictionary refused) is left as it was.
    session.stop();
    if (extensionAlive()) console.warn('Newsgloss stopped on this page:', error);
  });
}
