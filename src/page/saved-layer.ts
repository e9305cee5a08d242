/**
 * The reader's saved highlights on a page: anchored from their selectors and painted with the CSS
 * Custom Highlight API, one highlight per colour, above the entity highlights. Like the entity
 * highlighter it never changes the page's DOM.
 */
import { anchorAll, prepareText, type TextTarget } from '../core/anchoring.ts';
import { HIGHLIGHT_COLOURS, targetOf, type HighlightColour, type SavedHighlight } from '../core/highlights.ts';
import { FLASH_NAME } from './highlighter.ts';
import { PageText } from './text-index.ts';

/** Registry name of the highlight painting saved highlights of one colour (also in the stylesheet). */
export function noteHighlightName(colour: HighlightColour): string {
  return `newsgloss-note-${colour}`;
}

export interface PlacedHighlight {
  record: SavedHighlight;
  /** Null when its text was not found on the page. */
  range: Range | null;
}

export interface AnchorStats {
  highlights: number;
  found: number;
  textLength: number;
  /** Milliseconds to read the page's text and anchor every highlight. */
  ms: number;
}

export class SavedHighlightLayer {
  private placed = new Map<string, PlacedHighlight>();
  private readonly highlights = new Map<HighlightColour, Highlight>();

  constructor(
    private readonly doc: Document,
    private readonly ownHost: () => Element | null = () => null,
  ) {}

  get items(): readonly PlacedHighlight[] {
    return [...this.placed.values()];
  }

  get(id: string): PlacedHighlight | undefined {
    return this.placed.get(id);
  }

  /** Reads the page's text once (for saving a selection against the same text anchoring uses). */
  readText(): PageText {
    return PageText.read(this.doc, this.ownHost());
  }

  /** Puts the saved highlights' paint back where the page removed or replaced it in the registry. */
  restoreRegistry(): boolean {
    const registry = (this.doc.defaultView as Window & typeof globalThis).CSS.highlights;
    let restored = false;
    for (const [colour, h] of this.highlights) {
      if (registry.get(noteHighlightName(colour)) !== h) {
        registry.set(noteHighlightName(colour), h);
        restored = true;
      }
    }
    return restored;
  }

  private highlightFor(colour: HighlightColour): Highlight {
    let h = this.highlights.get(colour);
    if (!h) {
      const win = this.doc.defaultView as Window & typeof globalThis;
      h = new win.Highlight();
      // Above entity highlights (priority 0) where they overlap.
      h.priority = 1;
      this.highlights.set(colour, h);
      win.CSS.highlights.set(noteHighlightName(colour), h);
    }
    return h;
  }

  /** Replaces the layer's highlights with `records`, anchoring all of them against one reading of the page. */
  setAll(records: readonly SavedHighlight[]): AnchorStats {
    this.clearPaint();
    this.placed = new Map(records.map((r) => [r.id, { record: r, range: null }]));
    // Most pages have none: reading and preparing the page's text for nothing would cost a page as much as scanning it.
    if (this.placed.size === 0) return { highlights: 0, found: 0, textLength: 0, ms: 0 };
    return this.anchor([...this.placed.values()]);
  }

  private missing(): PlacedHighlight[] {
    return [...this.placed.values()].filter((p) => !p.range || p.range.collapsed || !p.range.startContainer.isConnected);
  }

  get hasMissing(): boolean {
    return this.missing().length > 0;
  }

  /** Anchors again the highlights not found (or whose text went away): for content that arrives late. */
  retryMissing(): AnchorStats | null {
    const missing = this.missing();
    if (missing.length === 0) return null;
    for (const p of missing) this.unpaint(p);
    return this.anchor(missing);
  }

  private anchor(list: PlacedHighlight[]): AnchorStats {
    const t0 = performance.now();
    const text = this.readText();
    const prepared = prepareText(text.text);
    const anchors = anchorAll(prepared, list.map((p) => this.withRangeHint(targetOf(p.record, text.text), p.record, text)));
    let found = 0;
    list.forEach((p, i) => {
      const a = anchors[i];
      p.range = a ? text.range(a.start, a.end) : null;
      if (p.range) {
        found++;
        this.highlightFor(p.record.colour).add(p.range);
      }
    });
    return { highlights: list.length, found, textLength: text.text.length, ms: performance.now() - t0 };
  }

  /**
   * Another tool's RangeSelector, where its XPath resolves on this page, says better than that
   * tool's text offsets where the passage starts (its text is not counted as ours is): the
   * position becomes that element's place in our text. The quote and its context still decide.
   */
  private withRangeHint(target: TextTarget, record: SavedHighlight, text: PageText): TextTarget {
    const hint = record.rangeHint;
    if (!hint) return target;
    let node: Node | null;
    try {
      const fromRoot = hint.xpath.startsWith('/html');
      const context = fromRoot ? this.doc : this.doc.body;
      const path = fromRoot || hint.xpath.startsWith('.') ? hint.xpath : `.${hint.xpath.startsWith('/') ? '' : '/'}${hint.xpath}`;
      node = this.doc.evaluate(path, context, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
    } catch {
      return target;
    }
    const at = node ? text.offsetsOfContents(node) : null;
    if (!at) return target;
    const start = Math.min(at.end, at.start + hint.offset);
    return { quote: target.quote, position: { type: 'TextPositionSelector', start, end: start + target.quote.exact.length } };
  }

  /** Adds a highlight just saved from a selection, painted on the selection's range. */
  add(record: SavedHighlight, range: Range): void {
    this.placed.set(record.id, { record, range });
    this.highlightFor(record.colour).add(range);
  }

  /** Replaces a highlight's record (note, tags, colour changed) keeping its place. */
  update(record: SavedHighlight): void {
    const p = this.placed.get(record.id);
    if (!p) return;
    this.unpaint(p);
    p.record = record;
    if (p.range) this.highlightFor(record.colour).add(p.range);
  }

  remove(id: string): void {
    const p = this.placed.get(id);
    if (!p) return;
    this.unpaint(p);
    this.placed.delete(id);
  }

  private unpaint(p: PlacedHighlight): void {
    if (p.range) this.highlights.get(p.record.colour)?.delete(p.range);
  }

  /** The saved highlight under a document point, the most recent first where they overlap. */
  at(node: Node, offset: number): PlacedHighlight | undefined {
    let best: PlacedHighlight | undefined;
    for (const p of this.placed.values()) {
      if (!p.range || p.range.collapsed) continue;
      try {
        if (p.range.comparePoint(node, offset) === 0 && (!best || p.record.created > best.record.created)) best = p;
      } catch {
        // A point in another document: not ours.
      }
    }
    return best;
  }

  /** The id of the placed highlight after `currentId` in page order (the first after the last), or null when none is placed. */
  nextAfter(currentId: string | null): string | null {
    const placed = [...this.placed.values()]
      .filter((p) => p.range && !p.range.collapsed && p.range.startContainer.isConnected)
      .sort((a, b) => a.range!.compareBoundaryPoints(Range.START_TO_START, b.range!));
    if (placed.length === 0) return null;
    const at = placed.findIndex((p) => p.record.id === currentId);
    return placed[(at + 1) % placed.length].record.id;
  }

  /** Scrolls a highlight into view and flashes it; false when it is not on the page. */
  reveal(id: string): Range | null {
    const range = this.placed.get(id)?.range;
    if (!range || range.collapsed || !range.startContainer.isConnected) return null;
    range.startContainer.parentElement?.scrollIntoView({ block: 'center' });
    const win = this.doc.defaultView as Window & typeof globalThis;
    const flash = new win.Highlight(range);
    flash.priority = 2;
    win.CSS.highlights.set(FLASH_NAME, flash);
    win.setTimeout(() => {
      if (win.CSS.highlights.get(FLASH_NAME) === flash) win.CSS.highlights.delete(FLASH_NAME);
    }, 1600);
    return range;
  }

  private clearPaint(): void {
    for (const h of this.highlights.values()) h.clear();
  }

  destroy(): void {
    this.clearPaint();
    const registry = (this.doc.defaultView as Window & typeof globalThis).CSS.highlights;
    for (const colour of HIGHLIGHT_COLOURS) {
      const h = this.highlights.get(colour);
      if (h && registry.get(noteHighlightName(colour)) === h) registry.delete(noteHighlightName(colour));
    }
    this.highlights.clear();
    this.placed.clear();
  }
}
