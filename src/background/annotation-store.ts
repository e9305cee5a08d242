/**
 * Exporting from and importing into the highlights store. An import is read and checked in full
 * first, then planned and written inside one readwrite transaction: either every change lands or
 * none does, and nothing else can write in between. Runs wherever the database can be opened: the
 * background, or the highlights page's worker (so a large file never blocks a page).
 */
import {
  AnnotationFileError, MAX_LISTED_REFUSALS, parseAnnotationFile, planImport, toCollection, toHypothesisExport, toMarkdown, type ExportFormat, type FileError, type ImportPlan, type ParsedFile,
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
  /** Annotations that cannot be imported, each with why (the first MAX_LISTED_REFUSALS), and how many in all. */
  refused: FileError[];
  refusedTotal: number;
  /** What was filled in where annotations left it out, and how often. */
  filled: { what: string; count: number }[];
  format: ParsedFile['format'];
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

function summarise({ label, refused, refusedTotal, filled, format }: ParsedFile, incoming: readonly SavedHighlight[], plan: ImportPlan): ImportPreview {
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
    refused: [...refused, ...plan.refused].slice(0, MAX_LISTED_REFUSALS),
    refusedTotal: refusedTotal + plan.refused.length,
    filled,
    format,
  };
}

/** Says what importing a read file would do, and what it would leave out; writes nothing. */
export async function previewParsed(db: CoverageDb, parsed: ParsedFile, readerId: string): Promise<ImportPreview> {
  const tx = db.transaction('highlights');
  const plan = planImport(await existingFor(tx.store, parsed.highlights.map((h) => h.id)), parsed.highlights, readerId);
  await tx.done;
  return summarise(parsed, parsed.highlights, plan);
}

/**
 * Imports a read file in one transaction. With annotations refused, nothing is written unless the
 * reader chose to import the others (`importOthers`): then those others land together, or none.
 * Throws AnnotationFileError (with the refusals), leaving the store as it was.
 */
export async function applyParsed(db: CoverageDb, parsed: ParsedFile, readerId: string, { importOthers = false } = {}): Promise<ImportPreview> {
  const tx = db.transaction('highlights', 'readwrite');
  try {
    const plan = planImport(await existingFor(tx.store, parsed.highlights.map((h) => h.id)), parsed.highlights, readerId);
    const refused = [...parsed.refused, ...plan.refused];
    if (refused.length && !importOthers) throw new AnnotationFileError(refused.slice(0, 20));
    const writes = [...plan.added, ...plan.updated, ...plan.conflicts].map((h) => tx.store.put(h));
    await Promise.all([...writes, tx.done]);
    return summarise(parsed, parsed.highlights, plan);
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

export async function applyImport(db: CoverageDb, text: string, readerId: string, options: { importOthers?: boolean } = {}): Promise<ImportPreview> {
  return applyParsed(db, parseAnnotationFile(text), readerId, options);
}

export interface ExportedFile {
  text: string;
  count: number;
  filename: string;
  mime: string;
}

/** The highlights passing `filter`, as one JSON-LD AnnotationCollection or as Markdown. */
export async function exportHighlights(db: CoverageDb, filter: HighlightFilter, format: ExportFormat, reader: Creator, now = new Date()): Promise<ExportedFile> {
  const all = await db.getAll('highlights');
  const chosen = all.filter((h) => matchesFilter(h, filter)).sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
  const stamp = now.toISOString().slice(0, 10);
  if (format === 'markdown') {
    return { text: toMarkdown(chosen), count: chosen.length, filename: `newsgloss-highlights-${stamp}.md`, mime: 'text/markdown' };
  }
  if (format === 'hypothesis') {
    const text = JSON.stringify(toHypothesisExport(chosen, reader, now));
    return { text, count: chosen.length, filename: `newsgloss-highlights-${stamp}.hypothesis.json`, mime: 'application/json' };
  }
  const label = reader.name ? `Highlights by ${reader.name}` : 'Newsgloss highlights';
  const text = JSON.stringify(toCollection(chosen, reader, label, now));
  return { text, count: chosen.length, filename: `newsgloss-highlights-${stamp}.jsonld`, mime: 'application/ld+json' };
}
