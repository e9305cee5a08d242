/**
 * Two builds from the one manifest.json: `vite build` (Chromium, MV3 service worker) into
 * dist/chrome and `vite build --mode firefox` (MV3 with background scripts and a gecko id) into
 * dist/firefox.
 */
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import baseManifest from './manifest.json' with { type: 'json' };
import { dictionaryPlugin } from './src/build/vite-dictionary-plugin.ts';
import { contentScriptPlugin } from './src/build/vite-content-script-plugin.ts';
import { watPlugin } from './src/build/vite-wat-plugin.ts';

/** The Firefox add-on id; tests pin its internal UUID through it. */
export const GECKO_ID = 'newsgloss@newsgloss.app';

function manifestFor(browser: 'chrome' | 'firefox'): ManifestV3Export {
  // Chrome from 148 has the promise-based `browser` namespace the extension uses without a polyfill.
  if (browser === 'chrome') return { ...baseManifest, minimum_chrome_version: '148' } as ManifestV3Export;
  const { background, ...rest } = baseManifest;
  return {
    ...rest,
    background: { scripts: [background.service_worker], type: background.type },
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: '142.0',
        data_collection_permissions: { required: ['none'] },
      },
    },
  } as unknown as ManifestV3Export;
}

export default defineConfig(({ mode }) => {
  const browser = mode === 'firefox' ? 'firefox' : 'chrome';
  const seedDir = new URL('./seeds/', import.meta.url).pathname;
  return {
    // The dictionary page's worker knows the seed pack too (its ids are reserved, its aliases known).
    worker: { format: 'es', plugins: () => [dictionaryPlugin(seedDir)] },
    plugins: [
      dictionaryPlugin(seedDir),
      watPlugin(),
      preact(),
      crx({ manifest: manifestFor(browser), browser }),
      contentScriptPlugin(
        {
          content: new URL('./src/content/index.ts', import.meta.url).pathname,
          loader: new URL('./src/content/loader.ts', import.meta.url).pathname,
          pageUi: new URL('./src/content/page-ui.ts', import.meta.url).pathname,
          extract: new URL('./src/content/extract-article.ts', import.meta.url).pathname,
          popup: new URL('./src/popup/main.tsx', import.meta.url).pathname,
        },
        new URL(`./dist/${browser}/`, import.meta.url).pathname,
        () => [preact()],
        browser,
      ),
    ],
    build: {
      outDir: `dist/${browser}`,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      // Extension pages the manifest does not name: the coverage timeline and reader, the saved highlights, the dictionary.
      rollupOptions: { input: { coverage: 'src/coverage/index.html', highlights: 'src/highlights/index.html', dictionary: 'src/dictionary/index.html' } },
    },
    legacy: { skipWebSocketTokenCheck: true },
  };
});
