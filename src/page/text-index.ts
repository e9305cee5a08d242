/**
 * A page's text as one string, and the way back from offsets in it to DOM ranges (and from a
 * reader's selection to offsets). This is the text TextPositionSelectors count in: every text
 * node under <body> in document order, except inside elements that never show as text (scripts,
 * styles, templates) and the extension's own element, so the same page gives the same text on
 * every visit and in every browser.
 */
import { lastIndexAtMost } from '../core/sorted.ts';

const NOT_TEXT = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'OPTION', 'TITLE']);
const SVG_NS = 'http://www.w3.org/2000/svg';

export class PageText {
  readonly text: string;
  /** Indexed text nodes and the offset each starts at, in document order. */
  private readonly nodes: Text[];
  private readonly starts: number[];

  private constructor(text: string, nodes: Text[], starts: number[]) {
    this.text = text;
    this.nodes = nodes;
    this.starts = starts;
  }

  /** Reads the text of `root` (the body by default), leaving out `exclude` (the extension's host). */
  static read(doc: Document, exclude: Element | null = null, root: Node | null = doc.body): PageText {
    const nodes: Text[] = [];
    const starts: number[] = [];
    const parts: string[] = [];
    let offset = 0;
    if (root) {
      // A plain text walker with checks on each node's parent: a filter callback per node costs
      // more than the walk itself. Scripts, styles and fields hold text only as direct children;
      // SVG text is told by its namespace. The extension's own element holds text only in its
      // shadow root, which no walker enters.
      const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
        const data = n.data;
        if (data.length === 0) continue;
        const parent = n.parentNode as Element | null;
        if (parent && (NOT_TEXT.has(parent.nodeName) || parent.namespaceURI === SVG_NS || parent === exclude)) continue;
        nodes.push(n);
        starts.push(offset);
        parts.push(data);
        offset += data.length;
      }
    }
    return new PageText(parts.join(''), nodes, starts);
  }

  /** Index of the node holding offset `at` (for an end offset, the node it ends in). */
  private nodeIndex(at: number, isEnd: boolean): number {
    // An end offset belongs to the node that starts before it, a start to the one that starts at it.
    return lastIndexAtMost(this.starts, isEnd ? at - 1 : at);
  }

  /** The text node and offset in it of a text offset (as a range start, or as a range end). */
  point(at: number, isEnd: boolean): { node: Text; offset: number } | null {
    if (this.nodes.length === 0 || at < 0 || at > this.text.length) return null;
    const i = this.nodeIndex(at, isEnd);
    return { node: this.nodes[i], offset: at - this.starts[i] };
  }

  /** A live range over text[start, end), or null when the offsets fall outside the text. */
  range(start: number, end: number): Range | null {
    if (start >= end) return null;
    const a = this.point(start, false);
    const b = this.point(end, true);
    if (!a || !b) return null;
    const range = a.node.ownerDocument.createRange();
    range.setStart(a.node, a.offset);
    range.setEnd(b.node, b.offset);
    return range;
  }

  private positions: Map<Text, number> | null = null;

  /** Index of an indexed text node, or -1 (the map is built on first use: most visits never need it). */
  private indexOfNode(node: Text): number {
    if (!this.positions) {
      this.positions = new Map();
      this.nodes.forEach((n, i) => this.positions!.set(n, i));
    }
    return this.positions.get(node) ?? -1;
  }

  /** Index of the first indexed text node at or after `node` in document order (itself or one inside it included). */
  private firstIndexFrom(node: Node): number {
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const n = this.nodes[mid];
      const after = n === node || (node.compareDocumentPosition(n) & (Node.DOCUMENT_POSITION_FOLLOWING | Node.DOCUMENT_POSITION_CONTAINED_BY)) !== 0;
      if (after) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The first indexed text node after everything inside `node`. */
  private firstIndexAfter(node: Node): number {
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const n = this.nodes[mid];
      const pos = node.compareDocumentPosition(n);
      const after = n !== node && (pos & Node.DOCUMENT_POSITION_FOLLOWING) !== 0 && (pos & Node.DOCUMENT_POSITION_CONTAINED_BY) === 0;
      if (after) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private startOf(index: number): number {
    return index < this.nodes.length ? this.starts[index] : this.text.length;
  }

  /** The offset of a range boundary: inside an indexed text node, or before the first indexed text after it. */
  offsetOf(container: Node, offset: number): number {
    if (container.nodeType === Node.TEXT_NODE) {
      const i = this.indexOfNode(container as Text);
      if (i !== -1) return this.starts[i] + Math.min(offset, (container as Text).data.length);
      return this.startOf(this.firstIndexAfter(container));
    }
    const child = container.childNodes[offset];
    return this.startOf(child ? this.firstIndexFrom(child) : this.firstIndexAfter(container));
  }

  /** The offsets of everything inside a node, or null when it holds no indexed text. */
  offsetsOfContents(node: Node): { start: number; end: number } | null {
    const start = this.startOf(this.firstIndexFrom(node));
    const end = this.startOf(this.firstIndexAfter(node));
    return end > start ? { start, end } : null;
  }

  /** The offsets a range covers, or null when it covers no indexed text. */
  offsetsOf(range: Range): { start: number; end: number } | null {
    const start = this.offsetOf(range.startContainer, range.startOffset);
    const end = this.offsetOf(range.endContainer, range.endOffset);
    return end > start ? { start, end } : null;
  }
}
