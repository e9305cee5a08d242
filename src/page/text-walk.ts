/**
 * Reads a page's visible text in document order and feeds it to the scanner, telling it where
 * blocks begin and end so that no match spans two paragraphs, while inline markup
 * (`<b>Sattar</b> Hashemi`) is read through.
 */
import type { Scanner } from '../core/scanner.ts';

/** Elements whose content is never read: code, form fields, embedded documents, graphics. */
const SKIPPED = new Set([
  'script', 'style', 'noscript', 'template', 'textarea', 'input', 'select', 'option', 'button',
  'iframe', 'object', 'embed', 'canvas', 'svg', 'math', 'video', 'audio', 'head', 'title',
]);

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

/** The text nodes read, and where each starts in the scanner's raw offsets. */
export interface WalkedText {
  nodes: Text[];
  starts: number[];
}

/** Whether the element's content must not be read or painted (never editable text). */
export function isSkippedElement(el: Element, ownHost: Element | null): boolean {
  if (el === ownHost) return true;
  if (SKIPPED.has(el.localName)) return true;
  if (el.hasAttribute('contenteditable') && (el as HTMLElement).isContentEditable) return true;
  return false;
}

/**
 * Feeds the text under `root` to the scanner. Text already fed stays; `out` collects the nodes.
 * Iterative, so deeply nested pages cannot overflow the stack.
 */
export function walkText(root: Node, scanner: Scanner, out: WalkedText, ownHost: Element | null): void {
  if (root.nodeType === Node.TEXT_NODE) {
    out.nodes.push(root as Text);
    out.starts.push(scanner.rawLength);
    scanner.feed((root as Text).data);
    return;
  }
  let node: Node | null = root.firstChild;
  while (node && node !== root) {
    let descend = false;
    const type = node.nodeType;
    if (type === 3) {
      out.nodes.push(node as Text);
      out.starts.push(scanner.rawLength);
      scanner.feed((node as Text).data);
    } else if (type === 1) {
      const el = node as Element;
      const name = el.localName;
      if (name === 'br') scanner.feed(' ');
      else if (!isSkippedElement(el, ownHost)) {
        if (!INLINE.has(name)) scanner.boundary();
        descend = el.firstChild !== null;
        if (!descend && !INLINE.has(name)) scanner.boundary();
      }
    }
    if (descend) {
      node = node.firstChild;
      continue;
    }
    // Climb until a next sibling exists, closing the blocks we leave.
    while (node && node !== root && node.nextSibling === null) {
      node = node.parentNode;
      if (node && node !== root && node.nodeType === 1 && !INLINE.has((node as Element).localName)) scanner.boundary();
    }
    if (!node || node === root) break;
    node = node.nextSibling;
  }
  scanner.boundary();
}
