/**
 * The highlights page's worker for annotation files: reading, checking, planning and writing an
 * import, and building an export, off the page's main thread (a file of 10,000 annotations takes
 * longer to parse than a page may freeze). It opens the same database as the background.
 */
import { AnnotationFileError, parseAnnotationFile, type ExportFormat, type FileError, type ParsedFile } from '../core/annotation-file.ts';
import type { Creator, HighlightFilter } from '../core/highlights.ts';
import { applyParsed, exportHighlights, previewParsed, type ImportPreview } from '../background/annotation-store.ts';
import { openCoverageDb, type CoverageDb } from '../background/coverage-db.ts';

export type WorkerRequest =
  | { id: number; kind: 'preview'; file: File; token: number; readerId: string }
  | { id: number; kind: 'import'; file: File; token: number; readerId: string; importOthers: boolean }
  | { id: number; kind: 'export'; filter: HighlightFilter; format: ExportFormat; reader: Creator };

export type WorkerReply =
  | { id: number; preview: ImportPreview }
  | { id: number; result: ImportPreview }
  | { id: number; errors: FileError[] }
  | { id: number; file: Blob; filename: string; count: number }
  | { id: number; failure: string };

let db: Promise<CoverageDb> | null = null;
/**
 * The file last previewed, read once: importing it right after does not read and check it again.
 * Known by the page's token (a File arrives here as a new copy with every message).
 */
let lastRead: { token: number; parsed: ParsedFile } | null = null;

async function read(file: File, token: number): Promise<ParsedFile> {
  if (lastRead?.token === token) return lastRead.parsed;
  const parsed = parseAnnotationFile(await file.text());
  lastRead = { token, parsed };
  return parsed;
}

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  db ??= openCoverageDb();
  const store = await db;
  try {
    if (req.kind === 'export') {
      const out = await exportHighlights(store, req.filter, req.format, req.reader);
      return { id: req.id, file: new Blob([out.text], { type: out.mime }), filename: out.filename, count: out.count };
    }
    const parsed = await read(req.file, req.token);
    if (req.kind === 'preview') return { id: req.id, preview: await previewParsed(store, parsed, req.readerId) };
    const result = await applyParsed(store, parsed, req.readerId, { importOthers: req.importOthers });
    lastRead = null;
    return { id: req.id, result };
  } catch (error) {
    if (error instanceof AnnotationFileError) return { id: req.id, errors: error.errors };
    return { id: req.id, failure: error instanceof Error ? error.message : String(error) };
  }
}

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  void handle(e.data).then((reply) => self.postMessage(reply));
};
