/**
 * Bundled into one script and evaluated in benchmark pages: the content script's own page-text
 * reader and saved-highlight layer, a way to make highlights from a page, and edits to apply.
 */
import { describeText } from '../../src/core/anchoring.ts';
import type { SavedHighlight } from '../../src/core/highlights.ts';
import { SavedHighlightLayer } from '../../src/page/saved-layer.ts';
import { PageText } from '../../src/page/text-index.ts';

/** `count` highlights of 3 to 25 words spread evenly over the page's text, as the content script saves them. */
function makeHighlights(count: number): SavedHighlight[] {
  const text = PageText.read(document).text;
  const words = [...text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)].map((m) => [m.index, m.index + m[0].length]);
  const out: SavedHighlight[] = [];
  for (let i = 0; i < count && words.length > 30; i++) {
    const w = Math.floor((i * (words.length - 30)) / count);
    const len = 3 + ((i * 7) % 23);
    const t = describeText(text, words[w][0], words[w + len][1]);
    out.push({
      id: `bench-${i}`, source: location.href, pageUrl: location.href, title: document.title, site: location.hostname,
      quote: t.quote, position: t.position, context: '', note: '', tags: [], colour: 'yellow', entities: [],
      creator: { name: '', id: 'local' }, created: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z',
    });
  }
  return out;
}

/** The page changed a little: a paragraph inserted at ten places and whitespace doubled in every tenth text node. */
function editPage(): void {
  const blocks = [...document.body.querySelectorAll('p, li, h2, h3')];
  for (let k = 1; k <= 10 && blocks.length; k++) {
    const b = blocks[Math.floor((k * blocks.length) / 11)];
    const p = document.createElement('p');
    p.textContent = `Advertisement ${k}: subscribe today for unlimited access.`;
    b.parentNode?.insertBefore(p, b);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let i = 0;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (i++ % 10 === 0) (n as Text).data = (n as Text).data.replace(/ /g, '  ');
}

function floor(): number {
  const t0 = performance.now();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let chars = 0;
  while (walker.nextNode()) chars += (walker.currentNode as Text).data.length;
  return performance.now() - t0 + chars * 0;
}

function anchor(records: SavedHighlight[]): { ms: number; found: number; chars: number } {
  const stats = new SavedHighlightLayer(document).setAll(records);
  return { ms: stats.ms, found: stats.found, chars: stats.textLength };
}

(globalThis as unknown as { __ngAnchor: unknown }).__ngAnchor = { makeHighlights, editPage, floor, anchor };
