/**
 * Annotation files teams exchange: saved highlights written as a W3C Web Annotation
 * AnnotationCollection (JSON-LD), read back with every field checked, and merged into what a
 * reader already has. Also a Markdown export to paste into notes. Pure: the background reads the
 * database and writes the result in one transaction.
 *
 * Reading is defensive: the size is capped before the text is read, the nesting depth is checked
 * before JSON.parse, `__proto__`-style keys are refused, URLs must be http(s), and every error
 * says which annotation and which field.
 */
import { httpUrl, sameOrigin } from './urls.ts';
import { FileProblems, JsonRefusal, jsonDepth as measureDepth, parseGuardedJson, type FileProblem } from './guarded-json.ts';
import {
  HIGHLIGHT_COLOURS, LOCAL_CREATOR_ID, MAX_NOTE_LENGTH, MAX_QUOTE_LENGTH, isColour, parseTags, siteOf,
  type Creator, type HighlightColour, type SavedHighlight,
} from './highlights.ts';

export const ANNO_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';
/** Our own terms (page title, paragraph, address read at), in a namespace of their own. */
export const NG_NAMESPACE = 'https://newsgloss.app/ns#';
const CONTEXT = [ANNO_CONTEXT, { ng: NG_NAMESPACE }] as const;
const ENTITY_IRI = 'urn:newsgloss:entity:';

/** Files larger than this are refused before they are read. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Deeper JSON is refused before it is parsed (our files nest 6 levels). */
export const MAX_DEPTH = 32;
export const MAX_ANNOTATIONS = 200_000;
const MAX_ERRORS = 20;

const CSS_COLOUR: Record<HighlightColour, string> = {
  yellow: '#ffe066', green: '#8ce99a', blue: '#74c0fc', pink: '#faa2c1', purple: '#d0bfff',
};

export interface WebAnnotation {
  '@context': typeof CONTEXT | string | unknown[];
  id: string;
  type: 'Annotation';
  motivation: 'highlighting' | 'commenting';
  created: string;
  modified: string;
  creator: { id: string; type: 'Person'; name?: string };
  body?: Record<string, unknown>[];
  target: Record<string, unknown>;
  stylesheet: { type: 'CssStylesheet'; value: string };
  [extra: string]: unknown;
}

/** The creator as exported: the local reader gets their own stable IRI. */
function exportedCreator(c: Creator, reader: Creator): WebAnnotation['creator'] {
  const local = c.id === LOCAL_CREATOR_ID;
  const name = local ? reader.name : c.name;
  return { id: local ? reader.id : c.id, type: 'Person', ...(name ? { name } : {}) };
}

export function toAnnotation(h: SavedHighlight, reader: Creator): WebAnnotation {
  const body: Record<string, unknown>[] = [];
  if (h.note) body.push({ type: 'TextualBody', value: h.note, format: 'text/plain', purpose: 'commenting' });
  for (const tag of h.tags) body.push({ type: 'TextualBody', value: tag, purpose: 'tagging' });
  for (const e of h.entities) body.push({ type: 'SpecificResource', source: `${ENTITY_IRI}${e}`, purpose: 'identifying' });
  return {
    '@context': CONTEXT,
    id: h.id,
    type: 'Annotation',
    motivation: h.note ? 'commenting' : 'highlighting',
    created: h.created,
    modified: h.modified,
    creator: exportedCreator(h.creator, reader),
    ...(body.length ? { body } : {}),
    target: {
      source: h.source,
      selector: [
        { type: 'TextQuoteSelector', exact: h.quote.exact, prefix: h.quote.prefix, suffix: h.quote.suffix },
        { type: 'TextPositionSelector', start: h.position.start, end: h.position.end },
      ],
      styleClass: `newsgloss-${h.colour}`,
    },
    stylesheet: { type: 'CssStylesheet', value: `.newsgloss-${h.colour} { background-color: ${CSS_COLOUR[h.colour]} }` },
    'ng:title': h.title,
    'ng:pageUrl': h.pageUrl,
    'ng:context': h.context,
  };
}

export interface AnnotationCollection {
  '@context': typeof CONTEXT;
  id: string;
  type: 'AnnotationCollection';
  label: string;
  total: number;
  created: string;
  creator: WebAnnotation['creator'];
  first: { type: 'AnnotationPage'; startIndex: 0; items: WebAnnotation[] };
}

/** One file holding `highlights`, as a collection with a single page. */
export function toCollection(highlights: readonly SavedHighlight[], reader: Creator, label: string, now = new Date()): AnnotationCollection {
  return {
    '@context': CONTEXT,
    id: `urn:uuid:${crypto.randomUUID()}`,
    type: 'AnnotationCollection',
    label,
    total: highlights.length,
    created: now.toISOString(),
    creator: exportedCreator({ id: LOCAL_CREATOR_ID, name: reader.name }, reader),
    first: { type: 'AnnotationPage', startIndex: 0, items: highlights.map((h) => toAnnotation(h, reader)) },
  };
}

/** Highlights as Markdown: grouped by page, each quote with its note, tags and a link to the page. */
export function toMarkdown(highlights: readonly SavedHighlight[]): string {
  const byPage = new Map<string, SavedHighlight[]>();
  for (const h of highlights) byPage.set(h.source, [...(byPage.get(h.source) ?? []), h]);
  const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
  // Text of the page is quoted, never interpreted: characters Markdown would act on are escaped.
  const esc = (s: string) => oneLine(s).replace(/([\\`*_[\]<>#|])/g, '\\$1');
  const out: string[] = ['# Highlights', ''];
  for (const [source, list] of byPage) {
    const title = list.find((h) => h.title)?.title || source;
    out.push(`## [${esc(title)}](<${source.replace(/>/g, '%3E')}>)`, '');
    for (const h of [...list].sort((a, b) => a.position.start - b.position.start)) {
      out.push(`> ${esc(h.quote.exact)}`, '');
      if (h.note) out.push(...h.note.split(/\r?\n/).map((line) => esc(line)), '');
      const meta = [h.tags.length ? h.tags.map((t) => `#${oneLine(t).replace(/\s/g, '-')}`).join(' ') : '', h.created.slice(0, 10), h.creator.id === LOCAL_CREATOR_ID ? '' : h.creator.name];
      out.push(`*${meta.filter(Boolean).map(esc).join(' · ')}*`, '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** One problem in a file: where (which annotation, which field) and what. */
export type FileError = FileProblem;

export class AnnotationFileError extends FileProblems {
  override name = 'AnnotationFileError';
}

/** The nesting depth of a JSON text, without parsing it; see guarded-json.ts. */
export function jsonDepth(text: string, limit = MAX_DEPTH): { depth: number; at: number } {
  return measureDepth(text, limit);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** How far past the import time a timestamp may lie (clocks and time zones set wrong), in ms. */
const FUTURE_TOLERANCE_MS = 24 * 3600_000;

/**
 * An ISO date-time as the same instant in UTC, so that times compare as instants ("12:00+02:00"
 * is before "11:00Z"); a string explaining the refusal when it is not one or lies in the future
 * (a far-future edit would win every conflict).
 */
function instant(v: unknown, now: number): string | { refused: string } {
  if (typeof v !== 'string' || !ISO.test(v)) return { refused: 'must be an ISO date-time' };
  const t = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (!Number.isFinite(t)) return { refused: 'must be an ISO date-time' };
  if (t > now + FUTURE_TOLERANCE_MS) return { refused: `is in the future (${v.slice(0, 40)}); a future date would win every conflict` };
  return new Date(t).toISOString();
}

function hasContext(v: unknown): boolean {
  return v === ANNO_CONTEXT || (Array.isArray(v) && v.includes(ANNO_CONTEXT));
}

/** Reads one annotation into a highlight, or records why not. */
function readAnnotation(a: unknown, where: string, errors: FileError[], now: number): SavedHighlight | null {
  const fail = (field: string, message: string) => {
    errors.push({ where: field ? `${where}, ${field}` : where, message });
    return null;
  };
  if (!isObj(a)) return fail('', 'is not an object');
  if (a.type !== 'Annotation') return fail('type', `must be "Annotation", not ${JSON.stringify(a.type)?.slice(0, 40)}`);
  if (typeof a.id !== 'string' || !/^(urn:uuid:[0-9a-f-]{36}|https?:\/\/\S+)$/i.test(a.id) || a.id.length > 300) {
    return fail('id', 'must be a urn:uuid or an http(s) IRI');
  }
  const created = instant(a.created, now);
  if (typeof created !== 'string') return fail('created', created.refused);
  const modified = a.modified === undefined ? created : instant(a.modified, now);
  if (typeof modified !== 'string') return fail('modified', modified.refused);
  const creators = asList(a.creator);
  const c = creators[0];
  if (!isObj(c) || typeof c.id !== 'string' || c.id.length === 0 || c.id.length > 300) return fail('creator', 'must be a person with an id');
  if (c.name !== undefined && (typeof c.name !== 'string' || c.name.length > 200)) return fail('creator.name', 'must be a short text');

  const targets = asList(a.target);
  if (targets.length !== 1 || !isObj(targets[0])) return fail('target', 'must be one object with a source and selectors');
  const target = targets[0];
  const source = httpUrl(target.source);
  if (!source) return fail('target.source', 'must be an http(s) address');
  const selectors = asList(target.selector).filter(isObj);
  const quote = selectors.find((s) => s.type === 'TextQuoteSelector');
  const position = selectors.find((s) => s.type === 'TextPositionSelector');
  if (!quote) return fail('target.selector', 'has no TextQuoteSelector');
  if (typeof quote.exact !== 'string' || quote.exact.trim() === '' || quote.exact.length > MAX_QUOTE_LENGTH) return fail('target.selector.exact', 'must be non-empty text');
  for (const k of ['prefix', 'suffix'] as const) {
    if (quote[k] !== undefined && (typeof quote[k] !== 'string' || quote[k].length > 200)) return fail(`target.selector.${k}`, 'must be short text');
  }
  let start = 0;
  let end = quote.exact.length;
  if (position) {
    const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 1e9;
    if (!ok(position.start) || !ok(position.end) || position.end <= position.start) return fail('target.selector (TextPositionSelector)', 'start and end must be whole numbers, start < end');
    start = position.start;
    end = position.end;
  }
  const styleClass = typeof target.styleClass === 'string' ? target.styleClass.replace(/^newsgloss-/, '') : '';
  const colour: HighlightColour = isColour(styleClass) ? styleClass : HIGHLIGHT_COLOURS[0];

  let note = '';
  const tags: string[] = [];
  const entities: string[] = [];
  const bodies = a.body === undefined ? (typeof a.bodyValue === 'string' ? [{ type: 'TextualBody', value: a.bodyValue, purpose: 'commenting' }] : []) : asList(a.body);
  for (const [i, b] of bodies.entries()) {
    if (!isObj(b)) return fail(`body[${i}]`, 'is not an object');
    const purpose = asList(b.purpose)[0] ?? (asList(a.motivation)[0] === 'tagging' ? 'tagging' : 'commenting');
    if (b.type === 'TextualBody' || typeof b.value === 'string') {
      if (typeof b.value !== 'string') return fail(`body[${i}].value`, 'must be text');
      if (purpose === 'tagging') tags.push(b.value);
      else {
        if (b.value.length > MAX_NOTE_LENGTH) return fail(`body[${i}].value`, `is longer than ${MAX_NOTE_LENGTH} characters`);
        note = note ? `${note}\n\n${b.value}` : b.value;
      }
    } else if (typeof b.source === 'string' && b.source.startsWith(ENTITY_IRI)) {
      const id = b.source.slice(ENTITY_IRI.length);
      if (!/^[a-z0-9-]{1,120}$/.test(id)) return fail(`body[${i}].source`, 'is not an entity id');
      entities.push(id);
    }
    // Other bodies (links, other tools' resources) are kept out: a note is text only.
  }
  if (note.length > MAX_NOTE_LENGTH) return fail('body', `notes together are longer than ${MAX_NOTE_LENGTH} characters`);
  const text = (k: string, max: number) => (typeof a[k] === 'string' ? (a[k] as string).slice(0, max) : '');
  // The address it was read at speaks for the page only on the page's own origin.
  const readAt = httpUrl(a['ng:pageUrl']);
  const pageUrl = readAt !== null && sameOrigin(readAt, source) ? readAt : source;
  return {
    id: a.id,
    source,
    pageUrl,
    title: text('ng:title', 2000),
    site: siteOf(source),
    quote: { type: 'TextQuoteSelector', exact: quote.exact, prefix: (quote.prefix as string | undefined) ?? '', suffix: (quote.suffix as string | undefined) ?? '' },
    position: { type: 'TextPositionSelector', start, end },
    context: text('ng:context', 4000),
    note,
    tags: parseTags(tags),
    colour,
    entities: [...new Set(entities)],
    creator: { id: c.id, name: typeof c.name === 'string' ? c.name.trim() : '' },
    created,
    modified,
    syncBase: modified,
  };
}

/** What a file holds, read and checked. */
export interface ParsedFile {
  highlights: SavedHighlight[];
  label: string | null;
}

/** Reads an annotation file's text: a collection (with its pages), a page, one annotation or a list. */
export function parseAnnotationFile(text: string, now = Date.now()): ParsedFile {
  if (text.length > MAX_FILE_BYTES) throw new AnnotationFileError([{ where: '', message: `the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` }]);
  if (text.trim() === '') throw new AnnotationFileError([{ where: '', message: 'the file is empty' }]);
  let data: unknown;
  try {
    data = parseGuardedJson(text, MAX_DEPTH);
  } catch (e) {
    if (!(e instanceof JsonRefusal)) throw e;
    const message = e.message.startsWith('the key') ? `${e.message} in an annotation file` : e.message;
    throw new AnnotationFileError([{ where: e.where, message }]);
  }
  let items: unknown[];
  let label: string | null = null;
  if (Array.isArray(data)) items = data;
  else if (isObj(data) && data.type === 'AnnotationCollection') {
    if (!hasContext(data['@context'])) throw new AnnotationFileError([{ where: 'collection, @context', message: `must include ${ANNO_CONTEXT}` }]);
    label = typeof data.label === 'string' ? data.label.slice(0, 200) : null;
    const first = data.first;
    if (!isObj(first) || !Array.isArray(first.items)) throw new AnnotationFileError([{ where: 'collection, first', message: 'must be an AnnotationPage with items (this reader takes files with the annotations embedded)' }]);
    items = first.items;
  } else if (isObj(data) && data.type === 'AnnotationPage' && Array.isArray(data.items)) items = data.items;
  else if (isObj(data) && data.type === 'Annotation') items = [data];
  else {
    throw new AnnotationFileError([{ where: '', message: 'this is not a Web Annotation file (expected an AnnotationCollection, an AnnotationPage or an Annotation)' }]);
  }
  if (items.length > MAX_ANNOTATIONS) throw new AnnotationFileError([{ where: '', message: `the file holds ${items.length} annotations; at most ${MAX_ANNOTATIONS} are read` }]);
  const errors: FileError[] = [];
  const highlights: SavedHighlight[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    if (errors.length >= MAX_ERRORS) return;
    const where = `annotation ${i + 1}${isObj(item) && typeof item.id === 'string' ? ` (${item.id.slice(0, 60)})` : ''}`;
    if (isObj(item) && item['@context'] !== undefined && !hasContext(item['@context'])) {
      errors.push({ where: `${where}, @context`, message: `must include ${ANNO_CONTEXT}` });
      return;
    }
    const h = readAnnotation(item, where, errors, now);
    if (!h) return;
    const twice = seen.get(h.id);
    if (twice !== undefined) {
      errors.push({ where, message: `has the same id as annotation ${twice + 1}` });
      return;
    }
    seen.set(h.id, i);
    highlights.push(h);
  });
  if (errors.length) throw new AnnotationFileError(errors);
  return { highlights, label };
}

/** How an import would change the database. */
export interface ImportPlan {
  added: SavedHighlight[];
  updated: SavedHighlight[];
  conflicts: SavedHighlight[];
  unchanged: number;
}

const sameContent = (a: SavedHighlight, b: SavedHighlight) =>
  a.note === b.note && a.colour === b.colour && a.tags.join('\u0000') === b.tags.join('\u0000');

/** The version of a highlight kept aside when the other side's is newer (or older) and both changed. */
function asConflict(h: SavedHighlight): NonNullable<SavedHighlight['conflicts']>[number] {
  return { note: h.note, tags: h.tags, colour: h.colour, modified: h.modified, creator: h.creator };
}

/**
 * Merges `incoming` into `existing` (by id). The same annotation twice adds nothing; one changed
 * only on the other side replaces ours; one changed on both sides keeps the newer version with the
 * other attached as a conflict. Refuses (with reasons) ids that name a different passage and
 * annotations that claim to be the local reader's.
 */
export function planImport(existing: ReadonlyMap<string, SavedHighlight>, incoming: readonly SavedHighlight[], readerId: string): ImportPlan {
  const plan: ImportPlan = { added: [], updated: [], conflicts: [], unchanged: 0 };
  const errors: FileError[] = [];
  for (const [i, inc] of incoming.entries()) {
    const where = `annotation ${i + 1} (${inc.id.slice(0, 60)})`;
    const claimsLocal = inc.creator.id === readerId || inc.creator.id === LOCAL_CREATOR_ID;
    const mine = existing.get(inc.id);
    if (!mine) {
      if (claimsLocal) errors.push({ where: `${where}, creator`, message: 'claims to be you, but you have no such highlight' });
      else plan.added.push(inc);
      continue;
    }
    if (mine.source !== inc.source || mine.quote.exact !== inc.quote.exact) {
      errors.push({ where: `${where}, id`, message: 'is the id of a different highlight (another page or quote)' });
      continue;
    }
    if (sameContent(mine, inc)) {
      plan.unchanged++;
      continue;
    }
    if (claimsLocal && mine.creator.id === LOCAL_CREATOR_ID) {
      errors.push({ where: `${where}, creator`, message: 'claims to be you, but differs from your highlight' });
      continue;
    }
    const base = mine.syncBase;
    const changedHere = base === undefined ? true : mine.modified !== base;
    const changedThere = base === undefined ? true : inc.modified !== base;
    if (!changedThere) {
      plan.unchanged++;
    } else if (!changedHere) {
      plan.updated.push({ ...inc, conflicts: mine.conflicts });
    } else {
      // As instants: a record stored by an older version may carry an offset rather than UTC.
      const incomingNewer = Date.parse(inc.modified) > Date.parse(mine.modified);
      const winner = incomingNewer ? inc : mine;
      const loser = incomingNewer ? mine : inc;
      plan.conflicts.push({ ...winner, syncBase: inc.modified, conflicts: [...(mine.conflicts ?? []), asConflict(loser)] });
    }
  }
  if (errors.length) throw new AnnotationFileError(errors.slice(0, MAX_ERRORS));
  return plan;
}
