/**
 * Proposals from the stored coverage: names the dictionary lacks, by how many stored articles
 * name them, with the sentences. Accept (as proposed or after editing the name and kind) or
 * dismiss; dismissed ones stay dismissed. Computed in the page's worker.
 */
import { useEffect, useState } from 'preact/hooks';
import { openCoverageDb } from '../background/coverage-db.ts';
import { putEntity } from '../background/dictionary-store.ts';
import { ENTITY_KINDS, type EntityKind, type EntityRecord } from '../core/dictionary.ts';
import { KIND_LABEL, articleLine } from '../core/labels.ts';
import type { Proposal } from '../core/proposals.ts';
import { LOCAL_AUTHOR_ID, MINE_PACK_ID, readEntity } from '../core/user-entities.ts';
import { readReader } from '../platform/browser.ts';
import { askWorker } from './worker-client.ts';

const dbReady = openCoverageDb();

function ProposalItem({ p, seedIds, onDone }: { p: Proposal; seedIds: ReadonlySet<string>; onDone: (message: string, accepted: boolean) => void }) {
  const [name, setName] = useState(p.text);
  const [kind, setKind] = useState<EntityKind>(p.kind);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState('');
  const accept = async () => {
    const reader = await readReader();
    const sources = p.evidence.map((ev, i) => ({ file: `page-${i + 1}`, url: ev.url, title: ev.title, outlet: ev.outlet, lang: ev.lang, published: ev.published }));
    const read = readEntity({
      kind, name, description: '', aliases: p.forms.filter((f) => f !== name),
      sources, evidence: p.evidence.map((ev, i) => ({ file: `page-${i + 1}`, form: p.text, sentence: ev.sentence })),
    }, 'The proposal', { pack: MINE_PACK_ID, now: Date.now(), reservedIds: seedIds, author: { id: LOCAL_AUTHOR_ID, name: reader.name } });
    if (!read.entity) return setError([...read.errors.map((e) => e.message), ...read.rejected.map((r) => `“${r.alias}” ${r.reason}`)].join('; '));
    await putEntity(await dbReady, read.entity);
    onDone(`Added “${read.entity.name}” as ${KIND_LABEL[kind]}.`, true);
  };
  const dismiss = async () => {
    const db = await dbReady;
    await db.put('dismissed', { key: p.key, text: p.text, at: new Date().toISOString() });
    onDone(`Dismissed “${p.text}”; it will not be proposed again.`, false);
  };
  return (
    <li class="item proposal" data-proposal={p.key}>
      <div class="head">
        <span class={`kind kind-${p.kind}`}>{KIND_LABEL[p.kind]}</span> <strong>{p.text}</strong>
        <span class="meta"> · named in {p.articles} stored {p.articles === 1 ? 'article' : 'articles'}{p.forms.length ? ` · also written ${p.forms.join(', ')}` : ''}</span>
      </div>
      <ul class="evidence">
        {p.evidence.map((ev) => <li><q>{ev.sentence.slice(0, 300)}</q> <span class="meta">{ev.title ? `${ev.title} · ` : ''}{articleLine(ev)}</span></li>)}
      </ul>
      {editing && (
        <div class="row">
          <label class="inline">Name <input type="text" name="proposal-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
          <label class="inline">Kind
            <select name="proposal-kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as EntityKind)}>
              {ENTITY_KINDS.map((k) => <option value={k}>{KIND_LABEL[k]}</option>)}
            </select>
          </label>
        </div>
      )}
      {error && <p class="errors" role="alert">{error}</p>}
      <div class="row">
        <button type="button" class="primary" name="accept" onClick={() => void accept()}>{editing ? 'Add' : 'Accept'}</button>
        {!editing && <button type="button" name="edit" onClick={() => setEditing(true)}>Edit, then accept</button>}
        <button type="button" name="dismiss" onClick={() => void dismiss()}>Dismiss</button>
      </div>
    </li>
  );
}

export function Proposals({ all, onAccepted, recompile }: { all: EntityRecord[]; onAccepted: (message: string) => void; recompile: () => Promise<string> }) {
  const [list, setList] = useState<Proposal[] | null>(null);
  const [summary, setSummary] = useState('');
  const seedIds = new Set(all.filter((e) => e.pack === 'seed').map((e) => e.id));
  const load = async () => {
    const reply = await askWorker({ kind: 'proposals', limit: 100 });
    if ('proposals' in reply) {
      setList(reply.proposals);
      setSummary(`${reply.proposals.length} proposals from ${reply.articles.toLocaleString('en')} stored articles (${reply.ms} ms).`);
    } else setSummary(`Proposals could not be computed: ${'failure' in reply ? reply.failure : 'unexpected answer'}`);
  };
  useEffect(() => void load(), []);
  if (!list) return <p class="status">{summary || 'Reading the stored coverage…'}</p>;
  return (
    <section aria-label="Proposals from coverage">
      <p class="status" role="status">{summary}</p>
      {list.length === 0 && <p>No name is missing: every name that two stored articles share is in the dictionary or dismissed. Save more coverage from the popup.</p>}
      <ul class="proposals">
        {list.map((p) => (
          <ProposalItem key={p.key} p={p} seedIds={seedIds} onDone={(message, accepted) => {
            setList(list.filter((x) => x.key !== p.key));
            if (accepted) void recompile().then((m) => onAccepted(`${message} ${m}`));
            else setSummary(message);
          }} />
        ))}
      </ul>
    </section>
  );
}
