/**
 * Where WebAssembly is refused (Chromium holds a content script to the page's policy, and a page
 * may forbid compiling it), the scanner falls back to JavaScript and finds the same.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { loadDictionary } from '../../src/core/dictionary.ts';
import { Scanner } from '../../src/core/scanner.ts';
import { SEEDS_DIR } from '../support/paths.ts';

const refusal = () => {
  throw new WebAssembly.CompileError("WebAssembly.Module(): Refused to compile or instantiate WebAssembly module because 'wasm-unsafe-eval' is not an allowed source");
};

describe('a page that refuses WebAssembly', () => {
  afterAll(() => void vi.unstubAllGlobals());

  it('gets the JavaScript scanner, asynchronously and synchronously, with the same matches', async () => {
    const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
    const dict = loadDictionary(compileDictionary(catalogue, seeds).compiled);
    const expected = new Scanner(dict);
    expected.feed(seeds[0].text);
    const want = expected.finish();
    let attempts = 0;
    vi.stubGlobal('WebAssembly', {
      ...WebAssembly,
      Module: function Module() {
        attempts++;
        refusal();
      },
      compile: async () => {
        attempts++;
        refusal();
      },
    });
    const { makeScanner, prepareScanModule, scanModule, WasmScanner } = await import('../../src/core/wasm-scanner.ts');
    await prepareScanModule();
    expect(attempts).toBe(1);
    expect(scanModule()).toBeNull();
    const scanner = makeScanner(dict);
    expect(scanner).not.toBeInstanceOf(WasmScanner);
    // Refused once, not asked again for every scanner.
    makeScanner(dict);
    expect(attempts).toBe(1);
    scanner.feed(seeds[0].text);
    const got = scanner.finish();
    expect(got.length).toBeGreaterThan(10);
    expect(got).toEqual(want);
  });
});
