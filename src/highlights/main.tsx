/**
 * Every saved highlight, with full-text search over quotes, notes and tags, and filters by tag,
 * entity, site, person and date; each opens its page at its place. The listed highlights export
 * as an annotation file or Markdown; teammates' files import here, and conflicts are resolved.
 * `?source=URL` starts filtered to one page (the popup's "Export this page's highlights").
 */
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { matchesFilter, type HighlightFilter, type SavedHighlight } from '../core/highlights.ts';
import { readEntityNames, send } from '../platform/browser.ts';
import { Transfer } from './transfer.tsx';

/** Highlights rendered at once; more on request (a team's file can hold tens of thousands). */
const PAGE_SIZE = 200;

const uniq = (list: string[]) => [...new Set(list)].filter(Boolean).sort((a, b) => a.localeCompare(b));

/** One filter as a labelled select: "any" first, then [value, label] pairs. */
function Choice(props: { label: string; name: string; value: string | undefined; onChange: (e: Event) => void; options: [string, string][]; any?: string }) {
  return (
    <label>
      {props.label}
      <select name={props.name} value={props.value ?? ''} onChange={props.onChange}>
        <option value="">{props.any ?? 'Any'}</option>
        {props.options.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
      </select>
    </label>
  );
}

function App() {
  const [all, setAll] = useState<SavedHighlight[] | null>(null);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [filter, setFilter] = useState<HighlightFilter>(() => {
    const source = new URLSearchParams(location.search).get('source');
    return source ? { source } : {};
  });
  const [revision, setRevision] = useState(0);
  const [limit, setLimit] = useState(PAGE_SIZE);

  useEffect(() => {
    void send({ type: 'highlights/list' }).then(async (list) => {
      // The names of the entities listed, from storage; the background is asked for its whole
      // dictionary only before it first wrote it there.
      const wanted = new Set(list.flatMap((h) => h.entities));
      const stored = await readEntityNames(wanted).catch(() => null);
      setNames(stored ?? new Map((await send({ type: 'dictionary/get' })).entities.map((e) => [e.id, e.name])));
      setAll(list);
      document.getElementById('app')?.setAttribute('aria-busy', 'false');
    });
  }, [revision]);

  const shown = useMemo(() => (all ?? []).filter((h) => matchesFilter(h, filter)), [all, filter]);
  const tags = useMemo(() => uniq((all ?? []).flatMap((h) => h.tags)), [all]);
  const entities = useMemo(() => uniq((all ?? []).flatMap((h) => h.entities)), [all]);
  const sites = useMemo(() => uniq((all ?? []).map((h) => h.site)), [all]);
  const people = useMemo(() => {
    const m = new Map<string, string>();
    for (const h of all ?? []) m.set(h.creator.id, h.creator.id === 'local' ? 'You' : h.creator.name || h.creator.id);
    return [...m];
  }, [all]);

  const set = (key: keyof HighlightFilter) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;
    setFilter((f) => ({ ...f, [key]: value || undefined }));
  };

  async function resolve(h: SavedHighlight, adopt: number): Promise<void> {
    await send({ type: 'highlights/resolve', id: h.id, adopt });
    setRevision((r) => r + 1);
  }

  async function remove(h: SavedHighlight): Promise<void> {
    if (!confirm(`Delete the highlight “${h.quote.exact.slice(0, 80)}”?`)) return;
    await send({ type: 'highlights/delete', id: h.id });
    setRevision((r) => r + 1);
  }

  return (
    <>
      <h1>Saved highlights</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label class="search">
          Search quotes, notes and tags
          <input type="search" name="q" value={filter.text ?? ''} onInput={set('text')} />
        </label>
        <Choice label="Tag" name="tag" value={filter.tag} onChange={set('tag')} options={tags.map((t) => [t, t])} />
        <Choice label="Entity" name="entity" value={filter.entity} onChange={set('entity')} options={entities.map((e) => [e, names.get(e) ?? e])} />
        <Choice label="Site" name="site" value={filter.site} onChange={set('site')} options={sites.map((t) => [t, t])} />
        <Choice label="Person" name="creator" value={filter.creator} onChange={set('creator')} options={people} any="Anyone" />
        <label>
          From
          <input type="date" name="from" value={filter.from ?? ''} onInput={set('from')} />
        </label>
        <label>
          To
          <input type="date" name="to" value={filter.to ?? ''} onInput={set('to')} />
        </label>
      </form>
      {filter.source && (
        <p class="status">
          Only the highlights of {filter.source}{' '}
          <button type="button" onClick={() => setFilter((f) => ({ ...f, source: undefined }))}>Show all</button>
        </p>
      )}
      <Transfer filter={filter} count={shown.length} onImported={() => setRevision((r) => r + 1)} />
      <p class="status" role="status">
        {all === null ? 'Loading…' : `${shown.length} of ${all.length} ${all.length === 1 ? 'highlight' : 'highlights'}`}
      </p>
      <ul>
        {shown.slice(0, limit).map((h) => (
          <li class="item" key={h.id} data-highlight={h.id}>
            <p class={`quote swatch-${h.colour}`}>“{h.quote.exact}”</p>
            {h.note && <p class="note">{h.note}</p>}
            <p class="meta">
              {h.tags.map((t) => <span class="tag" key={t}>{t}</span>)}
              {h.title || h.source} · {h.site} · {h.created.slice(0, 10)}
              {h.creator.id !== 'local' && ` · ${h.creator.name || 'a teammate'}`}
              {h.entities.length > 0 && ` · ${h.entities.map((e) => names.get(e) ?? e).join(', ')}`}
            </p>
            {h.conflicts?.map((c, i) => (
              <div class="conflict" key={i} data-conflict={i}>
                <p>
                  <strong>Conflict</strong>: another version, by {c.creator.id === 'local' ? 'you' : c.creator.name || 'a teammate'} ({c.modified.slice(0, 10)}):
                </p>
                <p class="note">{c.note || 'No note'}</p>
                {c.tags.length > 0 && <p class="meta">{c.tags.join(' · ')}</p>}
                <div class="row">
                  <button type="button" name="keep-current" onClick={() => void resolve(h, -1)}>Keep the version above</button>
                  <button type="button" name="adopt-other" onClick={() => void resolve(h, i)}>Use this version</button>
                </div>
              </div>
            ))}
            <div class="row">
              <button type="button" class="open" onClick={() => void send({ type: 'highlights/open', id: h.id })}>Open at its place</button>
              <button type="button" onClick={() => void remove(h)}>Delete</button>
            </div>
          </li>
        ))}
      </ul>
      {shown.length > limit && (
        <button type="button" name="show-more" onClick={() => setLimit((n) => n + PAGE_SIZE)}>
          Show {Math.min(PAGE_SIZE, shown.length - limit)} more of {shown.length - limit}
        </button>
      )}
    </>
  );
}

render(<App />, document.getElementById('app')!);
