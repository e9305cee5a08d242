/**
 * Finds dictionary entities in a page and paints them with the CSS Custom Highlight API: the
 * page's DOM is never changed, the ranges live in the document's highlight registry.
 */
import { ENTITY_KINDS, type EntityKind, type RuntimeDictionary } from '../core/dictionary.ts';
import type { Match, Scanner } from '../core/scanner.ts';
import { WasmScanner, makeScanner } from '../core/wasm-scanner.ts';
import type { ScannerEngine } from '../messages.ts';
import { finishSubtree, scanSubtreeUnless, type TextAnchor } from './text-scan.ts';

/** Registry name of the highlight for one entity kind (also used by the stylesheet). */
export function highlightName(kind: EntityKind): string {
  return `newsgloss-${kind}`;
}

/** Registry name of the short-lived highlight on an occurrence the reader asked to see. */
export const FLASH_NAME = 'newsgloss-flash';

/** One painted occurrence of an entity. */
export interface PaintedMatch {
  range: Range;
  entity: number;
}

export interface PassStats {
  textLength: number;
  matches: number;
  /**
   * With a dictionary stored in parts, where the text wanted parts not yet read: the pass over
   * those roots once they are (what the first found there is not painted meanwhile).
   */
  complete?: Promise<PassStats>;
}

export class PageHighlighter {
  /** Kept for a highlighter that replaces this one with the same dictionary (after a navigation in the page). */
  readonly scanner: Scanner;
  private readonly highlights = new Map<EntityKind, Highlight>();
  private painted: PaintedMatch[] = [];
  /** Entities named in full on this page: they let ambiguous aliases count in later scans. */
  private readonly present = new Set<number>();

  constructor(
    readonly dict: RuntimeDictionary,
    private readonly doc: Document,
    private readonly ownHost: () => Element | null = () => null,
    scanner: Scanner = makeScanner(dict),
  ) {
    this.scanner = scanner;
  }

  /** Which scanner reads the page. */
  get engine(): ScannerEngine {
    return this.scanner instanceof WasmScanner ? 'webassembly' : 'javascript';
  }

  /** All painted matches, in no particular order. */
  get matches(): readonly PaintedMatch[] {
    return this.painted;
  }

  private registry(): HighlightRegistry {
    return this.doc.defaultView!.CSS.highlights;
  }

  /**
   * Puts the paint back where the page removed or replaced it in the registry
   * (`CSS.highlights.clear()`, or its own Highlight under one of the names); returns whether any was.
   */
  restoreRegistry(): boolean {
    let restored = false;
    for (const [kind, h] of this.highlights) {
      if (this.registry().get(highlightName(kind)) !== h) {
        this.registry().set(highlightName(kind), h);
        restored = true;
      }
    }
    return restored;
  }

  private highlightFor(kind: EntityKind): Highlight {
    let h = this.highlights.get(kind);
    if (!h) {
      const win = this.doc.defaultView as Window & typeof globalThis;
      h = new win.Highlight();
      this.highlights.set(kind, h);
      this.registry().set(highlightName(kind), h);
    }
    return h;
  }

  /** Scans `roots` (the whole body by default), replacing what was painted inside them. */
  scan(roots: readonly Node[] = [this.doc.body]): PassStats {
    // All kinds are registered from the first scan on, so "scanned, nothing found" is visible too.
    if (this.highlights.size === 0) for (const kind of ENTITY_KINDS) this.highlightFor(kind);
    const fullScan = roots.length === 1 && roots[0] === this.doc.body;
    if (fullScan) this.clearPaint();
    else this.forget((r) => roots.some((root) => root.contains(r.commonAncestorContainer)) || !r.startContainer.isConnected);
    const host = this.ownHost();
    const { automaton } = this.dict;
    let textLength = 0;
    let matches = 0;
    const waiting: Node[] = [];
    // With a dictionary in parts, a root whose text wants parts is left until they are read: a
    // longer name below the cut may replace what the top alone finds there.
    const wait = () => automaton.inParts && automaton.wantedParts().length > 0;
    let last: Element | null = null;
    for (const root of roots) {
      const found = scanSubtreeUnless(root, this.scanner, this.present, host, wait);
      this.scans++;
      textLength += this.scanner.rawLength;
      if (!Array.isArray(found)) {
        waiting.push(root);
        last = found;
        continue;
      }
      last = null;
      matches += found.length;
      this.paint(found);
    }
    if (waiting.length === 0) return { textLength, matches };
    // The scanner still holds what it found in the last root, if that one waits: kept, with an
    // observer that tells whether its text changed meanwhile.
    let kept: { el: Element; scans: number; changes: MutationObserver } | null = null;
    // Only a scan made before any part was placed can be finished through the parts (see afterParts).
    if (last && waiting.length === 1 && automaton.partsPlaced === 0) {
      const win = this.doc.defaultView as Window & typeof globalThis;
      const changes = new win.MutationObserver(() => undefined);
      changes.observe(last, { subtree: true, childList: true, characterData: true });
      kept = { el: last, scans: this.scans, changes };
    }
    return { textLength, matches, complete: this.afterParts(waiting, matches, kept) };
  }

  /** Roots scanned with this highlighter's scanner: which scan it holds the findings of. */
  private scans = 0;

  /**
   * Scans `roots` again once the parts their text wanted are read and placed. Never rejects: the
   * later scans of the page's content do not wait for it.
   */
  private async afterParts(roots: readonly Node[], before: number, kept: { el: Element; scans: number; changes: MutationObserver } | null): Promise<PassStats> {
    try {
      await this.dict.automaton.placeWanted();
      const changed = kept ? kept.changes.takeRecords().length > 0 : true;
      kept?.changes.disconnect();
      if (this.destroyed) return { textLength: 0, matches: before };
      // One root whose findings the scanner still holds, unchanged since: the candidates found
      // through the parts are added (scanner.extend) instead of the text being read and scanned again.
      // That adds every term the whole automaton finds only when the scan had the top alone: with
      // parts in, a scan also stands on states below the cut, whose links may pass a closed state
      // of the cut depth without its place being noted.
      if (kept && !changed && kept.scans === this.scans && kept.el.isConnected) {
        this.scanner.extend();
        const found = finishSubtree(kept.el, this.scanner, this.present, this.ownHost());
        this.paint(found);
        return { textLength: this.scanner.rawLength, matches: before + found.length };
      }
      const again = this.scan(roots.filter((r) => r.isConnected));
      const done = again.complete ? await again.complete : again;
      return { textLength: done.textLength, matches: before + done.matches };
    } catch {
      return { textLength: 0, matches: before };
    }
  }

  private paint(found: readonly Match<TextAnchor>[]): void {
    const { entities } = this.dict;
    for (const m of found) {
      const range = this.doc.createRange();
      range.setStart(m.anchor.startNode, m.anchor.startOffset);
      range.setEnd(m.anchor.endNode, m.anchor.endOffset);
      this.highlightFor(entities.kind(m.entity)).add(range);
      this.painted.push({ range, entity: m.entity });
    }
  }

  private forget(drop: (r: Range) => boolean): void {
    const kept: PaintedMatch[] = [];
    for (const p of this.painted) {
      if (drop(p.range)) this.highlights.get(this.dict.entities.kind(p.entity))?.delete(p.range);
      else kept.push(p);
    }
    this.painted = kept;
  }

  private clearPaint(): void {
    for (const h of this.highlights.values()) h.clear();
    this.painted = [];
  }

  /** The painted match under a document point, if any. */
  matchAt(node: Node, offset: number): PaintedMatch | undefined {
    for (const p of this.painted) {
      try {
        if (p.range.comparePoint(node, offset) === 0 && !p.range.collapsed) return p;
      } catch {
        // comparePoint throws for a node in another document or a doctype: not ours.
      }
    }
    return undefined;
  }

  private revealed = new Map<number, number>();
  private flashTimer = 0;

  /**
   * Scrolls the next occurrence of an entity (after the last one revealed) into view and flashes
   * it with a highlight of its own. Returns false if the entity is not on the page.
   */
  revealNext(entityId: string): boolean {
    const entity = this.dict.entities.indexOf(entityId);
    const ranges = this.painted
      .filter((p) => p.entity === entity && !p.range.collapsed && p.range.startContainer.isConnected)
      .map((p) => p.range)
      .sort((a, b) => a.compareBoundaryPoints(Range.START_TO_START, b));
    if (ranges.length === 0) return false;
    const k = ((this.revealed.get(entity) ?? -1) + 1) % ranges.length;
    this.revealed.set(entity, k);
    const range = ranges[k];
    range.startContainer.parentElement?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    const win = this.doc.defaultView as Window & typeof globalThis;
    const flash = new win.Highlight(range);
    this.registry().set(FLASH_NAME, flash);
    win.clearTimeout(this.flashTimer);
    this.flashTimer = win.setTimeout(() => {
      if (this.registry().get(FLASH_NAME) === flash) this.registry().delete(FLASH_NAME);
    }, 1600);
    return true;
  }

  private destroyed = false;

  /** Removes every highlight this highlighter registered. */
  destroy(): void {
    this.destroyed = true;
    this.clearPaint();
    for (const kind of ENTITY_KINDS) {
      const name = highlightName(kind);
      if (this.registry().get(name) === this.highlights.get(kind)) this.registry().delete(name);
    }
    this.highlights.clear();
    this.present.clear();
    if (this.registry().has(FLASH_NAME)) this.registry().delete(FLASH_NAME);
  }
}
