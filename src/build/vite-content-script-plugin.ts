/**
 * Vite plugin: builds the content script, its reader-facing part and the article extractor as
 * classic scripts, and the popup's script as one file (see POPUP_SCRIPT_FILE), and points
 * the built manifest at the content script. The bundler's own way (a loader that imports module
 * chunks) needs those chunks listed as web-accessible resources, which lets any page detect the
 * extension and its exact build by loading them; single classic files need nothing web-accessible
 * (the background injects the extractor with scripting.executeScript when a reader saves, and the
 * reader-facing part when the content script first needs it).
 *
 * Chromium's build names a loader of our own instead (see loader.ts), which imports content.js:
 * that one file is web-accessible there, under the session's random address only
 * (`use_dynamic_url`), so that no page can load it.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin, type PluginOption } from 'vite';
import { watPlugin } from './vite-wat-plugin.ts';
import { CONTENT_LOADER_FILE, CONTENT_SCRIPT_FILE, EXTRACT_SCRIPT_FILE, PAGE_UI_SCRIPT_FILE, POPUP_SCRIPT_FILE } from '../content/script-files.ts';


/** V8's hint to compile all of a script's functions with the script itself (other engines read a comment). */
export const EAGER_COMPILE_HINT = '//# allFunctionsCalledOnLoad';

interface BuiltManifest {
  content_scripts?: { js?: string[]; matches?: string[] }[];
  web_accessible_resources?: { resources: string[]; matches?: string[]; use_dynamic_url?: boolean }[];
}

export function contentScriptPlugin(
  entries: { content: string; loader: string; pageUi: string; extract: string; popup: string },
  outDir: string,
  pagePlugins: () => PluginOption[],
  browser: 'chrome' | 'firefox',
): Plugin {
  return {
    name: 'newsgloss-content-script',
    apply: 'build',
    enforce: 'post',
    async closeBundle() {
      /** One script file with all it imports, run as an immediately called function (minified whole; the bundler's ES library output keeps the whitespace). */
      const buildScript = (entry: string, file: string, plugins: PluginOption[]) => build({
        configFile: false,
        logLevel: 'warn',
        plugins,
        build: {
          outDir,
          emptyOutDir: false,
          target: 'es2022',
          minify: true,
          copyPublicDir: false,
          lib: { entry, formats: ['iife'], name: 'newsgloss', fileName: () => file },
        },
      });
      const scripts = [[entries.content, CONTENT_SCRIPT_FILE], [entries.pageUi, PAGE_UI_SCRIPT_FILE], [entries.extract, EXTRACT_SCRIPT_FILE]];
      if (browser === 'chrome') scripts.push([entries.loader, CONTENT_LOADER_FILE]);
      for (const [entry, file] of scripts) await buildScript(entry, file, [watPlugin()]);
      if (browser === 'chrome') {
        // Imported by the loader, content.js is compiled on a worker thread while it streams in:
        // asking V8 to compile every function there too spares the page's main thread compiling
        // each one when first called (see loader.ts).
        const content = join(outDir, CONTENT_SCRIPT_FILE);
        writeFileSync(content, `${EAGER_COMPILE_HINT}\n${readFileSync(content, 'utf8')}`);
      }
      // The popup opens cold more often than not: one file, fetched and run as soon as the page is parsed.
      await buildScript(entries.popup, POPUP_SCRIPT_FILE, pagePlugins());
      const path = join(outDir, 'manifest.json');
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as BuiltManifest;
      const loaders = new Set(manifest.content_scripts?.flatMap((c) => c.js ?? []) ?? []);
      const exposed = new Set(manifest.web_accessible_resources?.flatMap((w) => w.resources) ?? []);
      for (const c of manifest.content_scripts ?? []) c.js = [browser === 'chrome' ? CONTENT_LOADER_FILE : CONTENT_SCRIPT_FILE];
      delete manifest.web_accessible_resources;
      if (browser === 'chrome') {
        const matches = [...new Set(manifest.content_scripts?.flatMap((c) => c.matches ?? []) ?? [])];
        manifest.web_accessible_resources = [{ resources: [CONTENT_SCRIPT_FILE], matches, use_dynamic_url: true }];
      }
      writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
      // The loader was only ever the content script's; the chunks it imported may be shared with pages.
      for (const file of loaders) rmSync(join(outDir, file), { force: true });
      if (exposed.size === 0) this.warn('content script: the bundler exposed no chunks; check that its loader is still replaced');
    },
  };
}
