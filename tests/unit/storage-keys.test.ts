/**
 * Listing the keys in local storage reads no values where the browser can list keys alone: with a
 * reader's dictionary of 100,000 entities, `get(null)` reads 21 MB only to list it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('the keys in local storage', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('are listed with getKeys where the browser has it, and read whole only where it has not', async () => {
    const stored = { pausedSites: [], dictionary: { stamp: 's' }, 'hl:old': 1 };
    const get = vi.fn(async (keys: unknown) => (keys === null ? stored : {}));
    vi.stubGlobal('browser', { storage: { local: { get, getKeys: async () => Object.keys(stored) } } });
    const withKeys = await import('../../src/platform/browser.ts');
    expect(await withKeys.localStorageKeys()).toEqual(['pausedSites', 'dictionary', 'hl:old']);
    expect(get).not.toHaveBeenCalled();

    vi.resetModules();
    vi.stubGlobal('browser', { storage: { local: { get } } });
    const without = await import('../../src/platform/browser.ts');
    expect(await without.localStorageKeys()).toEqual(['pausedSites', 'dictionary', 'hl:old']);
    expect(get).toHaveBeenCalledWith(null);
  });
});
