/**
 * What the content script does when the reader acts on a page: saving a selection as a highlight,
 * adding a selected name to the dictionary, opening and editing a saved highlight's note. Part of
 * page-ui.js, so a page nobody acts on never compiles it; the content script hands it the session
 * it acts in (ActionSession) once the UI has loaded.
 */
import { describeText, unitsToCodePoints } from '../core/anchoring.ts';
import type { EntityKind } from '../core/dictionary.ts';
import type { SavedHighlight } from '../core/highlights.ts';
import { KIND_LABEL } from '../core/labels.ts';
import { splitSentences } from '../core/sentences.ts';
import type { PageHighlighter } from '../page/highlighter.ts';
import type { PlacedHighlight, SavedHighlightLayer } from '../page/saved-layer.ts';
import type { send } from '../platform/browser.ts';
import type { EntityCard } from './card.ts';
import type { NoteDraft, NotePanel } from './note-panel.ts';

/** Characters of a quote's paragraph kept to show when the quote cannot be found again. */
const CONTEXT_KEPT = 1000;
/** Selections longer than this are passages, not names: no "Add to dictionary" for them. */
const MAX_NAME_SELECTION = 120;
/** The blocks whose text a selection's sentence and a highlight's context are read from. */
const BLOCKS = 'p, li, blockquote, h1, h2, h3, h4, h5, h6, td, figcaption, dd, pre, div, article, section';

/** The content script's session as the reader's actions see it (its parts read at each use: they come and go). */
export interface ActionSession {
  readonly notes: NotePanel;
  card(): EntityCard | null;
  layer(): SavedHighlightLayer | null;
  highlighter(): PageHighlighter | null;
  /** The page's source address, as the background keyed its saved highlights (null before the first). */
  highlightSource(): string | null;
  sourceSaved(source: string): void;
  /** The canonical URL the page declares, if any (the background decides whether it counts). */
  declaredCanonical(): string | null;
  send: typeof send;
}

/** The block of the page a range starts in. */
function blockOf(range: Range): Element | null | undefined {
  const start = range.startContainer;
  return (start.nodeType === Node.ELEMENT_NODE ? (start as Element) : start.parentElement)?.closest(BLOCKS);
}

/** The sentence of the page around a selection, for an entity's evidence. */
function sentenceAround(range: Range): string {
  const text = (blockOf(range)?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const name = range.toString().replace(/\s+/g, ' ').trim();
  return splitSentences(text).map((x) => x.trim()).find((x) => x.includes(name)) ?? name;
}

/**
 * The "Save highlight" button beside the settled selection, and "Add to dictionary" when the
 * selection is short enough to be a name; `compose` opens the note editor.
 */
export function offerSelectionActions(s: ActionSession, range: Range, compose: () => void): void {
  const rects = range.getClientRects();
  const last = rects[rects.length - 1] ?? range.getBoundingClientRect();
  const name = range.toString().trim();
  const kept = range.cloneRange();
  const addEntity = name.length <= MAX_NAME_SELECTION && !/[\n\r]/.test(name) ? () => composeEntity(s, kept) : null;
  s.notes.showSaveButton(last, compose, addEntity);
}

/** Opens the "Add to dictionary" form for the selected name. */
function composeEntity(s: ActionSession, range: Range): void {
  const sentence = sentenceAround(range);
  s.card()?.hide();
  s.notes.addEntity(range.toString(), range.getBoundingClientRect(), async ({ name, kind }) => {
    const meta = (selector: string) => document.querySelector<HTMLMetaElement>(selector)?.content?.trim() || null;
    const reply = await s.send({
      type: 'dictionary/add', name, kind: kind as EntityKind, sentence, title: document.title.slice(0, 2000),
      outlet: meta('meta[property="og:site_name"]')?.slice(0, 200) ?? location.hostname.replace(/^www\./, ''),
      published: meta('meta[property="article:published_time"], meta[name="date"], meta[itemprop="datePublished"]')?.slice(0, 40) ?? null,
      lang: document.documentElement.lang?.slice(0, 20) || null, canonical: s.declaredCanonical(),
    });
    if ('error' in reply) throw new Error(reply.error);
    document.getSelection()?.removeAllRanges();
    const left = reply.rejected.length ? ` (left out: ${reply.rejected.map((r) => `"${r.alias}" ${r.reason}`).join('; ')})` : '';
    return `Added “${reply.entity.name}” as ${KIND_LABEL[reply.entity.kind]}. It is highlighted on your open pages${left}.`;
  }, () => void s.send({ type: 'dictionary/open', entity: null }).catch(() => undefined));
}

/** Shows a saved highlight's note (focused when the reader asked for it), with Edit and Delete. */
export function openNote(s: ActionSession, placed: PlacedHighlight, focus: boolean): void {
  if (!placed.range || s.notes.isEditing) return;
  s.card()?.hide();
  s.notes.view(placed.record, placed.range.getBoundingClientRect(), focus, {
    edit: () => editHighlight(s, placed),
    remove: async () => {
      const { deleted } = await s.send({ type: 'highlights/delete', id: placed.record.id });
      if (deleted) s.layer()?.remove(placed.record.id);
    },
  });
}

function editHighlight(s: ActionSession, placed: PlacedHighlight): void {
  if (!placed.range) return;
  s.notes.edit(placed.record.quote.exact, placed.record, placed.range.getBoundingClientRect(), async (draft) => {
    const updated = await s.send({ type: 'highlights/update', id: placed.record.id, edit: draft });
    if (!updated) throw new Error('this highlight is no longer stored');
    s.layer()?.update(updated);
  });
}

/** Opens the note editor for a selection; saving it stores the selection as a highlight. */
export function editSelection(s: ActionSession, range: Range): void {
  s.card()?.hide();
  s.notes.edit(range.toString(), null, range.getBoundingClientRect(), (draft) => saveSelection(s, range, draft));
}

/** Saves a selection as a highlight: its selectors against the page text, its paragraph, the entities inside it. */
async function saveSelection(s: ActionSession, range: Range, draft: NoteDraft): Promise<void> {
  const layer = s.layer();
  if (!layer) throw new Error('Newsgloss is paused on this site');
  const text = layer.readText();
  const at = text.offsetsOf(range);
  if (!at) throw new Error('the selection holds no text of the page');
  const target = describeText(text.text, at.start, at.end);
  const highlighter = s.highlighter();
  await highlighter?.dict.entities.ready();
  const entities = new Set<string>();
  for (const m of highlighter?.matches ?? []) {
    if (m.range.collapsed) continue;
    const inside = range.compareBoundaryPoints(Range.START_TO_START, m.range) <= 0 && range.compareBoundaryPoints(Range.END_TO_END, m.range) >= 0;
    if (inside && highlighter) entities.add(highlighter.dict.entities.get(m.entity).id);
  }
  const context = (blockOf(range)?.textContent ?? target.quote.exact).replace(/\s+/g, ' ').trim().slice(0, CONTEXT_KEPT);
  const record: SavedHighlight = await s.send({
    type: 'highlights/save',
    canonical: s.declaredCanonical(),
    highlight: {
      source: s.highlightSource() ?? location.href, pageUrl: location.href, title: document.title,
      // Positions count code points, as the W3C model does (an emoji is one character, not two).
      quote: target.quote, positionUnit: 'codepoint',
      position: { type: 'TextPositionSelector', start: unitsToCodePoints(text.text, at.start), end: unitsToCodePoints(text.text, at.end) },
      context, note: draft.note, tags: draft.tags, colour: draft.colour, entities: [...entities],
    },
  });
  s.sourceSaved(record.source);
  const painted = text.range(at.start, at.end);
  if (painted) layer.add(record, painted);
  document.getSelection()?.removeAllRanges();
}
