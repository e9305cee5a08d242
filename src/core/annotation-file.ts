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
    // Older records count UTF-16 units; the model (and everything saved since) counts code points.
    'ng:positionUnit': h.positionUnit === 'codepoint' ? 'codepoint' : 'utf16',
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

/** The formats a file of highlights can be written in. */
export const EXPORT_FORMATS = ['jsonld', 'hypothesis', 'markdown'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Highlights in the JSON that Hypothesis's client exports and imports (an export of its own
 * account's annotations), so a Hypothesis user can load them there: each a row with the page
 * address, the selectors (positions in code points), the note as text, the tags and the dates.
 */
export function toHypothesisExport(highlights: readonly SavedHighlight[], reader: Creator, now = new Date()): Record<string, unknown> {
  const account = `acct:${(reader.name || 'newsgloss').replace(/[^\w.-]+/g, '_').slice(0, 30)}@newsgloss.app`;
  return {
    export_date: now.toISOString(),
    export_userid: account,
    client_version: 'newsgloss',
    annotations: highlights.map((h) => ({
      id: h.id.replace(/^urn:uuid:/, '').replace(/-/g, '').slice(0, 22),
      created: h.created,
      updated: h.modified,
      user: h.creator.id === LOCAL_CREATOR_ID ? account : h.creator.id,
      uri: h.source,
      text: h.note,
      tags: h.tags,
      group: '__world__',
      target: [{
        source: h.source,
        selector: [
          { type: 'TextPositionSelector', start: h.position.start, end: h.position.end },
          { type: 'TextQuoteSelector', exact: h.quote.exact, prefix: h.quote.prefix, suffix: h.quote.suffix },
        ],
      }],
      document: { title: h.title ? [h.title] : [] },
      user_info: { display_name: h.creator.id === LOCAL_CREATOR_ID ? reader.name || null : h.creator.name || null },
    })),
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

/** What the file as a whole says, used where an annotation leaves a field out. */
interface FileDefaults {
  now: number;
  created: string | null;
  creator: Creator | null;
}

/** Counts of what was filled in because annotations left it out, by what and from where. */
type Filled = Map<string, number>;

const UNKNOWN_CREATOR = 'urn:newsgloss:creator:unknown';

/** A creator as the model allows it: an IRI (an "acct:" account too) or an agent object; null when unusable. */
function readCreator(v: unknown): Creator | null {
  const c = asList(v)[0];
  if (typeof c === 'string') {
    if (c.length === 0 || c.length > 300) return null;
    // Hypothesis writes accounts as acct:name@host; the name is what readers know.
    const account = /^acct:([^@\s]{1,100})@/.exec(c);
    return { id: c, name: account ? account[1] : '' };
  }
  if (!isObj(c)) return null;
  const id = typeof c.id === 'string' && c.id.length > 0 && c.id.length <= 300 ? c.id : null;
  const nameOf = (x: unknown) => (typeof x === 'string' ? x.trim().slice(0, 200) : '');
  const name = nameOf(c.name) || nameOf(c.nickname) || nameOf(asList(c.name)[0]);
  if (!id && !name) return null;
  return { id: id ?? `${UNKNOWN_CREATOR}:${encodeURIComponent(name)}`, name };
}

/** Every selector of a target: alternatives in a list, and each refinement (`refinedBy`) in turn. */
function selectorsOf(v: unknown, depth = 0): Obj[] {
  if (depth > 8) return [];
  const out: Obj[] = [];
  for (const s of asList(v)) {
    if (!isObj(s)) continue;
    out.push(s);
    if (s.refinedBy !== undefined) out.push(...selectorsOf(s.refinedBy, depth + 1));
  }
  return out;
}

/** The address a target or body names: a string, or the `source`/`id` of an object (a SpecificResource). */
function addressOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (!isObj(v)) return null;
  if (typeof v.source === 'string') return v.source;
  if (isObj(v.source) && typeof v.source.id === 'string') return v.source.id;
  return null;
}

interface ReadBodies {
  note: string;
  tags: string[];
  entities: string[];
}

/**
 * A note, tags and entities from the model's bodies: text bodies (by purpose), bodies that are
 * addresses (a string, an external resource, a SpecificResource), and Choices (their first item).
 * Addresses are kept as lines of the note, so nothing the annotation said is lost.
 */
function readBodies(a: Obj): ReadBodies | string {
  const out: ReadBodies = { note: '', tags: [], entities: [] };
  const addNote = (text: string) => {
    out.note = out.note ? `${out.note}\n\n${text}` : text;
  };
  const tagging = asList(a.motivation).includes('tagging');
  const bodies = a.body === undefined ? (typeof a.bodyValue === 'string' ? [a.bodyValue] : []) : asList(a.body);
  const visit = (b: unknown, i: number, depth: number): string | null => {
    if (depth > 4) return null;
    if (typeof b === 'string') {
      // A body that is a string is the address of the body (the model's shorthand), unless bodyValue.
      if (a.body === undefined) addNote(b);
      else if (httpUrl(b)) addNote(b);
      else return `body[${i}]: is not an http(s) address`;
      return null;
    }
    if (!isObj(b)) return `body[${i}]: is neither text nor an object`;
    if (b.type === 'Choice') return asList(b.items).length ? visit(asList(b.items)[0], i, depth + 1) : null;
    const purpose = asList(b.purpose)[0] ?? (tagging ? 'tagging' : 'commenting');
    if (b.type === 'TextualBody' || b.value !== undefined) {
      if (typeof b.value !== 'string') return `body[${i}].value: must be text`;
      if (purpose === 'tagging') out.tags.push(b.value);
      else addNote(b.value);
      return null;
    }
    const address = addressOf(b) ?? (typeof b.id === 'string' ? b.id : null);
    if (address?.startsWith(ENTITY_IRI)) {
      const id = address.slice(ENTITY_IRI.length);
      if (!/^[a-z0-9-]{1,120}$/.test(id)) return `body[${i}].source: is not an entity id`;
      out.entities.push(id);
      return null;
    }
    if (address && httpUrl(address)) addNote(purpose === 'tagging' ? `Tag: ${address}` : address);
    // Other bodies (a resource with no http(s) address) say nothing a note can hold.
    return null;
  };
  for (const [i, b] of bodies.entries()) {
    const problem = visit(b, i, 0);
    if (problem) return problem;
  }
  if (out.note.length > MAX_NOTE_LENGTH) return `body: notes together are longer than ${MAX_NOTE_LENGTH} characters`;
  return out;
}

/**
 * The start of a RangeSelector, as Hypothesis writes one (startContainer, startOffset) or as the
 * model does (a startSelector that is an XPathSelector): a hint for anchoring.
 */
function rangeHintOf(selectors: Obj[]): SavedHighlight['rangeHint'] {
  const r = selectors.find((s) => s.type === 'RangeSelector');
  if (!r) return undefined;
  const start = isObj(r.startSelector) && r.startSelector.type === 'XPathSelector' ? r.startSelector.value : r.startContainer;
  if (typeof start !== 'string' || start.length === 0 || start.length > 500 || !/^[\w\s/[\]().@:*-]+$/.test(start)) return undefined;
  const offset = typeof r.startOffset === 'number' && Number.isInteger(r.startOffset) && r.startOffset >= 0 && r.startOffset <= 1e7 ? r.startOffset : 0;
  return { xpath: start, offset };
}

/** The text target of an annotation: the first of its targets with an http(s) source and a quote. */
function readTarget(a: Obj): { source: string; quote: Obj; position: Obj | undefined; range: SavedHighlight['rangeHint']; styleClass: unknown } | { field: string; message: string } {
  const targets = asList(a.target);
  if (targets.length === 0) return { field: 'target', message: 'is missing' };
  let first: { field: string; message: string } | null = null;
  for (const t of targets) {
    const source = addressOf(t);
    const refuse = (field: string, message: string) => {
      first ??= { field, message };
    };
    if (source === null) {
      refuse('target', isObj(t) && typeof t.id === 'string' ? 'names a whole resource, not a passage of a page' : 'has no source');
      continue;
    }
    if (!httpUrl(source)) {
      refuse('target.source', 'must be an http(s) address');
      continue;
    }
    if (typeof t === 'string' || !isObj(t)) {
      refuse('target', 'names a whole page, not a passage of it (no selector)');
      continue;
    }
    const selectors = selectorsOf(t.selector);
    const quote = selectors.find((s) => s.type === 'TextQuoteSelector');
    if (!quote) {
      refuse('target.selector', selectors.some((s) => s.type === 'TextPositionSelector')
        ? 'has a position but no TextQuoteSelector: without the quoted text the passage cannot be checked'
        : 'has no TextQuoteSelector (this reader takes passages of text)');
      continue;
    }
    return { source: httpUrl(source)!, quote, position: selectors.find((s) => s.type === 'TextPositionSelector'), range: rangeHintOf(selectors), styleClass: t.styleClass };
  }
  return first ?? { field: 'target', message: 'has no passage of text' };
}

/** Reads one annotation into a highlight, or says why not. */
function readAnnotation(a: unknown, where: string, defaults: FileDefaults, filled: Filled): SavedHighlight | FileError {
  const fail = (field: string, message: string): FileError => ({ where: field ? `${where}, ${field}` : where, message });
  const fill = (what: string) => filled.set(what, (filled.get(what) ?? 0) + 1);
  if (!isObj(a)) return fail('', 'is not an object');
  if (!asList(a.type).includes('Annotation')) return fail('type', `must be "Annotation", not ${JSON.stringify(a.type)?.slice(0, 40)}`);
  if (typeof a.id !== 'string' || !/^(urn:uuid:[0-9a-f-]{36}|https?:\/\/\S+)$/i.test(a.id) || a.id.length > 300) {
    return fail('id', 'must be a urn:uuid or an http(s) IRI');
  }
  let created: string;
  if (a.created === undefined) {
    created = defaults.created ?? new Date(defaults.now).toISOString();
    fill(defaults.created ? 'created, from the file' : 'created, from the import time');
  } else {
    const read = instant(a.created, defaults.now);
    if (typeof read !== 'string') return fail('created', read.refused);
    created = read;
  }
  const modifiedRead = a.modified === undefined ? created : instant(a.modified, defaults.now);
  if (typeof modifiedRead !== 'string') return fail('modified', modifiedRead.refused);
  const modified = modifiedRead < created ? created : modifiedRead;
  let creator: Creator;
  if (a.creator === undefined) {
    creator = defaults.creator ?? { id: UNKNOWN_CREATOR, name: '' };
    fill(defaults.creator ? 'creator, from the file' : 'creator, unknown');
  } else {
    const read = readCreator(a.creator);
    if (!read) return fail('creator', 'must be an IRI or a person with an id or a name');
    creator = read;
  }

  const target = readTarget(a);
  if ('message' in target) return fail(target.field, target.message);
  const { source, quote, position, range } = target;
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

  const bodies = readBodies(a);
  if (typeof bodies === 'string') return fail('', bodies);
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
    // Code points, as the model says, but for our own older files (written before they said which).
    ...(range ? { rangeHint: range } : {}),
    ...(a['ng:positionUnit'] === 'utf16' || (a['ng:positionUnit'] === undefined && ('ng:context' in a || 'ng:pageUrl' in a)) ? {} : { positionUnit: 'codepoint' as const }),
    context: text('ng:context', 4000),
    note: bodies.note,
    tags: parseTags(bodies.tags),
    colour,
    entities: [...new Set(bodies.entities)],
    creator,
    created,
    modified,
    syncBase: modified,
  };
}

/** What a file holds, read and checked. */
export interface ParsedFile {
  highlights: SavedHighlight[];
  label: string | null;
  /** Annotations that cannot be imported, each with the reason (the others can be, if the reader chooses). */
  refused: FileError[];
  /** How many of `refused` there were in all (the list stops at MAX_LISTED_REFUSALS). */
  refusedTotal: number;
  /** What was filled in where annotations left it out ("created, from the import time": 3). */
  filled: { what: string; count: number }[];
  /** The format the file was written in. */
  format: 'w3c' | 'hypothesis';
}

/** Refusals listed one by one in a preview; beyond, only counted. */
export const MAX_LISTED_REFUSALS = 200;

/** Annotations and their context, from any container the model (or Hypothesis) writes them in. */
function itemsOf(data: unknown): { items: unknown[]; label: string | null; created: unknown; creator: unknown; format: ParsedFile['format'] } {
  const none = { label: null, created: undefined, creator: undefined };
  if (Array.isArray(data)) return { items: data, ...none, format: data.some(isHypothesisRow) ? 'hypothesis' : 'w3c' };
  if (!isObj(data)) throw new AnnotationFileError([{ where: '', message: 'this is not a Web Annotation file (expected an AnnotationCollection, an AnnotationPage or an Annotation)' }]);
  // Hypothesis: the API's search answer ({ total, rows }) and the client's export ({ export_userid, annotations }).
  if (Array.isArray(data.rows) && data.rows.some(isHypothesisRow)) return { items: data.rows, ...none, format: 'hypothesis' };
  if (Array.isArray(data.annotations) && (typeof data.export_userid === 'string' || data.annotations.some(isHypothesisRow))) {
    return { items: data.annotations, label: typeof data.export_userid === 'string' ? `Hypothesis export of ${data.export_userid.slice(0, 100)}` : null, created: data.export_date, creator: undefined, format: 'hypothesis' };
  }
  const types = asList(data.type);
  if (types.includes('AnnotationCollection')) {
    if (data['@context'] !== undefined && !hasContext(data['@context'])) throw new AnnotationFileError([{ where: 'collection, @context', message: `must include ${ANNO_CONTEXT}` }]);
    const items: unknown[] = [];
    // The pages embedded in the file, first to last (each page's `next` when it is embedded too).
    let page: unknown = data.first;
    for (let n = 0; isObj(page) && n < 10_000; n++) {
      if (!Array.isArray(page.items)) break;
      items.push(...page.items);
      page = page.next;
    }
    if (!isObj(data.first) && data.first !== undefined) {
      throw new AnnotationFileError([{ where: 'collection, first', message: 'names its pages by address; this reader takes files with the annotations embedded' }]);
    }
    if (isObj(data.first) && !Array.isArray(data.first.items)) throw new AnnotationFileError([{ where: 'collection, first', message: 'must be an AnnotationPage with items' }]);
    return { items, label: typeof data.label === 'string' ? data.label.slice(0, 200) : null, created: data.created, creator: data.creator, format: 'w3c' };
  }
  if (types.includes('AnnotationPage') && Array.isArray(data.items)) return { items: data.items, ...none, format: 'w3c' };
  if (types.includes('Annotation')) return { items: [data], ...none, format: 'w3c' };
  if (isHypothesisRow(data)) return { items: [data], ...none, format: 'hypothesis' };
  throw new AnnotationFileError([{ where: '', message: 'this is not a Web Annotation file (expected an AnnotationCollection, an AnnotationPage, an Annotation, or a Hypothesis export)' }]);
}

/** A row of Hypothesis's own JSON (its API and its export): `uri`, `user`, `target` with selectors, no W3C type. */
function isHypothesisRow(v: unknown): v is Obj {
  return isObj(v) && v.type === undefined && typeof v.uri === 'string' && Array.isArray(v.target) && typeof v.user === 'string';
}

/** A Hypothesis row in the W3C model's terms, so one reader checks both. */
function fromHypothesis(row: Obj): Obj {
  const id = typeof row.id === 'string' && /^[\w-]{1,64}$/.test(row.id) ? `https://hypothes.is/a/${row.id}` : row.id;
  const displayName = isObj(row.user_info) && typeof row.user_info.display_name === 'string' ? row.user_info.display_name : undefined;
  const account = /^acct:([^@\s]{1,100})@/.exec(String(row.user));
  const body: unknown[] = [];
  if (typeof row.text === 'string' && row.text.trim()) body.push({ type: 'TextualBody', value: row.text, format: 'text/markdown', purpose: 'commenting' });
  for (const tag of asList(row.tags)) if (typeof tag === 'string') body.push({ type: 'TextualBody', value: tag, purpose: 'tagging' });
  const title = isObj(row.document) ? asList(row.document.title).find((t) => typeof t === 'string') : undefined;
  return {
    type: 'Annotation',
    id,
    created: row.created,
    modified: row.updated ?? row.created,
    creator: { id: row.user, name: displayName ?? account?.[1] ?? '' },
    body,
    target: asList(row.target).map((t) => (isObj(t) ? { ...t, source: t.source ?? row.uri } : t)),
    ...(typeof title === 'string' ? { 'ng:title': title } : {}),
    ...(Array.isArray(row.references) && row.references.length ? { 'ng:reply': true } : {}),
  };
}

/** Reads an annotation file's text: a collection (with its pages), a page, one annotation, a list, or Hypothesis's JSON. */
export function parseAnnotationFile(text: string, now = Date.now()): ParsedFile {
  if (text.length > MAX_FILE_BYTES) throw new AnnotationFileError([{ where: '', message: `the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` }]);
  if (text.trim() === '') throw new AnnotationFileError([{ where: '', message: 'the file is empty' }]);
  let data: unknown;
  try {
    data = parseGuardedJson(text, MAX_DEPTH);
  } catch (error) {
    if (error instanceof JsonRefusal) throw new AnnotationFileError([{ where: '', message: error.message }]);
    throw error;
  }
  const { items, label, created, creator, format } = itemsOf(data);
  if (items.length > MAX_ANNOTATIONS) throw new AnnotationFileError([{ where: '', message: `the file holds ${items.length} annotations; at most ${MAX_ANNOTATIONS} are read` }]);
  const fileCreated = created === undefined ? null : instant(created, now);
  const defaults: FileDefaults = { now, created: typeof fileCreated === 'string' ? fileCreated : null, creator: creator === undefined ? null : readCreator(creator) };
  const refused: FileError[] = [];
  let refusedTotal = 0;
  const refuse = (e: FileError) => {
    refusedTotal++;
    if (refused.length < MAX_LISTED_REFUSALS) refused.push(e);
  };
  const filled: Filled = new Map();
  const highlights: SavedHighlight[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const where = `annotation ${i + 1}${isObj(item) && typeof item.id === 'string' ? ` (${item.id.slice(0, 60)})` : ''}`;
    if (isObj(item) && item['@context'] !== undefined && !hasContext(item['@context'])) {
      refuse({ where: `${where}, @context`, message: `must include ${ANNO_CONTEXT}` });
      return;
    }
    const annotation = isHypothesisRow(item) ? fromHypothesis(item) : item;
    if (isObj(annotation) && annotation['ng:reply'] === true) {
      refuse({ where, message: 'is a reply to another annotation, not a passage of the page' });
      return;
    }
    const h = readAnnotation(annotation, where, defaults, filled);
    if ('message' in h) {
      refuse(h);
      return;
    }
    const twice = seen.get(h.id);
    if (twice !== undefined) {
      refuse({ where, message: `has the same id as annotation ${twice + 1}` });
      return;
    }
    seen.set(h.id, i);
    highlights.push(h);
  });
  // Nothing to import: the file is refused with its reasons.
  if (highlights.length === 0) {
    throw new AnnotationFileError(refused.length ? refused.slice(0, MAX_ERRORS) : [{ where: '', message: 'the file holds no annotation' }]);
  }
  return { highlights, label, refused, refusedTotal, filled: [...filled].map(([what, count]) => ({ what, count })), format };
}

/** How an import would change the database. */
export interface ImportPlan {
  added: SavedHighlight[];
  updated: SavedHighlight[];
  conflicts: SavedHighlight[];
  unchanged: number;
  /** Annotations that cannot be merged (another passage's id, one claiming to be the reader), with why. */
  refused: FileError[];
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
 * other attached as a conflict. Refuses (with reasons, in `refused`) ids that name a different
 * passage and annotations that claim to be the local reader's.
 */
export function planImport(existing: ReadonlyMap<string, SavedHighlight>, incoming: readonly SavedHighlight[], readerId: string): ImportPlan {
  const plan: ImportPlan = { added: [], updated: [], conflicts: [], unchanged: 0, refused: [] };
  const errors = plan.refused;
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
  return plan;
}
