/**
 * The classic scripts the build writes beside the extension's pages, and the name the article
 * extractor leaves its function under: shared by the build, the background and the scripts.
 */

/**
 * The content script every http(s) page runs: named in Firefox's manifest, loaded by
 * CONTENT_LOADER_FILE in Chromium.
 */
export const CONTENT_SCRIPT_FILE = 'content.js';

/**
 * Chromium's manifest names this loader instead, which imports CONTENT_SCRIPT_FILE as a module:
 * Chromium compiles a script it fetches off the page's main thread, never one named in the
 * manifest (see loader.ts).
 */
export const CONTENT_LOADER_FILE = 'content-loader.js';

/**
 * Set in the extension's world of a page once a content session started there: the loader's
 * fallback may run content.js a second time in the same document.
 */
export const CONTENT_GLOBAL = 'newsglossContentSession';

/** How the loader had content.js run in this document, once it ran: 'module' (imported) or 'classic' (the fallback). */
export const CONTENT_LOAD_GLOBAL = 'newsglossContentLoad';

/** The article extractor, injected into a tab only when the reader saves an article. */
export const EXTRACT_SCRIPT_FILE = 'extract.js';

/** Where extract.js leaves its function: in the extension's own world of the page, never the page's. */
export const EXTRACT_GLOBAL = 'newsglossExtractArticle';

/**
 * The content script's reader-facing part (hover card, note editor, saved-highlight layer and
 * anchoring), injected into a frame only when its reader first hovers, selects or has saved
 * highlights there: a page nobody interacts with never compiles it.
 */
export const PAGE_UI_SCRIPT_FILE = 'page-ui.js';

/** Where page-ui.js leaves its parts: in the extension's own world of the page, never the page's. */
export const PAGE_UI_GLOBAL = 'newsglossPageUi';

/**
 * The popup's script, built as one file with all it imports, named in its HTML: the bundler's
 * shared chunks made the popup fetch nine files before its first line ran.
 */
export const POPUP_SCRIPT_FILE = 'popup.js';
