/**
 * Bundled into one script and evaluated in benchmark pages: the content script's own dictionary
 * loader and highlighter, and the floor they are measured against.
 */
import { loadPackedDictionary, type PackedDictionary } from '../../src/core/stored-dictionary.ts';
import { PageHighlighter } from '../../src/page/highlighter.ts';
import { Scanner } from '../../src/core/scanner.ts';

/** Reads the page's text once with a TreeWalker: nothing can highlight a page faster. */
function floor(): { ms: number; chars: number } {
  const t0 = performance.now();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let chars = 0;
  while (walker.nextNode()) chars += (walker.currentNode as Text).data.length;
  return { ms: performance.now() - t0, chars };
}

/**
 * The whole highlighting pass: collect text, normalise, scan, build ranges, register highlights;
 * the dictionary given as storage keeps it (packed, as JSON text) and loaded as a page loads it.
 */
function ours(packedJson: string): { loadMs: number; passMs: number; matches: number; chars: number } {
  const t0 = performance.now();
  const dict = loadPackedDictionary(JSON.parse(packedJson) as PackedDictionary);
  const t1 = performance.now();
  const stats = new PageHighlighter(dict, document).scan();
  const t2 = performance.now();
  return { loadMs: t1 - t0, passMs: t2 - t1, matches: stats.matches, chars: stats.textLength };
}

/**
 * The per-character part of our pass alone: the page's text (read first, not timed) through the
 * normaliser and the automaton, then the kept matches chosen, with no DOM work. It is all that a
 * faster scanner (WebAssembly, say) could take over, so it bounds what one could save.
 */
function scanOnly(packedJson: string): { scanMs: number } {
  const dict = loadPackedDictionary(JSON.parse(packedJson) as PackedDictionary);
  const texts: string[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) texts.push((walker.currentNode as Text).data);
  const t0 = performance.now();
  const scanner = new Scanner(dict);
  for (const text of texts) {
    scanner.feed(text);
    scanner.boundary();
  }
  scanner.finish();
  return { scanMs: performance.now() - t0 };
}

(globalThis as unknown as { __ngBench: unknown }).__ngBench = { floor, ours, scanOnly };
