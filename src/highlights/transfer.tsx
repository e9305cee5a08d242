/**
 * Exporting the listed highlights (annotation file or Markdown) and importing a teammate's file:
 * the file is checked and summarised first (who, which pages, how many new, updated, in
 * conflict), and written only once the reader confirms. Errors say which annotation and field.
 */
import { useEffect, useState } from 'preact/hooks';
import { MAX_FILE_BYTES, type ExportFormat, type FileError } from '../core/annotation-file.ts';
import type { HighlightFilter } from '../core/highlights.ts';
import type { ImportPreview } from '../background/annotation-store.ts';
import { readReader, send } from '../platform/browser.ts';
import type { WorkerReply, WorkerRequest } from './transfer-worker.ts';
import { download } from '../ui/download.ts';
import { tokenOf, workerClient } from '../ui/worker-client.ts';
import { FileChooser, FileRefused } from '../ui/file-import.tsx';

/** Files are read, checked, written and built in a worker: the page never freezes on a large one. */
const ask = workerClient<WorkerRequest, WorkerReply>(() => new Worker(new URL('./transfer-worker.ts', import.meta.url), { type: 'module' }));

type State =
  | { step: 'idle' }
  | { step: 'reading'; name: string }
  | { step: 'preview'; name: string; file: File; preview: ImportPreview }
  | { step: 'errors'; name: string; errors: FileError[] }
  | { step: 'done'; result: ImportPreview };

export function Transfer({ filter, count, onImported }: { filter: HighlightFilter; count: number; onImported: () => void }) {
  const [state, setState] = useState<State>({ step: 'idle' });
  const [exportStatus, setExportStatus] = useState('');

  async function exportAs(format: ExportFormat): Promise<void> {
    setExportStatus('Exporting…');
    const reply = await ask({ kind: 'export', filter, format, reader: await readReader() });
    if (!('file' in reply)) {
      setExportStatus(`Not exported: ${'failure' in reply ? reply.failure : 'unexpected answer'}`);
      return;
    }
    download(reply.file, reply.filename);
    setExportStatus(`Exported ${reply.count} ${reply.count === 1 ? 'highlight' : 'highlights'} as ${reply.filename}.`);
  }

  async function read(file: File): Promise<void> {
    // The size is checked before a byte is read.
    if (file.size > MAX_FILE_BYTES) {
      setState({ step: 'errors', name: file.name, errors: [{ where: '', message: `the file is ${(file.size / 1024 / 1024).toFixed(0)} MB; at most ${MAX_FILE_BYTES / 1024 / 1024} MB are read` }] });
      return;
    }
    setState({ step: 'reading', name: file.name });
    const reply = await ask({ kind: 'preview', file, token: tokenOf(file), readerId: (await readReader()).id });
    if ('preview' in reply) setState({ step: 'preview', name: file.name, file, preview: reply.preview });
    else setState({ step: 'errors', name: file.name, errors: 'errors' in reply ? reply.errors : [{ where: '', message: 'failure' in reply ? reply.failure : 'unexpected answer' }] });
  }

  async function confirm(file: File, name: string, importOthers: boolean): Promise<void> {
    setState({ step: 'reading', name });
    const reply = await ask({ kind: 'import', file, token: tokenOf(file), readerId: (await readReader()).id, importOthers });
    if ('result' in reply) {
      setState({ step: 'done', result: reply.result });
      onImported();
      void send({ type: 'highlights/changed' }).catch(() => undefined);
    } else {
      setState({ step: 'errors', name, errors: 'errors' in reply ? reply.errors : [{ where: '', message: 'failure' in reply ? reply.failure : 'unexpected answer' }] });
    }
  }

  // Drag and drop anywhere on the page.
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      void read(file);
    };
    document.addEventListener('dragover', over);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragover', over);
      document.removeEventListener('drop', drop);
    };
  }, []);

  return (
    <section class="transfer" aria-label="Export and import">
      <div class="row">
        <button type="button" name="export-jsonld" onClick={() => void exportAs('jsonld')} disabled={count === 0}>Export {count} as annotation file</button>
        <button type="button" name="export-hypothesis" onClick={() => void exportAs('hypothesis')} disabled={count === 0} title="The JSON Hypothesis exports and imports">Export for Hypothesis</button>
        <button type="button" name="export-markdown" onClick={() => void exportAs('markdown')} disabled={count === 0}>Export as Markdown</button>
        <FileChooser name="import" accept=".jsonld,.json,application/ld+json,application/json" label="Import a file (or drop it here)" onFile={(file) => void read(file)} />
      </div>
      <p class="status" role="status">{exportStatus}</p>
      {state.step === 'reading' && <p class="status">Reading {state.name}…</p>}
      {state.step === 'errors' && <FileRefused name={state.name} errors={state.errors} onClose={() => setState({ step: 'idle' })} />}
      {state.step === 'preview' && (
        <div class="preview" role="dialog" aria-label="Import preview">
          <p>
            <strong>{state.name}</strong>{state.preview.label ? ` (${state.preview.label})` : ''} holds {state.preview.total}{' '}
            {state.preview.total === 1 ? 'annotation' : 'annotations'} by {state.preview.people.map((p) => `${p.name} (${p.count})`).join(', ')} on{' '}
            {state.preview.pages.length} {state.preview.pages.length === 1 ? 'page' : 'pages'}.
          </p>
          <p class="counts">
            New: {state.preview.added} · Updated: {state.preview.updated} · In conflict: {state.preview.conflicts} · Already here: {state.preview.unchanged}
          </p>
          <ul class="pages">
            {state.preview.pages.map((p) => <li key={p.source}>{p.title || p.source} ({p.count})</li>)}
          </ul>
          {state.preview.filled.length > 0 && (
            <p class="filled">
              Left out by the file and filled in: {state.preview.filled.map((f) => `${f.what} (${f.count})`).join('; ')}.
            </p>
          )}
          {state.preview.refusedTotal > 0 && (
            <div class="refused">
              <p>
                {state.preview.refusedTotal} {state.preview.refusedTotal === 1 ? 'annotation cannot' : 'annotations cannot'} be imported
                {state.preview.refusedTotal > state.preview.refused.length ? ` (the first ${state.preview.refused.length} listed)` : ''}:
              </p>
              <ul class="errors">
                {state.preview.refused.map((e, i) => <li key={i}>{e.where ? `${e.where}: ` : ''}{e.message}</li>)}
              </ul>
            </div>
          )}
          <div class="row">
            <button type="button" name="confirm-import" class="primary" onClick={() => void confirm(state.file, state.name, state.preview.refusedTotal > 0)}>
              {state.preview.refusedTotal > 0 ? `Import the other ${state.preview.total}` : 'Import'}
            </button>
            <button type="button" onClick={() => setState({ step: 'idle' })}>Cancel</button>
          </div>
        </div>
      )}
      {state.step === 'done' && (
        <p class="status done" role="status">
          Imported: {state.result.added} new, {state.result.updated} updated, {state.result.conflicts} in conflict, {state.result.unchanged} already here.
        </p>
      )}
    </section>
  );
}
