/**
 * The extension API itself and the typed request to the background: a leaf module, so that
 * Chromium's content-script loader (src/content/loader.ts), which needs only these, builds to a
 * few lines instead of carrying what the rest of browser.ts imports.
 */
import type Browser from 'webextension-polyfill';
import type { MessageMap, MessageType, Request } from '../messages.ts';

/**
 * The promise-based `browser` namespace, which Firefox and Chrome from 148 (the manifest's
 * minimum) provide themselves. No polyfill: where the browser has the namespace the polyfill
 * does nothing, and bundling it still cost every page its parsing plus a copy of the namespace's
 * properties, which made Chrome set up every API binding on each page load.
 */
export const browser = (globalThis as unknown as { browser: Browser.Browser }).browser;
export type { Browser };

/** Sends one typed request to the background and returns its typed reply. */
export async function send<K extends MessageType>(request: Request<K>): Promise<MessageMap[K]['response']> {
  return (await browser.runtime.sendMessage(request)) as MessageMap[K]['response'];
}
