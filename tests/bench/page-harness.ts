/**
 * Bundled into one script and evaluated in benchmark pages: the content script's own dictionary
 * loader and highlighter, and the floor they are measured against.
 */
import { loadPackedDictionary, type PackedDictionary } from '../../src/core/stored-dictionary.ts';
import { PageHighlighter } from '../../src/page/highlighter.ts';
import { Scanner } from '../../src/core/scanner.ts';
import { WasmScanner, makeScanner, prepareScanModule } from '../../src/core/wasm-scanner.ts';

/** Which scanner does the per-character work: the one the extension chooses (WebAssembly where it compiles), or JavaScript. */
export type Engine = 'chosen' | 'js';
const scannerFor = (engine: Engine) => (engine === 'js' ? (d: Parameters<typeof makeScanner>[0]) => new Scanner(d) : makeScanner);

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
 * The scanner's module compiles while the dictionary loads, as in the content script.
 */
async function ours(packedJson: string, engine: Engine = 'chosen'): Promise<{ loadMs: number; passMs: number; matches: number; chars: number; engine: string }> {
  const compiling = prepareScanModule();
  const t0 = performance.now();
  const dict = loadPackedDictionary(JSON.parse(packedJson) as PackedDictionary);
  const loadMs = performance.now() - t0;
  await compiling;
  const t1 = performance.now();
  const scanner = scannerFor(engine)(dict);
  const stats = new PageHighlighter(dict, document, () => null, scanner).scan();
  const t2 = performance.now();
  return { loadMs, passMs: t2 - t1, matches: stats.matches, chars: stats.textLength, engine: scanner instanceof WasmScanner ? 'wasm' : 'js' };
}

/**
 * The per-character part of our pass alone: the page's text (read first, not timed, as the
 * highlighter reads it) through the normaliser and the automaton, then the kept matches chosen,
 * with no DOM work. Timed for the WebAssembly scanner (its instantiation and table copy included)
 * and for the JavaScript one.
 */
async function scanOnly(packedJson: string, engine: Engine = 'chosen'): Promise<{ scanMs: number }> {
  const dict = loadPackedDictionary(JSON.parse(packedJson) as PackedDictionary);
  await prepareScanModule();
  const text = document.body.textContent ?? '';
  const t0 = performance.now();
  const scanner = scannerFor(engine)(dict);
  scanner.feed(text);
  scanner.finish();
  return { scanMs: performance.now() - t0 };
}

(globalThis as unknown as { __ngBench: unknown }).__ngBench = { floor, ours, scanOnly };
