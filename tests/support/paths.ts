/** Where the tests find the builds and the shared test data beside the project. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROME_BUILD = `${ROOT}dist/chrome`;
export const FIREFOX_BUILD = `${ROOT}dist/firefox`;
export const SEEDS_DIR = `${ROOT}seeds`;
/** Saved real news pages, beside the project (absent in a clone on its own). */
export const NEWS_PAGES_DIR = fileURLToPath(new URL('../../../shared/news-pages/', import.meta.url));
export const ANNOTATION_SCHEMAS_DIR = fileURLToPath(new URL('../../../shared/web-annotation-tests/', import.meta.url));

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export const haveNewsPages = existsSync(NEWS_PAGES_DIR);
export const haveChromium = existsSync(CHROMIUM_PATH);
export const haveFirefox = existsSync(FIREFOX_PATH);
export const haveBuilds = existsSync(`${CHROME_BUILD}/manifest.json`) && existsSync(`${FIREFOX_BUILD}/manifest.json`);
