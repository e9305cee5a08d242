/**
 * The content script: highlights dictionary entities on the page, keeps up with content that
 * arrives later, and opens a card on hover or when the caret enters a highlight.
 *
 * Lifecycle: one instance per document. A newer instance (after an extension update) announces
 * itself with a document event and the older one tears down; everything it registered ends with
 * one AbortController.
 */
import { loadDictionary, type EntityRecord, type SeedArticle } from '../core/dictionary.ts';
import { PageHighlighter, type PaintedMatch } from '../page/highlighter.ts';
import { blockRootOf } from '../page/dom-roots.ts';
import { browser, extensionAlive, extensionOrigin, onPausedSitesChanged, readAutoSave, readPausedSites, send } from '../platform/browser.ts';
import { parsePageRequest, type AnyPageRequest, type PageMessageMap, type PageEntity } from '../messages.ts';
import { EntityCard } from './card.ts';
import { extractArticle } from './extract-article.ts';

const TAKEOVER_EVENT = 'newsgloss:takeover';
/** Past this many changed places in one batch, one full rescan is cheaper than many small ones. */
const FULL_RESCAN_THRESHOLD = 64;
const BATCH_DELAY_MS = 60;

class ContentSession {
  private readonly abort = new AbortController();
  private highlighter: PageHighlighter | null = null;
  private readonly card = new EntityCard(document, (entity) => void send({ type: 'coverage/open', entity }).catch(() => undefined));
  private observer: MutationObserver | null = null;
  private readonly pending = new Set<Node>();
  private batchTimer = 0;
  private pointer: { x: number; y: number } | null = null;
  private pointerFrame = 0;
  private hideTimer = 0;
  private readonly records = new Map<string, Promise<{ entity: EntityRecord; articles: SeedArticle[] } | null>>();
  private stopped = false;

  async start(): Promise<void> {
    const { signal } = this.abort;
    document.addEventListener(TAKEOVER_EVENT, () => this.stop(), { signal });
    const onMessage = (message: unknown, sender: browser.Runtime.MessageSender) => {
      // Only the extension's own pages ask a page about itself (an extension page open in a tab
      // has a sender.tab in Firefox, so the origin is what tells).
      if (sender.id !== browser.runtime.id || (sender.tab && !(sender.url ?? '').startsWith(extensionOrigin()))) return undefined;
      const request = parsePageRequest(message);
      if (typeof request === 'string') return Promise.reject(new Error(request));
      return this.answer(request);
    };
    browser.runtime.onMessage.addListener(onMessage);
    signal.addEventListener('abort', () => browser.runtime.onMessage.removeListener(onMessage));
    const site = location.hostname;
    const unsubscribe = onPausedSitesChanged((sites) => (sites.includes(site) ? this.pause() : void this.resume()));
    signal.addEventListener('abort', unsubscribe);
    if ((await readPausedSites()).includes(site)) return;
    await this.resume();
  }

  private async resume(): Promise<void> {
    if (this.stopped || this.highlighter) return;
    const compiled = await send({ type: 'dictionary/get' });
    if (this.stopped || this.highlighter) return;
    this.highlighter = new PageHighlighter(loadDictionary(compiled), document, () => this.card.element);
    if (document.body) {
      const { matches } = this.highlighter.scan();
      // Wake the background only when the reader turned automatic saving on and the page names
      // enough; the background checks the setting again and acts on the sender's tab only.
      if (matches > 0) {
        void readAutoSave()
          .then((setting) => (setting.enabled && matches >= setting.minMentions ? send({ type: 'coverage/autosave', mentions: matches }) : null))
          .catch(() => undefined);
      }
    }
    this.observe();
    this.listen();
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
        const entities = this.highlighter?.dict.entities ?? [];
        return {
          url: location.href,
          title: document.title,
          entities: [...counts].map(([e, count]): PageEntity => ({ ...entities[e], count })),
        };
      }
      case 'page/reveal':
        return { found: this.highlighter?.revealNext(request.entity) ?? false };
      case 'page/article':
        return extractArticle(document);
    }
  }

  private pause(): void {
    this.observer?.disconnect();
    this.observer = null;
    this.highlighter?.destroy();
    this.highlighter = null;
    this.card.hide();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.pause();
    this.abort.abort();
    clearTimeout(this.batchTimer);
    clearTimeout(this.hideTimer);
    cancelAnimationFrame(this.pointerFrame);
    this.card.destroy();
  }

  /** Watches for content that arrives later; the callback only queues nodes. */
  private observe(): void {
    this.observer = new MutationObserver((mutations) => {
      const host = this.card.element;
      for (const m of mutations) {
        if (host && m.target === document.documentElement && [...m.addedNodes, ...m.removedNodes].every((n) => n === host)) continue;
        if (m.type === 'childList' && m.addedNodes.length) for (const n of m.addedNodes) this.pending.add(n);
        else this.pending.add(m.target);
      }
      if (this.pending.size === 0) return;
      if (!this.batchTimer) this.batchTimer = window.setTimeout(() => this.flush(), BATCH_DELAY_MS);
    });
    this.observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    const nav = (window as { navigation?: EventTarget }).navigation;
    nav?.addEventListener('navigatesuccess', () => this.rescanAll(), { signal: this.abort.signal });
  }

  private flush(): void {
    this.batchTimer = 0;
    const highlighter = this.highlighter;
    if (!highlighter) return;
    if (!extensionAlive()) return this.stop();
    const host = this.card.element;
    const roots = new Set<Node>();
    for (const node of this.pending) {
      if (!node.isConnected || (host && (node === host || host.contains(node)))) continue;
      if (node === document.documentElement) {
        roots.add(document.body);
        continue;
      }
      roots.add(blockRootOf(node));
    }
    this.pending.clear();
    if (roots.size === 0) return;
    if (roots.size > FULL_RESCAN_THRESHOLD || roots.has(document.body)) return this.rescanAll();
    const outer = [...roots].filter((r) => ![...roots].some((o) => o !== r && o.contains(r)));
    highlighter.scan(outer);
  }

  private rescanAll(): void {
    if (this.highlighter && document.body) this.highlighter.scan();
  }

  private listen(): void {
    const { signal } = this.abort;
    const opts = { signal, passive: true, capture: true };
    document.addEventListener('pointermove', (e) => {
      if (this.card.contains(e)) {
        clearTimeout(this.hideTimer);
        return;
      }
      this.pointer = { x: e.clientX, y: e.clientY };
      if (!this.pointerFrame) this.pointerFrame = requestAnimationFrame(() => this.checkPointer());
    }, opts);
    document.addEventListener('selectionchange', () => this.checkCaret(), { signal });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.card.visibleEntity) this.card.hide();
    }, { signal, capture: true });
    window.addEventListener('scroll', () => this.card.hide(), opts);
  }

  private checkPointer(): void {
    this.pointerFrame = 0;
    const p = this.pointer;
    if (!p || !this.highlighter) return;
    const match = this.matchAtPoint(p.x, p.y);
    if (match) {
      clearTimeout(this.hideTimer);
      void this.openCard(match);
    } else if (this.card.visibleEntity && !this.hideTimer) {
      this.hideTimer = window.setTimeout(() => {
        this.hideTimer = 0;
        this.card.hide();
      }, 300);
    }
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
    const match = this.highlighter.matchAt(sel.anchorNode, sel.anchorOffset);
    if (match) void this.openCard(match);
  }

  private async openCard(match: PaintedMatch): Promise<void> {
    const id = this.highlighter?.dict.entities[match.entity].id;
    if (!id) return;
    let pending = this.records.get(id);
    if (!pending) {
      pending = send({ type: 'entity/get', id }).catch(() => null);
      this.records.set(id, pending);
    }
    const found = await pending;
    if (!found || this.stopped || !match.range.startContainer.isConnected) return;
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

document.dispatchEvent(new CustomEvent(TAKEOVER_EVENT));
const session = new ContentSession();
session.start().catch((error: unknown) => {
  // A page where the extension cannot run (context gone, dictionary refused) is left as it was.
  session.stop();
  if (extensionAlive()) console.warn('Newsgloss stopped on this page:', error);
});
