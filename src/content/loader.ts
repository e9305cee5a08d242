/**
 * Chromium's content script: imports content.js as a module from the extension's own files.
 *
 * Why: Chromium parses and compiles a content script named in the manifest on the page's main
 * thread, afresh in every new renderer. A script it fetches (this import) is parsed and compiled
 * on a worker thread while it streams in, every function of it included (the build heads it with
 * V8's hint, EAGER_COMPILE_HINT), where the main thread would compile each when first called.
 * content.js is web-accessible for that, to pages only under the address Chromium makes up for
 * each browser session (`use_dynamic_url`), which no page is told: a page cannot load it to
 * detect the extension.
 *
 * Should the import be refused (a page whose origin the browser does not let load it), the
 * background runs the same file as a classic script in this frame, compiled on the main thread
 * then, hint and all; content.js starts once per document either way (CONTENT_GLOBAL).
 */
import { browser, send } from '../platform/runtime.ts';
import { CONTENT_LOAD_GLOBAL, CONTENT_SCRIPT_FILE } from './script-files.ts';

const world = globalThis as unknown as Record<string, unknown>;

import(/* @vite-ignore */ browser.runtime.getURL(CONTENT_SCRIPT_FILE))
  .then(() => 'module', () => send({ type: 'content/load' }).then(() => 'classic'))
  // What a developer (and the tests) can read in this world: a fallback on every page would cost each its compile again.
  .then((how: string) => void (world[CONTENT_LOAD_GLOBAL] = how))
  // A context left behind by an extension update has nothing to load.
  .catch(() => undefined);
