/**
 * Bundled into one script and evaluated in benchmark pages: the content script's own dictionary
 * loader and highlighter, and the floor they are measured against.
 */
import { packedDictionarySteps, type PackedDictionary } from '../../src/core/stored-dictionary.ts';
import { runSteps } from '../../src/core/steps.ts';
import type { RuntimeDictionary } from '../../src/core/dictionary.ts';
import { PageHighlighter } from '../../src/page/highlighter.ts';
import { Scanner } from '../../src/core/scanner.ts';
import { WasmScanner, makeScanner, moduleAutomatonLoader, prepareScanModule, scanModule } from '../../src/core/wasm-scanner.ts';

/** Which scanner does the per-character work: the one the extension chooses (WebAssembly where it compiles), or JavaScript. */
export type Engine = 'chosen' | 'js';
const scannerFor = (engine: Engine) => (engine === 'js' ? (d: RuntimeDictionary) => new Scanner(d) : makeScanner);

/**
 * The dictionary as the content script unpacks it: once the module has compiled, its automaton
 * straight into the module's memory; for the JavaScript scanner, into JavaScript tables.
 */
async function unpack(packedJson: string, engine: Engine): Promise<{ dict: RuntimeDictionary; loadMs: number }> {
  await prepareScanModule();
  const module = engine === 'chosen' ? scanModule() : null;
  const t0 = performance.now();
  const dict = runSteps(packedDictionarySteps(JSON.parse(packedJson) as PackedDictionary, module ? moduleAutomatonLoader(module) : undefined));
  return { dict, loadMs: performance.now() - t0 };
}

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
async function ours(packedJson: string, engine: Engine = 'chosen'): Promise<{ loadMs: number; passMs: number; matches: number; chars: number; engine: string }> {
  const { dict, loadMs } = await unpack(packedJson, engine);
  const t1 = performance.now();
  const scanner = scannerFor(engine)(dict);
  const stats = new PageHighlighter(dict, document, () => null, scanner).scan();
  const t2 = performance.now();
  return { loadMs, passMs: t2 - t1, matches: stats.matches, chars: stats.textLength, engine: scanner instanceof WasmScanner ? 'wasm' : 'js' };
}

/**
 * The per-character part of our pass alone: the page's text (read first, not timed, as the
 * highlighter reads it) through the normaliser and the automaton, then the kept matches chosen,
 * with no DOM work. Timed for the WebAssembly scanner (on the instance the dictionary was
 * unpacked into) and for the JavaScript one.
 */
async function scanOnly(packedJson: string, engine: Engine = 'chosen'): Promise<{ scanMs: number }> {
  const { dict } = await unpack(packedJson, engine);
  const text = document.body.textContent ?? '';
  const t0 = performance.now();
  const scanner = scannerFor(engine)(dict);
  scanner.feed(text);
  scanner.finish();
  return { scanMs: performance.now() - t0 };
}

(globalThis as unknown as { __ngBench: unknown }).__ngBench = { floor, ours, scanOnly };
