/**
 * Finds dictionary entities in a page and paints them with the CSS Custom Highlight API: the
 * page's DOM is never changed, the ranges live in the document's highlight registry.
 */
import { ENTITY_KINDS, type EntityKind, type RuntimeDictionary } from '../core/dictionary.ts';
import { Scanner, type Match } from '../core/scanner.ts';
import { scanSubtree, type TextAnchor } from './text-scan.ts';

/** Registry name of the highlight for one entity kind (also used by the stylesheet). */
export function highlightName(kind: EntityKind): string {
  return `newsgloss-${kind}`;
}

/** One painted occurrence of an entity. */
export interface PaintedMatch {
  range: Range;
  entity: number;
}

export interface PassStats {
  textLength: number;
  matches: number;
}

export class PageHighlighter {
  private readonly scanner: Scanner;
  private readonly highlights = new Map<EntityKind, Highlight>();
  private painted: PaintedMatch[] = [];
  /** Entities named in full on this page: they let ambiguous aliases count in later scans. */
  private readonly present = new Set<number>();

  constructor(
    readonly dict: RuntimeDictionary,
    private readonly doc: Document,
    private readonly ownHost: () => Element | null = () => null,
  ) {
    this.scanner = new Scanner(dict);
  }

  /** All painted matches, in no particular order. */
  get matches(): readonly PaintedMatch[] {
    return this.painted;
  }

  private registry(): HighlightRegistry {
    return this.doc.defaultView!.CSS.highlights;
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
    let textLength = 0;
    let matches = 0;
    for (const root of roots) {
      const found = scanSubtree(root, this.scanner, this.present, host);
      textLength += this.scanner.rawLength;
      matches += found.length;
      this.paint(found);
    }
    return { textLength, matches };
  }

  private paint(found: readonly Match<TextAnchor>[]): void {
    const { entities } = this.dict;
    for (const m of found) {
      const range = this.doc.createRange();
      range.setStart(m.anchor.startNode, m.anchor.startOffset);
      range.setEnd(m.anchor.endNode, m.anchor.endOffset);
      this.highlightFor(entities[m.entity].kind).add(range);
      this.painted.push({ range, entity: m.entity });
    }
  }

  private forget(drop: (r: Range) => boolean): void {
    const kept: PaintedMatch[] = [];
    for (const p of this.painted) {
      if (drop(p.range)) this.highlights.get(this.dict.entities[p.entity].kind)?.delete(p.range);
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

  /** Removes every highlight this highlighter registered. */
  destroy(): void {
    this.clearPaint();
    for (const kind of ENTITY_KINDS) {
      const name = highlightName(kind);
      if (this.registry().get(name) === this.highlights.get(kind)) this.registry().delete(name);
    }
    this.highlights.clear();
    this.present.clear();
  }
}
