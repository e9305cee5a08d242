/**
 * The dictionary page: every entity of every pack, searchable by name and alias and filtered by
 * kind and pack; the reader's own entities added, edited and removed; packs switched on and off,
 * exported and imported (with a preview); proposals from the stored coverage. Reads the database
 * directly (an extension page may); after each change the background compiles the dictionary
 * again and open tabs follow.
 */
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { records as seedRecords } from 'virtual:newsgloss-dictionary';
import { openCoverageDb, type CoverageDb } from '../background/coverage-db.ts';
import { deleteEntity, deletePack, listPacks, putEntity, resolveEntity, setPackEnabled } from '../background/dictionary-store.ts';
import { ENTITY_KINDS, SEED_PACK_ID, type EntityKind, type EntityRecord } from '../core/dictionary.ts';
import { KIND_LABEL, KIND_PLURAL } from '../core/labels.ts';
import { normalize } from '../core/normalize.ts';
import { LOCAL_AUTHOR_ID, MINE_PACK_ID, readEntity, type DictionaryPack, type UserEntity } from '../core/user-entities.ts';
import { readReader, send } from '../platform/browser.ts';
import { PackTransfer } from './packs.tsx';
import { Proposals } from './proposals.tsx';

const dbReady: Promise<CoverageDb> = openCoverageDb();
const seedIds: ReadonlySet<string> = new Set(seedRecords.map((r) => r.id));
const PAGE = 200;

/** Tells the background to compile again; says which aliases another entity keeps. */
async function recompile(): Promise<string> {
  const { entities, skipped } = await send({ type: 'dictionary/changed' });
  const taken = skipped.slice(0, 5).map((s) => `"${s.alias}" stays with ${s.owner}`);
  return `${entities.toLocaleString('en')} entities in use.${taken.length ? ` Aliases another entity already has: ${taken.join('; ')}${skipped.length > 5 ? '…' : ''}.` : ''}`;
}

interface Loaded {
  packs: DictionaryPack[];
  entities: EntityRecord[];
}

async function loadAll(): Promise<Loaded> {
  const db = await dbReady;
  const [packs, user] = await Promise.all([listPacks(db), db.getAll('entities')]);
  return { packs, entities: [...seedRecords, ...user] };
}

/** The alias rows of the entity form. */
interface AliasRow {
  text: string;
  lang: string;
  ambiguous: boolean;
  needsTopic: boolean;
}

interface Draft {
  kind: EntityKind;
  name: string;
  description: string;
  aliases: AliasRow[];
  context: string;
}

const emptyDraft = (): Draft => ({ kind: 'person', name: '', description: '', aliases: [{ text: '', lang: '', ambiguous: false, needsTopic: false }], context: '' });

function draftOf(e: EntityRecord, byId: Map<string, EntityRecord>): Draft {
  return {
    kind: e.kind, name: e.name, description: e.description,
    aliases: [...e.aliases.filter((a) => a.text !== e.name && !a.pattern).map((a) => ({ text: a.text, lang: a.lang ?? '', ambiguous: a.ambiguous === true, needsTopic: a.needsTopic === true })), { text: '', lang: '', ambiguous: false, needsTopic: false }],
    context: (e.contextFrom ?? []).map((id) => byId.get(id)?.name ?? id).join(', '),
  };
}

function EntityForm({ editing, all, onDone, onCancel }: { editing: UserEntity | null; all: EntityRecord[]; onDone: (message: string) => void; onCancel: () => void }) {
  const byId = useMemo(() => new Map(all.map((e) => [e.id, e])), [all]);
  const [draft, setDraft] = useState<Draft>(() => (editing ? draftOf(editing, byId) : emptyDraft()));
  const [problems, setProblems] = useState<string[]>([]);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const setAlias = (i: number, patch: Partial<AliasRow>) => {
    const aliases = draft.aliases.map((a, j) => (j === i ? { ...a, ...patch } : a));
    if (aliases[aliases.length - 1].text.trim()) aliases.push({ text: '', lang: '', ambiguous: false, needsTopic: false });
    set({ aliases });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const byName = new Map(all.map((x) => [normalize(x.name), x.id]));
    const context: string[] = [];
    const unknown: string[] = [];
    for (const part of draft.context.split(',').map((s) => s.trim()).filter(Boolean)) {
      const id = byId.has(part) ? part : byName.get(normalize(part));
      if (id) context.push(id);
      else unknown.push(part);
    }
    if (unknown.length) return setProblems([`Context entities not in the dictionary: ${unknown.join(', ')}`]);
    const reader = await readReader();
    const read = readEntity({
      ...(editing ? { id: editing.id, created: editing.created } : {}),
      kind: draft.kind, name: draft.name, description: draft.description,
      aliases: draft.aliases.filter((a) => a.text.trim()).map((a) => ({ text: a.text.trim(), ...(a.lang.trim() ? { lang: a.lang.trim() } : {}), ...(a.ambiguous ? { ambiguous: true } : {}), ...(a.needsTopic ? { needsTopic: true } : {}) })),
      contextFrom: context,
      ...(editing?.sources ? { sources: editing.sources, evidence: editing.evidence } : {}),
    }, 'This entity', {
      pack: editing?.pack ?? MINE_PACK_ID, now: Date.now(), reservedIds: seedIds,
      author: editing?.author ?? { id: LOCAL_AUTHOR_ID, name: reader.name },
    });
    const rejected = read.rejected.map((r) => `Alias "${r.alias}" ${r.reason}.`);
    if (!read.entity) return setProblems([...read.errors.map((x) => `${x.where}: ${x.message}`), ...rejected]);
    const entity: UserEntity = editing
      ? { ...read.entity, created: editing.created, modified: new Date().toISOString(), syncBase: editing.syncBase, conflicts: editing.conflicts }
      : read.entity;
    await putEntity(await dbReady, entity);
    const compiled = await recompile();
    onDone(`${editing ? 'Saved' : 'Added'} “${entity.name}”. ${rejected.join(' ')} ${compiled}`.trim());
  };

  return (
    <form class="entity-form" aria-label={editing ? `Edit ${editing.name}` : 'Add an entity'} onSubmit={(e) => void submit(e)}>
      <h2>{editing ? `Edit “${editing.name}”` : 'Add an entity'}</h2>
      <div class="grid">
        <label>Kind
          <select name="kind" value={draft.kind} onChange={(e) => set({ kind: (e.target as HTMLSelectElement).value as EntityKind })}>
            {ENTITY_KINDS.map((k) => <option value={k}>{KIND_LABEL[k]}</option>)}
          </select>
        </label>
        <label>Name
          <input type="text" name="name" required maxLength={300} value={draft.name} onInput={(e) => set({ name: (e.target as HTMLInputElement).value })} />
        </label>
      </div>
      <label>Description
        <textarea name="description" maxLength={4000} value={draft.description} onInput={(e) => set({ description: (e.target as HTMLTextAreaElement).value })} />
      </label>
      <fieldset>
        <legend>Other names (aliases)</legend>
        {draft.aliases.map((a, i) => (
          <div class="alias-row">
            <input type="text" name="alias" aria-label={`Alias ${i + 1}`} placeholder="Another name, spelling or script" value={a.text}
              onInput={(e) => setAlias(i, { text: (e.target as HTMLInputElement).value })} />
            <input type="text" name="alias-lang" aria-label={`Language of alias ${i + 1}`} placeholder="lang" size={5} value={a.lang}
              onInput={(e) => setAlias(i, { lang: (e.target as HTMLInputElement).value })} />
            <label class="inline"><input type="checkbox" name="alias-ambiguous" checked={a.ambiguous}
              onChange={(e) => setAlias(i, { ambiguous: (e.target as HTMLInputElement).checked })} /> ambiguous alone</label>
            <label class="inline"><input type="checkbox" name="alias-needs-topic" checked={a.needsTopic}
              onChange={(e) => setAlias(i, { needsTopic: (e.target as HTMLInputElement).checked })} /> other senses</label>
          </div>
        ))}
        <p class="hint">An ambiguous alias (a bare surname) counts only on pages that also name the entity in full or one of its context entities. An alias with other senses (a city that is also a surname, an acronym shared with a TV channel) counts only on pages about the story: they name the entity otherwise, a context entity, or two other entities of which one is more than a country or a topic.</p>
      </fieldset>
      <label>Context entities (names, comma-separated)
        <input type="text" name="context" list="entity-names" value={draft.context} onInput={(e) => set({ context: (e.target as HTMLInputElement).value })} />
      </label>
      {problems.length > 0 && <ul class="errors" role="alert">{problems.map((p) => <li>{p}</li>)}</ul>}
      <div class="row">
        <button type="submit" class="primary">{editing ? 'Save' : 'Add'}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

function EntityItem({ e, pack, all, onChanged }: { e: EntityRecord; pack: DictionaryPack | undefined; all: EntityRecord[]; onChanged: (message: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const user = e.pack !== SEED_PACK_ID ? (e as UserEntity) : null;
  if (editing && user) return <li class="item"><EntityForm editing={user} all={all} onCancel={() => setEditing(false)} onDone={(m) => { setEditing(false); onChanged(m); }} /></li>;
  const others = e.aliases.filter((a) => a.text !== e.name);
  const remove = async () => {
    if (!confirm) return setConfirm(true);
    await deleteEntity(await dbReady, e.id);
    onChanged(`Removed “${e.name}”. ${await recompile()}`);
  };
  const resolve = async (adopt: number) => {
    await resolveEntity(await dbReady, e.id, adopt);
    onChanged(`Conflict on “${e.name}” resolved. ${await recompile()}`);
  };
  return (
    <li class={`item kind-${e.kind}`} id={`entity-${e.id}`} data-entity={e.id}>
      <div class="head">
        <span class={`kind kind-${e.kind}`}>{KIND_LABEL[e.kind]}</span> <strong class="name">{e.name}</strong>
        <span class="meta"> · {pack?.name ?? e.pack}{e.author ? ` · by ${e.author.id === LOCAL_AUTHOR_ID ? 'you' : e.author.name || 'a teammate'}` : ''}</span>
      </div>
      {e.description && <p class="description">{e.description}</p>}
      {others.length > 0 && (
        <p class="aliases">Also: {others.map((a, i) => <span>{i ? ' · ' : ''}{a.text}{a.lang ? <span class="lang"> {a.lang}</span> : null}{a.ambiguous ? <span class="lang"> (ambiguous)</span> : null}</span>)}</p>
      )}
      {e.evidence.length > 0 && (
        <p class="meta">Named in: {e.evidence.slice(0, 2).map((ev) => `“${ev.sentence.slice(0, 140)}”`).join(' ')}</p>
      )}
      {e.source && !e.evidence.length && <p class="meta">Source: {e.source}</p>}
      {user?.conflicts?.map((c, i) => (
        <div class="conflict" role="group" aria-label="Conflicting version">
          <p><strong>Another version</strong> by {c.author?.name || 'a teammate'}, {c.modified.slice(0, 10)}: {KIND_LABEL[c.kind]} “{c.name}” — {c.description || 'no description'}; aliases: {c.aliases.map((a) => a.text).join(', ')}</p>
          <div class="row">
            <button type="button" onClick={() => void resolve(-1)}>Keep the version above</button>
            <button type="button" onClick={() => void resolve(i)}>Use this version</button>
          </div>
        </div>
      ))}
      {user && (
        <div class="row">
          <button type="button" onClick={() => setEditing(true)}>Edit</button>
          <button type="button" class="danger" onClick={() => void remove()}>{confirm ? 'Remove for good?' : 'Remove'}</button>
        </div>
      )}
    </li>
  );
}

type Tab = 'entities' | 'packs' | 'proposals';

function App() {
  const [data, setData] = useState<Loaded | null>(null);
  const [text, setText] = useState('');
  const [kind, setKind] = useState('');
  const [pack, setPack] = useState('');
  const [shown, setShown] = useState(PAGE);
  const [adding, setAdding] = useState(false);
  const [status, setStatus] = useState('');
  const [tab, setTab] = useState<Tab>('entities');
  const focus = new URLSearchParams(location.search).get('entity');

  const reload = async (message?: string) => {
    setData(await loadAll());
    if (message !== undefined) setStatus(message);
  };
  useEffect(() => {
    void reload().then(() => {
      document.getElementById('app')?.setAttribute('aria-busy', 'false');
      document.body.dataset.ready = 'true';
    });
  }, []);
  useEffect(() => {
    if (focus && data) document.getElementById(`entity-${focus}`)?.scrollIntoView({ block: 'center' });
  }, [data === null]);

  const packById = useMemo(() => new Map((data?.packs ?? []).map((p) => [p.id, p])), [data]);
  const filtered = useMemo(() => {
    if (!data) return [];
    const q = normalize(text.trim());
    return data.entities.filter((e) =>
      (!kind || e.kind === kind) && (!pack || e.pack === pack) && (!focus || text || kind || pack || e.id === focus) &&
      (!q || normalize(e.name).includes(q) || e.aliases.some((a) => normalize(a.text).includes(q)) || normalize(e.description).includes(q)));
  }, [data, text, kind, pack]);

  if (!data) return <p class="status">Loading the dictionary…</p>;
  const togglePack = async (p: DictionaryPack, enabled: boolean) => {
    await setPackEnabled(await dbReady, p.id, enabled);
    await reload(`${p.name} ${enabled ? 'switched on' : 'switched off'}. ${await recompile()}`);
  };
  const removePack = async (p: DictionaryPack) => {
    const removed = await deletePack(await dbReady, p.id);
    await reload(`${p.name} removed with its ${removed} entities. ${await recompile()}`);
  };
  const counts = new Map<string, number>();
  for (const e of data.entities) counts.set(e.pack, (counts.get(e.pack) ?? 0) + 1);

  return (
    <>
      <h1>Dictionary</h1>
      <nav class="tabs" role="tablist">
        {(['entities', 'packs', 'proposals'] as const).map((t) => (
          <button type="button" role="tab" aria-selected={tab === t} class={tab === t ? 'current' : ''} onClick={() => setTab(t)}>
            {t === 'entities' ? `Entities (${data.entities.length.toLocaleString('en')})` : t === 'packs' ? 'Packs and files' : 'Proposals from coverage'}
          </button>
        ))}
      </nav>
      <p class="status" role="status">{status}</p>
      {tab === 'entities' && (
        <section>
          <form class="filters" onSubmit={(e) => e.preventDefault()}>
            <label class="search">Search names, aliases and descriptions
              <input type="search" name="search" value={text} onInput={(e) => { setText((e.target as HTMLInputElement).value); setShown(PAGE); }} />
            </label>
            <label>Kind
              <select name="kind-filter" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
                <option value="">All kinds</option>
                {ENTITY_KINDS.map((k) => <option value={k}>{KIND_PLURAL[k]}</option>)}
              </select>
            </label>
            <label>Pack
              <select name="pack-filter" value={pack} onChange={(e) => setPack((e.target as HTMLSelectElement).value)}>
                <option value="">All packs</option>
                {data.packs.map((p) => <option value={p.id}>{p.name}</option>)}
              </select>
            </label>
          </form>
          <datalist id="entity-names">{data.entities.slice(0, 2000).map((e) => <option value={e.name} />)}</datalist>
          {adding
            ? <EntityForm editing={null} all={data.entities} onCancel={() => setAdding(false)} onDone={(m) => { setAdding(false); void reload(m); }} />
            : <p><button type="button" class="primary" name="add-entity" onClick={() => setAdding(true)}>Add an entity</button></p>}
          <p class="meta">{filtered.length.toLocaleString('en')} shown{focus && !text && !kind && !pack ? ' (the entity you opened; search to see others)' : ''}</p>
          <ul class="entities">
            {filtered.slice(0, shown).map((e) => <EntityItem key={e.id} e={e} pack={packById.get(e.pack)} all={data.entities} onChanged={(m) => void reload(m)} />)}
          </ul>
          {filtered.length > shown && <button type="button" onClick={() => setShown(shown + PAGE)}>Show more</button>}
        </section>
      )}
      {tab === 'packs' && (
        <section>
          <ul class="packs">
            {data.packs.map((p) => (
              <li class="item" data-pack={p.id}>
                <label class="inline">
                  <input type="checkbox" name="pack-enabled" checked={p.enabled} onChange={(e) => void togglePack(p, (e.target as HTMLInputElement).checked)} />
                  <strong>{p.name}</strong>
                </label>
                <span class="meta"> · {(counts.get(p.id) ?? 0).toLocaleString('en')} entities{p.author?.name ? ` · from ${p.author.name}` : ''}{p.origin === 'ftm' ? ' · FollowTheMoney list' : ''}</span>
                {p.origin !== 'seed' && p.origin !== 'mine' && <button type="button" class="danger" onClick={() => void removePack(p)}>Remove pack</button>}
              </li>
            ))}
          </ul>
          <PackTransfer packs={data.packs} listed={filtered.filter((e) => e.pack !== SEED_PACK_ID).map((e) => e.id)} onImported={(m) => void reload(m)} recompile={recompile} />
        </section>
      )}
      {tab === 'proposals' && <Proposals all={data.entities} onAccepted={(m) => void reload(m)} recompile={recompile} />}
    </>
  );
}

render(<App />, document.getElementById('app')!);
