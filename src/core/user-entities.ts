/**
 * The reader's own dictionary: entities added on the dictionary page, from a selection on a page,
 * from a teammate's pack file or from a FollowTheMoney entity list. Every way in goes through the
 * same checks (`readEntity`), so a hostile file cannot place what the form would refuse. Also the
 * pack file format and how an import merges with what the reader has. Pure.
 */
import { httpUrl } from './urls.ts';
import {
  ENTITY_KINDS, MAX_NAME_LENGTH, SEED_PACK_ID,
  type EntityAlias, type EntityAuthor, type EntityKind, type EntityRecord, type Evidence, type SeedArticle,
} from './dictionary.ts';
import { FileProblems, JsonRefusal, parseGuardedJson, type FileProblem } from './guarded-json.ts';
import { normalize } from './normalize.ts';

/** The pack of entities the reader adds here. */
export const MINE_PACK_ID = 'mine';
/** The author id of entities made in this browser (exported under the reader's own id). */
export const LOCAL_AUTHOR_ID = 'local';

export { MAX_NAME_LENGTH };
export const PACK_FORMAT = 'newsgloss-dictionary-pack';
export const MAX_PACK_BYTES = 64 * 1024 * 1024;
export const MAX_PACK_ENTITIES = 200_000;
export const MAX_DESCRIPTION_LENGTH = 4000;
export const MAX_ALIASES = 50;
export const MAX_ALIAS_LENGTH = 200;
export const MAX_EVIDENCE = 20;
const MAX_DEPTH = 16;
const MAX_ERRORS = 20;

/** Where a pack came from: built in, the reader's own, a teammate's file, an entity list. */
export type PackOrigin = 'seed' | 'mine' | 'pack' | 'ftm';

export interface DictionaryPack {
  id: string;
  name: string;
  enabled: boolean;
  origin: PackOrigin;
  author?: EntityAuthor;
  /** ISO time the pack was made or imported. */
  added: string;
}

/** A version of an entity set aside when it changed both here and in an imported file. */
export interface EntityVersion {
  kind: EntityKind;
  name: string;
  description: string;
  aliases: EntityAlias[];
  contextFrom?: string[];
  modified: string;
  author?: EntityAuthor;
}

/** An entity of the reader's packs, as stored. */
export interface UserEntity extends EntityRecord {
  created: string;
  modified: string;
  /** For an imported entity: the `modified` of the version last imported, to tell who changed it since. */
  syncBase?: string;
  conflicts?: EntityVersion[];
}

/** A problem with a file or a form: where (which entity, which field) and what. */
export type EntityProblem = FileProblem;

export class PackFileError extends FileProblems {
  override name = 'PackFileError';
}

/**
 * Words that would match on every page. An alias equal to one of them is refused: it would paint
 * "the" or "said" everywhere. English and French function words, reporting verbs, and the
 * commonest news nouns.
 */
const STOP_WORDS = new Set(
  `a an the and or but nor of in on at to for from by with without about as into onto over under after before
  since until than then this that these those it its he she they we you i me him her them us our your their his
  is are was were be been being has have had do does did will would shall should can could may might must
  not no yes all any some each every other such more most less very also just only still even so too
  said says say told tells according added asked new old first last next one two three four five ten
  mr mrs ms dr sir news today yesterday tomorrow week year years month day time people government
  le la les un une des du de d l et ou mais donc car ni en dans sur sous pour par avec sans chez
  ce cet cette ces il elle ils elles on nous vous je tu son sa ses leur leurs est sont etait ete etre
  a au aux qui que quoi dont ou plus moins tres aussi selon dit a-t-il`.split(/\s+/).filter(Boolean),
);

/** Why an alias cannot be used, or null when it can. */
export function aliasProblem(text: string): string | null {
  if (text.length > MAX_ALIAS_LENGTH) return `is longer than ${MAX_ALIAS_LENGTH} characters`;
  if (/<\/?[a-z!][^>]*>/i.test(text)) return 'contains markup';
  const folded = normalize(text).trim();
  if (!folded) return 'is empty';
  const wordChars = folded.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  if (wordChars === 0) return 'has no letters';
  // One Chinese or Japanese character can be a word on its own, but never a name worth painting.
  if (wordChars === 1) return 'is a single character: it would match almost everywhere';
  if (/^[\p{N}\s.,-]+$/u.test(folded)) return 'is only a number';
  if (STOP_WORDS.has(folded)) return `is a common word ("${folded}"): it would match on every page`;
  return null;
}

/** Text without markup: tags are taken out, never interpreted. */
function plainText(text: string): { text: string; hadMarkup: boolean } {
  const stripped = text.replace(/<\/?[a-z!][^>]*>/gi, '');
  return { text: stripped.replace(/\s+/g, ' ').trim(), hadMarkup: stripped !== text };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const ENTITY_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const isEntityId = (v: unknown): v is string => typeof v === 'string' && v.length <= 120 && ENTITY_ID.test(v);
const isLang = (v: unknown): v is string => typeof v === 'string' && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(v);

/** A new id for an entity made here. */
export function newEntityId(): string {
  return `u-${crypto.randomUUID()}`;
}

/** Parses an ISO date-time to the same instant in UTC; times in the future are brought back to `now`. */
export function normalTime(v: unknown, now: number): string | null {
  if (typeof v !== 'string' || v.length > 40 || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) return null;
  const t = Date.parse(v);
  if (!Number.isFinite(t)) return null;
  return new Date(Math.min(t, now)).toISOString();
}

/** An alias left out of an entity, and why. */
export interface RejectedAlias {
  entity: string;
  alias: string;
  reason: string;
}

export interface ReadContext {
  pack: string;
  now: number;
  /** The author when the input names none (the reader's form, an entity list). */
  author?: EntityAuthor;
  /** Entity ids of the built-in pack, which no other pack may reuse. */
  reservedIds: ReadonlySet<string>;
}

/** The outcome of reading one entity: the entity (or null when refused), problems that refused it, aliases left out. */
export interface ReadEntity {
  entity: UserEntity | null;
  errors: EntityProblem[];
  rejected: RejectedAlias[];
  /** Things changed on the way in, e.g. markup taken out of the description. */
  notes: string[];
}

/**
 * Checks one entity from anywhere (form, page, pack file) and builds its stored form. Field
 * problems refuse the entity with a reason; an alias that would paint the wrong words is left out
 * with its reason; the name counts as an alias.
 */
export function readEntity(raw: unknown, where: string, ctx: ReadContext): ReadEntity {
  const out: ReadEntity = { entity: null, errors: [], rejected: [], notes: [] };
  const fail = (field: string, message: string): ReadEntity => {
    out.errors.push({ where: field ? `${where}, ${field}` : where, message });
    return out;
  };
  if (!isObj(raw)) return fail('', 'is not an object');
  const id = raw.id === undefined ? newEntityId() : raw.id;
  if (!isEntityId(id)) return fail('id', 'must be lower-case letters, digits and dashes (at most 120)');
  if (ctx.reservedIds.has(id)) return fail('id', 'is the id of a built-in entity');
  if (typeof raw.kind !== 'string' || !(ENTITY_KINDS as readonly string[]).includes(raw.kind)) {
    return fail('kind', `must be one of ${ENTITY_KINDS.join(', ')}`);
  }
  const kind = raw.kind as EntityKind;
  if (typeof raw.name !== 'string') return fail('name', 'must be text');
  if (raw.name.length > MAX_NAME_LENGTH) return fail('name', `is longer than ${MAX_NAME_LENGTH} characters`);
  const name = plainText(raw.name);
  if (!name.text) return fail('name', 'is empty');
  if (name.hadMarkup) return fail('name', 'contains markup');
  if (raw.description !== undefined && typeof raw.description !== 'string') return fail('description', 'must be text');
  const rawDescription = (raw.description as string | undefined) ?? '';
  if (rawDescription.length > MAX_DESCRIPTION_LENGTH) return fail('description', `is longer than ${MAX_DESCRIPTION_LENGTH} characters`);
  const description = plainText(rawDescription);
  if (description.hadMarkup) out.notes.push(`${where}: markup taken out of the description (it is shown as text only)`);

  const rawAliases = raw.aliases === undefined ? [] : raw.aliases;
  if (!Array.isArray(rawAliases)) return fail('aliases', 'must be a list');
  if (rawAliases.length > MAX_ALIASES) return fail('aliases', `holds ${rawAliases.length} aliases; at most ${MAX_ALIASES}`);
  const aliases: EntityAlias[] = [];
  const seen = new Set<string>();
  const addAlias = (a: EntityAlias): void => {
    const problem = aliasProblem(a.text);
    if (problem) {
      out.rejected.push({ entity: name.text, alias: a.text.slice(0, 80), reason: problem });
      return;
    }
    const key = normalize(a.text);
    if (seen.has(key)) return;
    seen.add(key);
    aliases.push(a);
  };
  addAlias({ text: name.text });
  for (const [i, a] of rawAliases.entries()) {
    const item = typeof a === 'string' ? { text: a } : a;
    if (!isObj(item) || typeof item.text !== 'string') return fail(`aliases[${i}]`, 'must be text or { text, lang, ambiguous }');
    if (item.lang !== undefined && !isLang(item.lang)) return fail(`aliases[${i}].lang`, 'must be a language code such as "fa" or "zh-Hant"');
    const alias: EntityAlias = { text: item.text.trim() };
    if (item.lang) alias.lang = item.lang as string;
    if (item.ambiguous === true) alias.ambiguous = true;
    if (item.caseSensitive === true) alias.caseSensitive = true;
    if (item.needsTopic === true) alias.needsTopic = true;
    if (typeof item.note === 'string' && item.note.length <= 200) alias.note = plainText(item.note).text;
    addAlias(alias);
  }
  if (!aliases.some((a) => !a.ambiguous)) return fail('aliases', 'no usable alias is left (an entity needs at least one unambiguous name)');

  const contextFrom = raw.contextFrom === undefined ? [] : raw.contextFrom;
  if (!Array.isArray(contextFrom) || contextFrom.length > MAX_ALIASES || !contextFrom.every(isEntityId)) {
    return fail('contextFrom', 'must be a list of entity ids');
  }

  // Evidence: sentences from pages, each naming its page among `sources`.
  const sources: SeedArticle[] = [];
  const rawSources = raw.sources === undefined ? [] : raw.sources;
  if (!Array.isArray(rawSources) || rawSources.length > MAX_EVIDENCE) return fail('sources', `must be a list of at most ${MAX_EVIDENCE} pages`);
  for (const [i, s] of rawSources.entries()) {
    if (!isObj(s) || typeof s.file !== 'string' || !/^[a-z0-9-]{1,40}$/.test(s.file)) return fail(`sources[${i}]`, 'must name its key in "file"');
    const url = s.url === null || s.url === undefined ? null : httpUrl(s.url);
    if (s.url && !url) return fail(`sources[${i}].url`, 'must be an http(s) address');
    const text = (v: unknown, max: number) => (typeof v === 'string' ? plainText(v.slice(0, max)).text || null : null);
    sources.push({
      file: s.file, url, title: text(s.title, 500), outlet: text(s.outlet, 200) ?? (url ? new URL(url).hostname.replace(/^www\./, '') : 'unknown'),
      lang: isLang(s.lang) ? s.lang : 'und', published: normalTime(s.published, ctx.now)?.slice(0, 10) ?? null,
    });
  }
  const evidence: Evidence[] = [];
  const rawEvidence = raw.evidence === undefined ? [] : raw.evidence;
  if (!Array.isArray(rawEvidence) || rawEvidence.length > MAX_EVIDENCE) return fail('evidence', `must be a list of at most ${MAX_EVIDENCE} sentences`);
  for (const [i, ev] of rawEvidence.entries()) {
    if (!isObj(ev) || typeof ev.sentence !== 'string' || typeof ev.file !== 'string' || typeof ev.form !== 'string') {
      return fail(`evidence[${i}]`, 'must be { file, form, sentence }');
    }
    if (!sources.some((s) => s.file === ev.file)) return fail(`evidence[${i}].file`, 'names no page of "sources"');
    evidence.push({ file: ev.file, form: plainText(ev.form.slice(0, MAX_ALIAS_LENGTH)).text, sentence: plainText(ev.sentence.slice(0, 2000)).text });
  }

  let author = ctx.author;
  if (raw.author !== undefined) {
    const a = raw.author;
    if (!isObj(a) || typeof a.id !== 'string' || a.id.length === 0 || a.id.length > 300 || (a.name !== undefined && typeof a.name !== 'string')) {
      return fail('author', 'must be { id, name }');
    }
    author = { id: a.id, name: plainText(((a.name as string | undefined) ?? '').slice(0, 100)).text };
  }
  const nowIso = new Date(ctx.now).toISOString();
  const created = raw.created === undefined ? nowIso : normalTime(raw.created, ctx.now);
  if (!created) return fail('created', 'must be an ISO date-time');
  const modified = raw.modified === undefined ? created : normalTime(raw.modified, ctx.now);
  if (!modified) return fail('modified', 'must be an ISO date-time');
  const source = typeof raw.source === 'string' ? plainText(raw.source.slice(0, 500)).text || undefined : undefined;

  out.entity = {
    id, kind, name: name.text, description: description.text, aliases, evidence, claims: [], pack: ctx.pack,
    ...(contextFrom.length ? { contextFrom: contextFrom as string[] } : {}),
    ...(sources.length ? { sources } : {}),
    ...(author ? { author } : {}),
    ...(source ? { source } : {}),
    created, modified,
  };
  return out;
}

/** What a pack file holds, read and checked. */
export interface ParsedPack {
  format: 'pack' | 'ftm';
  pack: { id: string; name: string; author?: EntityAuthor };
  entities: UserEntity[];
  rejected: RejectedAlias[];
  notes: string[];
  /** Records of the file that are not entities we highlight (relations, sanctions, addresses of nobody...). */
  skipped: number;
}

const slug = (s: string, max = 60) => normalize(s).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '');

/** Reads a dictionary pack file or a FollowTheMoney entity list (JSON lines or an array). */
export function parseDictionaryFile(text: string, fileName: string, ctx: Omit<ReadContext, 'pack'>): ParsedPack {
  if (text.length > MAX_PACK_BYTES) throw new PackFileError([{ where: '', message: `the file is larger than ${MAX_PACK_BYTES / 1024 / 1024} MB` }]);
  if (text.trim() === '') throw new PackFileError([{ where: '', message: 'the file is empty' }]);
  const first = text.trimStart();
  // FollowTheMoney exports are JSON lines: one entity object per line.
  if (first.startsWith('{') && /^\{[^\n]*"schema"\s*:/.test(first) && !/^\{[^\n]*"format"\s*:\s*"newsgloss/.test(first)) {
    return parseFollowTheMoney(text, fileName, ctx);
  }
  let data: unknown;
  try {
    data = parseGuardedJson(text, MAX_DEPTH);
  } catch (e) {
    if (e instanceof JsonRefusal) throw new PackFileError([{ where: e.where, message: e.message }]);
    throw e;
  }
  if (Array.isArray(data) && data.every((d) => isObj(d) && typeof d.schema === 'string')) return parseFollowTheMoney(data, fileName, ctx);
  if (!isObj(data) || data.format !== PACK_FORMAT) {
    throw new PackFileError([{ where: '', message: `this is not a dictionary pack (expected "format": "${PACK_FORMAT}") nor a FollowTheMoney entity list` }]);
  }
  if (data.version !== 1) throw new PackFileError([{ where: 'version', message: `version ${JSON.stringify(data.version)?.slice(0, 20)} is not supported (this reader takes 1)` }]);
  const p = data.pack;
  if (!isObj(p) || !isEntityId(p.id) || p.id === SEED_PACK_ID || p.id === MINE_PACK_ID || typeof p.name !== 'string' || !p.name.trim() || p.name.length > 200) {
    throw new PackFileError([{ where: 'pack', message: 'must be { id, name } with a lower-case id other than "seed" and "mine"' }]);
  }
  if (!Array.isArray(data.entities)) throw new PackFileError([{ where: 'entities', message: 'must be a list' }]);
  if (data.entities.length > MAX_PACK_ENTITIES) {
    throw new PackFileError([{ where: 'entities', message: `the file holds ${data.entities.length} entities; at most ${MAX_PACK_ENTITIES} are read` }]);
  }
  let author: EntityAuthor | undefined;
  if (isObj(data.author) && typeof data.author.id === 'string' && data.author.id.length <= 300) {
    author = { id: data.author.id, name: typeof data.author.name === 'string' ? plainText(data.author.name.slice(0, 100)).text : '' };
  }
  const pack = { id: p.id, name: plainText(p.name).text, ...(author ? { author } : {}) };
  const errors: EntityProblem[] = [];
  const out: ParsedPack = { format: 'pack', pack, entities: [], rejected: [], notes: [], skipped: 0 };
  const seen = new Map<string, number>();
  data.entities.forEach((raw, i) => {
    if (errors.length >= MAX_ERRORS) return;
    const label = isObj(raw) && typeof raw.name === 'string' ? ` (${raw.name.slice(0, 40)})` : '';
    const where = `entity ${i + 1}${label}`;
    if (isObj(raw) && raw.id === undefined) {
      errors.push({ where: `${where}, id`, message: 'is missing' });
      return;
    }
    const read = readEntity(raw, where, { ...ctx, pack: pack.id, author });
    errors.push(...read.errors);
    out.rejected.push(...read.rejected);
    out.notes.push(...read.notes);
    if (!read.entity) return;
    const twice = seen.get(read.entity.id);
    if (twice !== undefined) {
      errors.push({ where, message: `has the same id as entity ${twice + 1}` });
      return;
    }
    seen.set(read.entity.id, i);
    out.entities.push({ ...read.entity, syncBase: read.entity.modified });
  });
  if (errors.length) throw new PackFileError(errors.slice(0, MAX_ERRORS));
  return out;
}

/** FollowTheMoney schemata we highlight, and the kind each becomes. Persons are decided by their properties. */
const FTM_KIND: Record<string, EntityKind> = {
  Organization: 'organisation', Company: 'organisation', LegalEntity: 'organisation', PublicBody: 'organisation',
  Airline: 'organisation', Project: 'topic', Event: 'event', Address: 'place', Contract: 'agreement',
};

/** Reads a FollowTheMoney entity list (OpenSanctions, OCCRP Aleph exports). */
function parseFollowTheMoney(input: string | unknown[], fileName: string, ctx: Omit<ReadContext, 'pack'>): ParsedPack {
  const packName = fileName.replace(/\.(jsonl?|ndjson|ftm)$/i, '').slice(0, 100) || 'Entity list';
  const packId = `ftm-${slug(packName, 40) || 'list'}`;
  const out: ParsedPack = { format: 'ftm', pack: { id: packId, name: packName }, entities: [], rejected: [], notes: [], skipped: 0 };
  const errors: EntityProblem[] = [];
  const items: { value: unknown; line: number }[] = [];
  if (typeof input === 'string') {
    let line = 0;
    for (const row of input.split('\n')) {
      line++;
      if (!row.trim()) continue;
      if (items.length >= MAX_PACK_ENTITIES) {
        errors.push({ where: `line ${line}`, message: `the list holds more than ${MAX_PACK_ENTITIES} records` });
        break;
      }
      try {
        items.push({ value: parseGuardedJson(row, MAX_DEPTH), line });
      } catch (e) {
        if (!(e instanceof JsonRefusal)) throw e;
        errors.push({ where: `line ${line}`, message: e.message });
        if (errors.length >= MAX_ERRORS) break;
      }
    }
  } else input.forEach((value, i) => items.push({ value, line: i + 1 }));
  const seen = new Set<string>();
  for (const { value, line } of items) {
    if (errors.length >= MAX_ERRORS) break;
    const where = `line ${line}`;
    if (!isObj(value) || typeof value.schema !== 'string' || typeof value.id !== 'string' || !isObj(value.properties)) {
      errors.push({ where, message: 'is not a FollowTheMoney entity ({ id, schema, properties })' });
      continue;
    }
    const props = value.properties;
    const list = (k: string): string[] => (Array.isArray(props[k]) ? (props[k] as unknown[]).filter((v): v is string => typeof v === 'string') : []);
    const names = list('name');
    let kind: EntityKind | undefined = FTM_KIND[value.schema];
    if (value.schema === 'Person') {
      const topics = list('topics');
      kind = list('position').length || topics.some((t) => t.startsWith('role.pep') || t.startsWith('gov')) ? 'official' : 'person';
    }
    if (!kind || names.length === 0) {
      out.skipped++;
      continue;
    }
    let id = `ftm-${slug(value.id, 100) || 'entity'}`;
    if (seen.has(id)) id = `${id.slice(0, 110)}-${seen.size}`;
    seen.add(id);
    const aliases: EntityAlias[] = [];
    for (const n of names.slice(1)) aliases.push({ text: n });
    for (const n of list('alias')) aliases.push({ text: n });
    for (const n of list('previousName')) aliases.push({ text: n, note: 'previous name' });
    for (const n of list('weakAlias')) aliases.push({ text: n, ambiguous: true });
    if (aliases.length > MAX_ALIASES) {
      out.notes.push(`${where} (${names[0].slice(0, 40)}): ${aliases.length - MAX_ALIASES} aliases beyond ${MAX_ALIASES} left out`);
      aliases.length = MAX_ALIASES;
    }
    const describe = [
      ...list('notes').slice(0, 1),
      ...(list('position').length ? [`Position: ${list('position').slice(0, 3).join('; ')}`] : []),
      ...(list('country').length || list('jurisdiction').length ? [`Country: ${[...list('country'), ...list('jurisdiction')].slice(0, 4).join(', ').toUpperCase()}`] : []),
      ...(list('topics').length ? [`Topics: ${list('topics').slice(0, 5).join(', ')}`] : []),
    ].join('. ').slice(0, MAX_DESCRIPTION_LENGTH);
    const datasets = Array.isArray(value.datasets) ? (value.datasets as unknown[]).filter((d): d is string => typeof d === 'string').slice(0, 5) : [];
    const read = readEntity({
      id, kind, name: names[0].slice(0, MAX_NAME_LENGTH), description: describe, aliases,
      source: `FollowTheMoney ${value.schema} ${value.id.slice(0, 100)} in ${packName}${datasets.length ? ` (${datasets.join(', ')})` : ''}`,
      ...(typeof value.last_change === 'string' ? { modified: value.last_change } : {}),
    }, `${where} (${names[0].slice(0, 40)})`, { ...ctx, pack: packId });
    if (!read.entity) {
      // A record whose own name cannot be used (one letter, a common word) is left out with the reason, not the list.
      out.rejected.push(...read.rejected);
      if (read.errors.length) out.notes.push(...read.errors.map((e) => `${e.where}: ${e.message}; left out`));
      out.skipped++;
      continue;
    }
    out.rejected.push(...read.rejected);
    out.notes.push(...read.notes);
    out.entities.push({ ...read.entity, syncBase: read.entity.modified });
  }
  if (errors.length) throw new PackFileError(errors.slice(0, MAX_ERRORS));
  if (out.entities.length === 0) throw new PackFileError([{ where: '', message: 'the list holds no person, organisation or other entity with a name' }]);
  return out;
}

/** The pack file for `entities`: what a teammate imports. Local entities go out under the reader's id and name. */
export function writePackFile(entities: readonly UserEntity[], pack: { id: string; name: string }, reader: EntityAuthor, now = new Date()): string {
  const author = (a: EntityAuthor | undefined): EntityAuthor => (!a || a.id === LOCAL_AUTHOR_ID ? reader : a);
  return JSON.stringify({
    format: PACK_FORMAT,
    version: 1,
    pack,
    author: reader,
    exported: now.toISOString(),
    entities: entities.map((e) => ({
      id: e.id, kind: e.kind, name: e.name, description: e.description, aliases: e.aliases,
      ...(e.contextFrom?.length ? { contextFrom: e.contextFrom } : {}),
      ...(e.sources?.length ? { sources: e.sources, evidence: e.evidence } : {}),
      ...(e.source ? { source: e.source } : {}),
      author: author(e.author), created: e.created, modified: e.modified,
    })),
  }, null, 1);
}

/** The id a reader's own pack goes out under: the same for every export of one reader. */
export function exportedPackId(packId: string, readerId: string): string {
  if (packId !== MINE_PACK_ID) return packId;
  let h = 0x811c9dc5;
  for (let i = 0; i < readerId.length; i++) h = Math.imul(h ^ readerId.charCodeAt(i), 0x01000193) >>> 0;
  return `from-${h.toString(16).padStart(8, '0')}`;
}

const aliasKey = (a: readonly EntityAlias[]) => a.map((x) => `${x.text}\u0001${x.lang ?? ''}\u0001${x.ambiguous ? 1 : 0}${x.needsTopic ? 1 : 0}`).join('\u0000');
export const sameEntityContent = (a: EntityVersion, b: EntityVersion): boolean =>
  a.kind === b.kind && a.name === b.name && a.description === b.description && aliasKey(a.aliases) === aliasKey(b.aliases) &&
  (a.contextFrom ?? []).join(' ') === (b.contextFrom ?? []).join(' ');

export function versionOf(e: UserEntity): EntityVersion {
  return {
    kind: e.kind, name: e.name, description: e.description, aliases: e.aliases, modified: e.modified,
    ...(e.contextFrom ? { contextFrom: e.contextFrom } : {}), ...(e.author ? { author: e.author } : {}),
  };
}

/** How an import would change the reader's dictionary. */
export interface PackPlan {
  added: UserEntity[];
  updated: UserEntity[];
  conflicts: UserEntity[];
  unchanged: number;
}

/**
 * Merges `incoming` into `existing` (by id). The same entity twice adds nothing; one changed only
 * in the file replaces ours; one changed on both sides keeps the newer version (compared as
 * instants) with the other set aside as a conflict. Refuses entities that claim to be the reader's
 * own but are not.
 */
export function planPackImport(existing: ReadonlyMap<string, UserEntity>, incoming: readonly UserEntity[], readerId: string): PackPlan {
  const plan: PackPlan = { added: [], updated: [], conflicts: [], unchanged: 0 };
  const errors: EntityProblem[] = [];
  for (const [i, inc] of incoming.entries()) {
    const where = `entity ${i + 1} (${inc.name.slice(0, 40)})`;
    const claimsLocal = inc.author?.id === readerId || inc.author?.id === LOCAL_AUTHOR_ID;
    const mine = existing.get(inc.id);
    if (!mine) {
      if (claimsLocal) errors.push({ where: `${where}, author`, message: 'claims to be you, but you have no such entity' });
      else plan.added.push(inc);
      continue;
    }
    const incoming = { ...inc, pack: mine.pack };
    if (sameEntityContent(versionOf(mine), versionOf(inc))) {
      plan.unchanged++;
      continue;
    }
    if (claimsLocal && mine.author?.id === LOCAL_AUTHOR_ID) {
      errors.push({ where: `${where}, author`, message: 'claims to be you, but differs from your entity' });
      continue;
    }
    const base = mine.syncBase;
    const changedHere = base === undefined || mine.modified !== base;
    const changedThere = base === undefined || inc.modified !== base;
    if (!changedThere) plan.unchanged++;
    else if (!changedHere) plan.updated.push({ ...incoming, created: mine.created, conflicts: mine.conflicts });
    else {
      const incomingNewer = Date.parse(inc.modified) > Date.parse(mine.modified);
      const winner = incomingNewer ? incoming : mine;
      const loser = incomingNewer ? mine : inc;
      plan.conflicts.push({ ...winner, created: mine.created, syncBase: inc.modified, conflicts: [...(mine.conflicts ?? []), versionOf(loser)] });
    }
  }
  if (errors.length) throw new PackFileError(errors.slice(0, MAX_ERRORS));
  return plan;
}
