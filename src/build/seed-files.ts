/** Reads the catalogue and seed articles from the project's `seeds/` folder (Node only). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalogue, SeedArticle } from '../core/dictionary.ts';
import type { Seed } from './compile-dictionary.ts';

export function readSeedFolder(dir: string): { catalogue: Catalogue; seeds: Seed[] } {
  const catalogue = JSON.parse(readFileSync(join(dir, 'catalogue.json'), 'utf8')) as Catalogue;
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { articles: SeedArticle[] };
  const seeds = index.articles.map((meta) => ({ meta, text: readFileSync(join(dir, meta.file), 'utf8') }));
  return { catalogue, seeds };
}
