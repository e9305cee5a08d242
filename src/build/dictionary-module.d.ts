/**
 * Types of `virtual:newsgloss-dictionary`, the module that vite-dictionary-plugin.ts generates from
 * `seeds/` at build time (tsconfig's `paths` points the virtual id here).
 */
import type { CompiledDictionary, EntityRecord, SeedArticle } from '../core/dictionary.ts';

export declare const compiled: CompiledDictionary;
export declare const records: EntityRecord[];
export declare const articles: SeedArticle[];
/** The seed articles' texts by file name, stored as coverage on install. */
export declare const seedTexts: Record<string, string>;
