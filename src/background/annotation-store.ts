/**
 * Exporting from and importing into the highlights store. An import is read and checked in full
 * first, then planned and written inside one readwrite transaction: either every change lands or
 * none does, and nothing else can write in between. Runs wherever the database can be opened: the
 * background, or the highlights page's worker (so a large file never blocks a page).
 */
import {
  parseAnnotationFile, planImport, toCollection, toMarkdown, type ImportPlan, type ParsedFile,
} from '../core/annotation-file.ts';
import { matchesFilter, type Creator, type HighlightFilter, type SavedHighlight } from '../core/highlights.ts';
import type { CoverageDb } from './coverage-db.ts';

/** What the reader sees before confirming an import. */
export interface ImportPreview {
  label: string | null;
  total: number;
  added: number;
  updated: number;
  conflicts: number;
  unchanged: number;
  /** Creators' names (or ids) with how many annotations each. */
  people: { name: string; count: number }[];
  /** Pages with how many annotations each, most first (at most 20). */
  pages: { source: string; title: string; count: number }[];
}

type HighlightStore = { get(id: string): Promise<SavedHighlight | undefined>; getAll(): Promise<SavedHighlight[]>; count(): Promise<number> };

/** The stored highlights with these ids: one read of the whole store when the file is large beside it, else one read per id. */
async function existingFor(store: HighlightStore, ids: readonly string[]): Promise<Map<string, SavedHighlight>> {
  const stored = await store.count();
  const wanted = new Set(ids);
  const found = ids.length * 4 > stored
    ? (await store.getAll()).filter((h) => wanted.has(h.id))
    : (await Promise.all(ids.map((id) => store.get(id)))).filter((h): h is SavedHighlight => h !== undefined);
  return new Map(found.map((h) => [h.id, h]));
}

function summarise(label: string | null, incoming: readonly SavedHighlight[], plan: ImportPlan): ImportPreview {
  const people = new Map<string, number>();
  const pages = new Map<string, { title: string; count: number }>();
  for (const h of incoming) {
    const who = h.creator.name || h.creator.id;
    people.set(who, (people.get(who) ?? 0) + 1);
    const p = pages.get(h.source) ?? { title: h.title, count: 0 };
    p.count++;
    pages.set(h.source, p);
  }
  return {
    label,
    total: incoming.length,
    added: plan.added.length,
    updated: plan.updated.length,
    conflicts: plan.conflicts.length,
    unchanged: plan.unchanged,
    people: [...people].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count),
    pages: [...pages].map(([source, p]) => ({ source, ...p })).sort((a, b) => b.count - a.count).slice(0, 20),
  };
}

/** Says what importing a read file would do; writes nothing. Throws AnnotationFileError. */
export async function previewParsed(db: CoverageDb, { highlights, label }: ParsedFile, readerId: string): Promise<ImportPreview> {
  const tx = db.transaction('highlights');
  const plan = planImport(await existingFor(tx.store, highlights.map((h) => h.id)), highlights, readerId);
  await tx.done;
  return summarise(label, highlights, plan);
}

/** Imports a read file in one transaction (all or nothing). Throws AnnotationFileError, leaving the store as it was. */
export async function applyParsed(db: CoverageDb, { highlights, label }: ParsedFile, readerId: string): Promise<ImportPreview> {
  const tx = db.transaction('highlights', 'readwrite');
  try {
    const plan = planImport(await existingFor(tx.store, highlights.map((h) => h.id)), highlights, readerId);
    const writes = [...plan.added, ...plan.updated, ...plan.conflicts].map((h) => tx.store.put(h));
    await Promise.all([...writes, tx.done]);
    return summarise(label, highlights, plan);
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already finished or aborted.
    }
    await tx.done.catch(() => undefined);
    throw error;
  }
}

export async function previewImport(db: CoverageDb, text: string, readerId: string): Promise<ImportPreview> {
  return previewParsed(db, parseAnnotationFile(text), readerId);
}

export async function applyImport(db: CoverageDb, text: string, readerId: string): Promise<ImportPreview> {
  return applyParsed(db, parseAnnotationFile(text), readerId);
}

export interface ExportedFile {
  text: string;
  count: number;
  filename: string;
  mime: string;
}

/** The highlights passing `filter`, as one JSON-LD AnnotationCollection or as Markdown. */
export async function exportHighlights(db: CoverageDb, filter: HighlightFilter, format: 'jsonld' | 'markdown', reader: Creator, now = new Date()): Promise<ExportedFile> {
  const all = await db.getAll('highlights');
  const chosen = all.filter((h) => matchesFilter(h, filter)).sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
  const stamp = now.toISOString().slice(0, 10);
  if (format === 'markdown') {
    return { text: toMarkdown(chosen), count: chosen.length, filename: `newsgloss-highlights-${stamp}.md`, mime: 'text/markdown' };
  }
  const label = reader.name ? `Highlights by ${reader.name}` : 'Newsgloss highlights';
  const text = JSON.stringify(toCollection(chosen, reader, label, now));
  return { text, count: chosen.length, filename: `newsgloss-highlights-${stamp}.jsonld`, mime: 'application/ld+json' };
}
