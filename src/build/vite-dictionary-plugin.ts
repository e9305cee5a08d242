/**
 * Vite plugin: compiles the dictionary from `seeds/` when the extension is built and offers it as
 * the module `virtual:newsgloss-dictionary`. A catalogue error fails the build.
 */
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { compileDictionary } from './compile-dictionary.ts';
import { readSeedFolder } from './seed-files.ts';

const ID = 'virtual:newsgloss-dictionary';
const RESOLVED = `\0${ID}`;

export function dictionaryPlugin(seedDir: string): Plugin {
  return {
    name: 'newsgloss-dictionary',
    resolveId(id) {
      return id === ID ? RESOLVED : undefined;
    },
    load(id) {
      if (id !== RESOLVED) return undefined;
      for (const f of ['catalogue.json', 'index.json']) this.addWatchFile(join(seedDir, f));
      const { catalogue, seeds } = readSeedFolder(seedDir);
      const { compiled, records, report } = compileDictionary(catalogue, seeds);
      if (report.errors.length) this.error(`dictionary: ${report.errors.join('; ')}`);
      if (report.uncoveredNames.length) {
        this.warn(`dictionary: ${report.uncoveredNames.length} capitalised words no entity covers (npm run dictionary)`);
      }
      return [
        `export const compiled = ${JSON.stringify(compiled)};`,
        `export const records = ${JSON.stringify(records)};`,
        `export const articles = ${JSON.stringify(seeds.map((s) => s.meta))};`,
        `export const seedTexts = ${JSON.stringify(Object.fromEntries(seeds.map((s) => [s.meta.file, s.text])))};`,
      ].join('\n');
    },
  };
}
