/**
 * Finds dictionary matches in a part of a page without walking it node by node in script.
 *
 * The subtree's text is read in one native call (`textContent`, the concatenation of its text
 * nodes in document order) and scanned in one loop. Only where a candidate was found does the
 * code walk to the text nodes holding it, and only then check what a node-by-node walk would
 * have checked: not in code, form fields or editable regions; not across two blocks (while a
 * match may run through inline markup, `<b>Sattar</b> Hashemi`); and, where letters touch a
 * candidate in the flat text, whether a block edge or a `<br>` separates them on the page.
 * A page with no match costs one read of its text and one scan.
 */
import type { Scanner, Match } from '../core/scanner.ts';

/** Elements whose content is never read: code, form fields, embedded documents, graphics. */
const SKIPPED = new Set([
  'script', 'style', 'noscript', 'template', 'textarea', 'input', 'select', 'option', 'button',
  'iframe', 'object', 'embed', 'canvas', 'svg', 'math', 'video', 'audio', 'head', 'title',
]);
const SKIPPED_SELECTOR = [...SKIPPED].join(',');

/** Elements that flow inside a line; every other element starts and ends a block. */
const INLINE = new Set([
  'a', 'abbr', 'b', 'bdi', 'bdo', 'big', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'font', 'i',
  'ins', 'kbd', 'label', 'mark', 'nobr', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'small', 'span',
  'strike', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var', 'wbr', 'img',
]);

/** Whether an element flows inside a line of text (so a match may run across it). */
export function isInlineElement(el: Element): boolean {
  return INLINE.has(el.localName);
}

/** Where a match lies in the DOM. */
export interface TextAnchor {
  startNode: Text;
  startOffset: number;
  endNode: Text;
  endOffset: number;
}

/** Marker for "text here is never read". */
const SKIP = null;
type Block = Element | typeof SKIP;

/**
 * Whether `el` is editable, from the `contenteditable` attributes of it and its ancestors and the
 * document's design mode. Not `isContentEditable`: in Chromium that property brings the whole
 * page's style up to date first, which on a page just loaded made the first scan pay for the
 * page's own style computation.
 */
function editable(el: Element): boolean {
  if (el.ownerDocument.designMode === 'on') return true;
  for (let cur: Element | null = el.closest('[contenteditable]'); cur; cur = cur.parentElement?.closest('[contenteditable]') ?? null) {
    const value = cur.getAttribute('contenteditable')!.toLowerCase();
    if (value === 'false') return false;
    if (value === '' || value === 'true' || value === 'plaintext-only') return true;
    // Any other value is invalid and inherits: look further up.
  }
  return false;
}

function skipsOwnContent(el: Element, ownHost: Element | null): boolean {
  if (el === ownHost || SKIPPED.has(el.localName)) return true;
  return el.hasAttribute('contenteditable') && editable(el);
}

/** Whether `root` itself lies inside a region that is never read. */
function insideSkipped(root: Element, ownHost: Element | null): boolean {
  if (root.closest(SKIPPED_SELECTOR) || (ownHost && ownHost.contains(root))) return true;
  return editable(root);
}

/** The block each element's text belongs to (or SKIP), worked out once per element. */
class BlockMap {
  private readonly memo: Map<Element, Block>;
  constructor(private readonly root: Element, private readonly ownHost: Element | null) {
    this.memo = new Map([[root, root]]);
  }

  of(node: Text): Block {
    const el = node.parentElement;
    if (!el) return SKIP;
    const known = this.memo.get(el);
    if (known !== undefined) return known;
    const path: Element[] = [];
    let cur: Element | null = el;
    let above: Block | undefined;
    while (cur) {
      above = this.memo.get(cur);
      if (above !== undefined) break;
      path.push(cur);
      cur = cur.parentElement;
    }
    // `above` is null (SKIP) inside a skipped region, undefined if the climb left the root.
    let block: Block = above === undefined ? this.root : above;
    for (let k = path.length - 1; k >= 0; k--) {
      const p = path[k];
      if (block !== SKIP) block = skipsOwnContent(p, this.ownHost) ? SKIP : INLINE.has(p.localName) ? block : p;
      this.memo.set(p, block);
    }
    return block;
  }
}

function afterLineBreak(node: Node): boolean {
  const prev = node.previousSibling;
  return prev !== null && prev.nodeType === 1 && (prev as Element).localName === 'br';
}

/**
 * Walks the subtree's text nodes forward only, as candidates come in order of start, and
 * places each candidate on the nodes that hold it.
 */
class TextCursor {
  private readonly walker: TreeWalker;
  private node: Text | null;
  private nodeStart = 0;
  /** The last non-empty text node before `node`. */
  private prev: Text | null = null;
  readonly blocks: BlockMap;

  constructor(root: Element, ownHost: Element | null) {
    this.walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    this.node = this.walker.nextNode() as Text | null;
    this.blocks = new BlockMap(root, ownHost);
  }

  place(start: number, end: number, openLeft: boolean, openRight: boolean): TextAnchor | null {
    while (this.node && this.nodeStart + this.node.length <= start) {
      if (this.node.length) this.prev = this.node;
      this.nodeStart += this.node.length;
      this.node = this.walker.nextNode() as Text | null;
    }
    const first = this.node;
    if (!first) return null;
    const startOffset = start - this.nodeStart;
    // Letters touching inside one text node: part of a longer word, the common case.
    if (openLeft && startOffset !== 0) return null;
    if (openRight && this.nodeStart + first.length > end) return null;
    const block = this.blocks.of(first);
    if (block === SKIP) return null;
    if (openLeft && this.prev && this.blocks.of(this.prev) === block && !afterLineBreak(first)) return null;
    // Follow the candidate over the nodes it spans, all in the same block, no line break inside.
    let node: Text = first;
    let nodeStart = this.nodeStart;
    if (nodeStart + node.length < end) {
      const ahead = first.ownerDocument.createTreeWalker(this.walker.root, NodeFilter.SHOW_TEXT);
      ahead.currentNode = first;
      while (nodeStart + node.length < end) {
        nodeStart += node.length;
        const next = ahead.nextNode() as Text | null;
        if (!next) return null;
        node = next;
        if (node.length && (this.blocks.of(node) !== block || afterLineBreak(node))) return null;
      }
    }
    const endOffset = end - nodeStart;
    if (openRight) {
      if (endOffset !== node.length) return null;
      const ahead = node.ownerDocument.createTreeWalker(this.walker.root, NodeFilter.SHOW_TEXT);
      ahead.currentNode = node;
      let next = ahead.nextNode() as Text | null;
      while (next && !next.length) next = ahead.nextNode() as Text | null;
      if (next && this.blocks.of(next) === block && !afterLineBreak(next)) return null;
    }
    return { startNode: first, startOffset, endNode: node, endOffset };
  }
}

/**
 * Scans the text under `root` and returns the matches with their place in the DOM. The scanner
 * is reset first; `present` carries entities named in full on the page across scans.
 */
export function scanSubtree(root: Node, scanner: Scanner, present: Set<number>, ownHost: Element | null): Match<TextAnchor>[] {
  return scanSubtreeUnless(root, scanner, present, ownHost, () => false) as Match<TextAnchor>[];
}

/**
 * scanSubtree, but where `wait`, asked once the text is read, says to finish later (a dictionary
 * in parts whose parts the text wants), the element read: the matches are then neither chosen nor
 * placed, and the scanner keeps what it found until it is reset.
 */
export function scanSubtreeUnless(
  root: Node,
  scanner: Scanner,
  present: Set<number>,
  ownHost: Element | null,
  wait: () => boolean,
): Match<TextAnchor>[] | Element {
  const el = root.nodeType === 3 ? root.parentElement : root.nodeType === 1 ? (root as Element) : null;
  if (!el || insideSkipped(el, ownHost)) return [];
  scanner.reset();
  scanner.feed(el.textContent ?? '');
  if (wait()) return el;
  return finishSubtree(el, scanner, present, ownHost);
}

/** The matches of the text the scanner last read, from `el`, with their place in the DOM. */
export function finishSubtree(el: Element, scanner: Scanner, present: Set<number>, ownHost: Element | null): Match<TextAnchor>[] {
  const cursor = new TextCursor(el, ownHost);
  return scanner.finish(present, (s, e, l, r) => cursor.place(s, e, l, r));
}
