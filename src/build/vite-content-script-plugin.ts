/**
 * Vite plugin: builds the content script, its reader-facing part and the article extractor as
 * classic scripts, and the popup's script as one file (see POPUP_SCRIPT_FILE), and points
 * the built manifest at the content script. The bundler's own way (a loader that imports module
 * chunks) needs those chunks listed as web-accessible resources, which lets any page detect the
 * extension and its exact build by loading them; single classic files need nothing web-accessible
 * (the background injects the extractor with scripting.executeScript when a reader saves, and the
 * reader-facing part when the content script first needs it).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin, type PluginOption } from 'vite';
import { watPlugin } from './vite-wat-plugin.ts';
import { CONTENT_SCRIPT_FILE, EXTRACT_SCRIPT_FILE, PAGE_UI_SCRIPT_FILE, POPUP_SCRIPT_FILE } from '../content/script-files.ts';


interface BuiltManifest {
  content_scripts?: { js?: string[] }[];
  web_accessible_resources?: { resources: string[] }[];
}

export function contentScriptPlugin(entries: { content: string; pageUi: string; extract: string; popup: string }, outDir: string, pagePlugins: () => PluginOption[]): Plugin {
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
      for (const [entry, file] of [[entries.content, CONTENT_SCRIPT_FILE], [entries.pageUi, PAGE_UI_SCRIPT_FILE], [entries.extract, EXTRACT_SCRIPT_FILE]]) {
        await buildScript(entry, file, [watPlugin()]);
      }
      // The popup opens cold more often than not: one file, fetched and run as soon as the page is parsed.
      await buildScript(entries.popup, POPUP_SCRIPT_FILE, pagePlugins());
      const path = join(outDir, 'manifest.json');
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as BuiltManifest;
      const loaders = new Set(manifest.content_scripts?.flatMap((c) => c.js ?? []) ?? []);
      const exposed = new Set(manifest.web_accessible_resources?.flatMap((w) => w.resources) ?? []);
      for (const c of manifest.content_scripts ?? []) c.js = [CONTENT_SCRIPT_FILE];
      delete manifest.web_accessible_resources;
      writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
      // The loader was only ever the content script's; the chunks it imported may be shared with pages.
      for (const file of loaders) rmSync(join(outDir, file), { force: true });
      if (exposed.size === 0) this.warn('content script: the bundler exposed no chunks; check that its loader is still replaced');
    },
  };
}
