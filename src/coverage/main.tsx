/**
 * The coverage page: an entity's coverage as a timeline (`?entity=ID`), or a stored article
 * read inside the extension with its entities highlighted (`?article=ID`), for articles that
 * have no address to open.
 */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { loadDictionary } from '../core/dictionary.ts';
import type { TimelineItem } from '../messages.ts';
import { articleLine, languageName } from '../core/labels.ts';
import { PageHighlighter } from '../page/highlighter.ts';
import { readEntityText, readStoredDictionary, send, wholeStoredDictionary } from '../platform/browser.ts';
import { loadPackedDictionary } from '../core/stored-dictionary.ts';
import { httpUrl } from '../core/urls.ts';
import { timelineOf } from '../ui/coverage-reads.ts';

const params = new URLSearchParams(location.search);

function ready(): void {
  document.getElementById('app')?.setAttribute('aria-busy', 'false');
}

function Timeline({ entity, knownName }: { entity: string; knownName: string | null }) {
  const [name, setName] = useState(knownName ?? entity);
  const [items, setItems] = useState<TimelineItem[] | null>(null);
  const [total, setTotal] = useState(0);
  useEffect(() => {
    void (async () => {
      // The name comes with the address; only an address without it asks the background for the one record.
      if (!knownName) setName((await send({ type: 'entity/get', id: entity }).catch(() => null))?.entity.name ?? entity);
      const t = await timelineOf(entity, 100_000);
      setItems(t.items);
      setTotal(t.total);
      ready();
    })();
  }, [entity]);
  useEffect(() => {
    document.title = `Coverage of ${name} · Newsgloss`;
  }, [name]);
  return (
    <>
      <h1>Coverage of {name}</h1>
      <p class="meta">{items ? `${total} stored ${total === 1 ? 'article mentions' : 'articles mention'} it, oldest first.` : 'Loading…'}</p>
      <ol class="timeline">
        {items?.map((t) => (
          <li key={t.id} data-article={t.id}>
            <div class="date">{t.published ?? 'Date unknown'}</div>
            <div class="meta">{[t.outlet, languageName(t.lang)].filter(Boolean).join(' · ')}</div>
            {t.url ? (
              <a href={httpUrl(t.url) ?? undefined} target="_blank" rel="noreferrer noopener">{t.title ?? t.url}</a>
            ) : (
              <a href={`?article=${encodeURIComponent(t.id)}`}>{t.title ?? 'Untitled article'}</a>
            )}
            <blockquote>{t.sentence}</blockquote>
          </li>
        ))}
      </ol>
    </>
  );
}

function Reader({ id }: { id: string }) {
  const [article, setArticle] = useState<Awaited<ReturnType<typeof loadArticle>> | undefined>(undefined);
  const body = useRef<HTMLDivElement>(null);
  useEffect(() => {
    void loadArticle(id).then(setArticle);
  }, [id]);
  useEffect(() => {
    if (!article || !body.current) return;
    document.title = `${article.record.title ?? 'Article'} · Newsgloss`;
    new PageHighlighter(article.dict, document).scan([body.current]);
    ready();
  }, [article]);
  if (article === undefined) return <p class="meta">Loading…</p>;
  if (article === null) return <p class="error">This article is not stored.</p>;
  const r = article.record;
  return (
    <article>
      <h1>{r.title ?? 'Untitled article'}</h1>
      <p class="meta">{articleLine(r)}</p>
      <div ref={body}>
        {r.text.split(/\n+/).filter((p) => p.trim()).map((p, i) => <p key={i}>{p}</p>)}
      </div>
    </article>
  );
}

async function loadArticle(id: string) {
  // The dictionary as pages read it, straight from storage's packed form; the background is asked only before it wrote one.
  const [record, dict] = await Promise.all([
    send({ type: 'coverage/article', id }),
    readStoredDictionary().then(async (d) => {
      const text = d && (await readEntityText(d.stamp).catch(() => null));
      const whole = d && text ? await wholeStoredDictionary(d).catch(() => null) : null;
      return whole && text ? loadPackedDictionary({ ...whole.packed, ...text }) : loadDictionary(await send({ type: 'dictionary/get' }));
    }),
  ]);
  return record ? { record, dict } : null;
}

function Page() {
  const entity = params.get('entity');
  const article = params.get('article');
  if (entity) return <Timeline entity={entity} knownName={params.get('name')} />;
  if (article) return <Reader id={article} />;
  return <p class="error">Nothing to show: this page needs an entity or an article.</p>;
}

render(<Page />, document.getElementById('app')!);
