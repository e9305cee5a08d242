/** Where a DOM change should be rescanned from: the nearest block around it. */
import { isInlineElement } from './text-scan.ts';

export function blockRootOf(node: Node): Node {
  const body = node.ownerDocument?.body;
  let el: Element | null = node.nodeType === 1 ? (node as Element) : node.parentElement;
  while (el && el !== body && isInlineElement(el)) el = el.parentElement;
  return el ?? body ?? node;
}
