/** Where the tests find the builds and the shared test data beside the project. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

// From the directory (not import.meta.url: a DOM test environment rewrites URLs).
export const ROOT = `${resolve(import.meta.dirname, '../..')}/`;
export const CHROME_BUILD = `${ROOT}dist/chrome`;
export const FIREFOX_BUILD = `${ROOT}dist/firefox`;
export const SEEDS_DIR = `${ROOT}seeds`;
/** Saved real news pages, beside the project (absent in a clone on its own). */
export const NEWS_PAGES_DIR = `${resolve(ROOT, '../shared/news-pages')}/`;
export const ANNOTATION_SCHEMAS_DIR = `${resolve(ROOT, '../shared/web-annotation-tests')}/`;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export const haveNewsPages = existsSync(NEWS_PAGES_DIR);
export const haveChromium = existsSync(CHROMIUM_PATH);
export const haveFirefox = existsSync(FIREFOX_PATH);
export const haveBuilds = existsSync(`${CHROME_BUILD}/manifest.json`) && existsSync(`${FIREFOX_BUILD}/manifest.json`);
