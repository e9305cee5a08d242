/**
 * Exporting the reader's entities as a pack file (all, one pack, or those listed by the current
 * search) and importing a teammate's pack or a FollowTheMoney entity list: checked in full and
 * previewed (new, changed, in conflict, aliases left out and why), written all or nothing once
 * the reader confirms.
 */
import { useState } from 'preact/hooks';
import type { PackPreview } from '../background/dictionary-store.ts';
import { KIND_LABEL } from '../core/labels.ts';
import { MAX_PACK_BYTES, type DictionaryPack, type EntityProblem } from '../core/user-entities.ts';
import type { EntityKind } from '../core/dictionary.ts';
import { readReader } from '../platform/browser.ts';
import { askWorker, download, tokenOf } from './worker-client.ts';
import { FileChooser, FileRefused } from '../ui/file-import.tsx';

type State =
  | { step: 'idle' }
  | { step: 'reading'; name: string }
  | { step: 'preview'; name: string; file: File; preview: PackPreview }
  | { step: 'errors'; name: string; errors: EntityProblem[] }
  | { step: 'done'; result: PackPreview };

const failureOf = (reply: object): EntityProblem[] =>
  'errors' in reply ? (reply.errors as EntityProblem[]) : [{ where: '', message: 'failure' in reply ? String(reply.failure) : 'unexpected answer' }];

export function PackTransfer({ packs, listed, onImported, recompile }: {
  packs: DictionaryPack[]; listed: string[]; onImported: (message: string) => void; recompile: () => Promise<string>;
}) {
  const [state, setState] = useState<State>({ step: 'idle' });
  const [which, setWhich] = useState('all');
  const [exportStatus, setExportStatus] = useState('');

  async function exportPack(): Promise<void> {
    setExportStatus('Exporting…');
    const reply = await askWorker({
      kind: 'export', pack: which === 'all' || which === 'listed' ? null : which, ids: which === 'listed' ? listed : null, reader: await readReader(),
    });
    if (!('file' in reply)) return setExportStatus(`Not exported: ${failureOf(reply)[0].message}`);
    download(reply.file, reply.filename);
    setExportStatus(`Exported ${reply.count.toLocaleString('en')} ${reply.count === 1 ? 'entity' : 'entities'} as ${reply.filename}.`);
  }

  async function read(file: File): Promise<void> {
    if (file.size > MAX_PACK_BYTES) {
      return setState({ step: 'errors', name: file.name, errors: [{ where: '', message: `the file is ${(file.size / 1024 / 1024).toFixed(0)} MB; at most ${MAX_PACK_BYTES / 1024 / 1024} MB are read` }] });
    }
    setState({ step: 'reading', name: file.name });
    const reply = await askWorker({ kind: 'preview', file, token: tokenOf(file), readerId: (await readReader()).id });
    if ('preview' in reply) setState({ step: 'preview', name: file.name, file, preview: reply.preview });
    else setState({ step: 'errors', name: file.name, errors: failureOf(reply) });
  }

  async function confirm(file: File, name: string): Promise<void> {
    setState({ step: 'reading', name });
    const reply = await askWorker({ kind: 'import', file, token: tokenOf(file), readerId: (await readReader()).id });
    if (!('result' in reply)) return setState({ step: 'errors', name, errors: failureOf(reply) });
    setState({ step: 'done', result: reply.result });
    onImported(`Imported ${name}. ${await recompile()}`);
  }

  return (
    <section class="transfer" aria-label="Export and import">
      <h2>Share</h2>
      <div class="row">
        <label class="inline">Export
          <select name="export-which" value={which} onChange={(e) => setWhich((e.target as HTMLSelectElement).value)}>
            <option value="all">all your packs</option>
            <option value="listed">the entities listed by the search ({listed.length})</option>
            {packs.filter((p) => p.origin !== 'seed').map((p) => <option value={p.id}>{p.name}</option>)}
          </select>
        </label>
        <button type="button" name="export-pack" onClick={() => void exportPack()}>Export as a pack file</button>
      </div>
      <p class="status" role="status">{exportStatus}</p>
      <h2>Import</h2>
      <FileChooser name="import-pack" accept=".json,.jsonl,.ndjson,.ftm,application/json" onFile={(file) => void read(file)}
        label="A pack file from a teammate, or a FollowTheMoney entity list (JSON lines, as OpenSanctions and Aleph export them)" />
      {state.step === 'reading' && <p class="status">Reading {state.name}…</p>}
      {state.step === 'errors' && <FileRefused name={state.name} errors={state.errors} onClose={() => setState({ step: 'idle' })} />}
      {state.step === 'preview' && <Preview name={state.name} preview={state.preview}
        onConfirm={() => void confirm(state.file, state.name)} onCancel={() => setState({ step: 'idle' })} />}
      {state.step === 'done' && (
        <p class="status done" role="status">
          Imported into “{state.result.pack.name}”: {state.result.added} new, {state.result.updated} changed, {state.result.conflicts} in conflict, {state.result.unchanged} already here.
        </p>
      )}
    </section>
  );
}

function Preview({ name, preview: p, onConfirm, onCancel }: { name: string; preview: PackPreview; onConfirm: () => void; onCancel: () => void }) {
  return (
    <div class="preview" role="dialog" aria-label="Import preview">
      <p>
        <strong>{name}</strong> ({p.format === 'ftm' ? 'FollowTheMoney list' : 'dictionary pack'} “{p.pack.name}”{p.pack.exists ? ', a pack you have' : ', a new pack'})
        holds {p.total.toLocaleString('en')} {p.total === 1 ? 'entity' : 'entities'}
        {p.authors.length ? ` by ${p.authors.slice(0, 4).map((a) => `${a.name} (${a.count})`).join(', ')}` : ''}.
        {p.skipped ? ` ${p.skipped.toLocaleString('en')} records that are not names to highlight (relations, sanctions, records without a usable name) are left out.` : ''}
      </p>
      <p class="counts">New: {p.added} · Changed: {p.updated} · In conflict: {p.conflicts} · Already here: {p.unchanged}</p>
      {p.samples.length > 0 && (
        <ul class="samples">{p.samples.map((s) => <li>{s.change}: {KIND_LABEL[s.kind as EntityKind] ?? s.kind} “{s.name}”{s.author ? ` by ${s.author}` : ''}</li>)}</ul>
      )}
      {p.rejected.length > 0 && (
        <details open={p.rejected.length <= 10}>
          <summary>{p.rejected.length} {p.rejected.length === 1 ? 'alias' : 'aliases'} left out</summary>
          <ul class="rejected">{p.rejected.map((r) => <li>{r.entity}: “{r.alias}” {r.reason}</li>)}</ul>
        </details>
      )}
      {p.notes.length > 0 && <ul class="notes">{p.notes.map((n) => <li>{n}</li>)}</ul>}
      <div class="row">
        <button type="button" name="confirm-import" class="primary" onClick={onConfirm}>Import</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}
