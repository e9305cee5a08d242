/**
 * Bundled into one script and evaluated in benchmark pages: the content script's own dictionary
 * loader and highlighter, and the floor they are measured against.
 */
import { loadDictionary, type CompiledDictionary } from '../../src/core/dictionary.ts';
import { PageHighlighter } from '../../src/page/highlighter.ts';

/** Reads the page's text once with a TreeWalker: nothing can highlight a page faster. */
function floor(): { ms: number; chars: number } {
  const t0 = performance.now();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let chars = 0;
  while (walker.nextNode()) chars += (walker.currentNode as Text).data.length;
  return { ms: performance.now() - t0, chars };
}

/** The whole highlighting pass: collect text, normalise, scan, build ranges, register highlights. */
function ours(compiledJson: string): { loadMs: number; passMs: number; matches: number; chars: number } {
  const t0 = performance.now();
  const dict = loadDictionary(JSON.parse(compiledJson) as CompiledDictionary);
  const t1 = performance.now();
  const stats = new PageHighlighter(dict, document).scan();
  const t2 = performance.now();
  return { loadMs: t1 - t0, passMs: t2 - t1, matches: stats.matches, chars: stats.textLength };
}

(globalThis as unknown as { __ngBench: unknown }).__ngBench = { floor, ours };
