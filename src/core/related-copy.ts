/**
 * The ranking copy: what ranking related coverage reads (how many articles mention each entity,
 * each entity's newest articles, and per article what the popup lists), kept in the browser's
 * session storage beside the database. A popup opened after the worker stopped ranks from it
 * without waiting for the database to open, which at 10,000 stored articles of news length is
 * most of its wait (130–230 ms). Session storage is held in memory, is readable by extension
 * pages only (never by content scripts), and is gone when the browser closes: the copy is built
 * again from the database's cards (CardRow) as the browser starts, and when a popup finds none.
 * The database stays the record; the popup shows the copy's answer first and the database's (with
 * snippets) replaces it.
 *
 * Every value is one string, so the browser counts it near its length against the 10 MB that
 * session storage may hold (Chromium counts estimated memory, where each element of a list adds
 * overhead). Pure logic: the storage and the database are the background's
 * (src/background/related-copy-store.ts).
 */
import { entityWeight, rankRelated, type ArticleRecord, type RelatedItem } from './coverage.ts';

export const COPY_KEY_PREFIX = 'related:';
export const COPY_STATE_KEY = 'related:state';
export const cardKey = (id: string): string => `related:a:${id}`;
export const postingsKey = (entityNo: number): string => `related:p:${entityNo.toString(36)}`;

/**
 * At most this many characters of keys and values: session storage holds 10 MB in all (the
 * extension keeps nothing else there). A copy that writes take past it (with cards no list names
 * any more, which updates leave in place) is built again, which drops those.
 */
export const COPY_CHAR_LIMIT = 8 * 1024 * 1024;

/**
 * A build keeps a copy of at most this many characters, leaving room for the articles written
 * after it (about 4,000 of news length) before it must be built again. Above it no copy is kept
 * and the popup reads the database alone.
 */
export const COPY_BUILD_LIMIT = 6 * 1024 * 1024;

/**
 * Keys of articles read per related-coverage query, at most: the entities found in most stored
 * articles weigh little, and reading their thousands of keys was the cost of a query on a large
 * store (about 20 µs a key; the popup reads them on every opening). Their weight still counts in
 * the final ranking. When even the page's rarest entity is in more articles than this, its newest
 * articles are the candidates, as a reader of the news expects (and the query's cost stays the
 * same at 100,000 stored articles as at 10,000). The copy keeps each entity's newest this many.
 */
export const POSTINGS_BUDGET = 1500;

/** The copy's header: the article total, and per entity (numbered in the copy) its article count. */
export interface CopyState {
  total: number;
  /**
   * The database's count of article writes the copy holds every one of: a copy that missed one
   * (its worker stopped between the database's commit and the copy's update) keeps a lower count.
   */
  writes: number;
  entities: string[];
  df: number[];
  /** Characters the copy holds, keys and values (checked against COPY_CHAR_LIMIT). */
  chars: number;
}

/**
 * What the copy is built from, one per stored article, kept by the database with every article
 * write (v6 `cards`): the record without the text, mentions or full signature, so a build reads
 * a few hundred bytes an article instead of its text.
 */
export type CardRow = Omit<ArticleRecord, 'text' | 'mentions' | 'signature'> & {
  /** The low 16 bits of each signature slot, base64 (shortSignature): enough to tell copies of one story apart. */
  sig: string;
};

/**
 * An article's card. Records an earlier version stored may lack a signature or entity list (the
 * upgrade derives a card from every one, and must not stop at any): a card then has none.
 */
export function cardRow(a: ArticleRecord): CardRow {
  return {
    id: a.id, url: a.url, title: a.title, outlet: a.outlet, byline: a.byline, published: a.published, lang: a.lang,
    savedAt: a.savedAt, origin: a.origin, entityIds: Array.isArray(a.entityIds) ? a.entityIds : [],
    sig: Array.isArray(a.signature) ? shortSignature(a.signature) : '',
  };
}

/** A card as the copy keeps it: its entities by their number in the copy, which is shorter. */
export type CopyCard = Omit<CardRow, 'entityIds'> & {
  /** The article's entities by their number in the copy, in its order, base 36, comma-separated. */
  e: string;
};

/** A signature's low 16 bits per slot: two texts' slots agree by chance once in 65,536. */
export function shortSignature(signature: readonly number[]): string {
  let bytes = '';
  for (const v of signature) bytes += String.fromCharCode(v & 0xff, (v >>> 8) & 0xff);
  return btoa(bytes);
}

export function signatureOfShort(sig: string): number[] {
  const bytes = atob(sig);
  const out: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) out.push(bytes.charCodeAt(i) | (bytes.charCodeAt(i + 1) << 8));
  return out;
}

/** The number an entity has in the copy, numbering it when new. */
export function entityNumber(state: CopyState, numbers: Map<string, number>, entity: string): number {
  let n = numbers.get(entity);
  if (n === undefined) {
    n = state.entities.length;
    state.entities.push(entity);
    state.df.push(0);
    numbers.set(entity, n);
  }
  return n;
}

export function numbersOf(state: CopyState): Map<string, number> {
  return new Map(state.entities.map((e, i) => [e, i]));
}

export function toCard(row: CardRow, numberOf: (entity: string) => number): CopyCard {
  const { entityIds, ...fields } = row;
  return { ...fields, e: entityIds.map((id) => numberOf(id).toString(36)).join(',') };
}

/** The entity ids of a card, from the copy's numbering. */
export function cardEntities(card: CopyCard, entities: readonly string[]): string[] {
  return card.e ? card.e.split(',').map((n) => entities[parseInt(n, 36)]).filter((e): e is string => e !== undefined) : [];
}

/**
 * One article in an entity's list: its date and id, so that sorting the entries descending puts
 * them in the order the database's mentions keys give read backwards (newest dated first, same
 * date by id, undated last).
 */
export function postingEntry(published: string | null, id: string): string {
  return `${published ?? ''} ${id}`;
}

export function entryId(entry: string): string {
  return entry.slice(entry.indexOf(' ') + 1);
}

/** An entity's list as stored: entries newest first, one per line. */
export function parsePostings(value: unknown): string[] {
  return typeof value === 'string' && value ? value.split('\n') : [];
}

export function newestFirst(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/**
 * Builds a copy from every stored article's card (in any order), keeping the cards of the articles
 * some entity's list names (its newest POSTINGS_BUDGET): the only ones ranking reads, so the copy
 * grows with the entities rather than the articles. Of the coverage benchmark's 100,000 articles,
 * whose 55 entities each appear in over 31,000, about 4,800 are kept; where most articles name an
 * entity few others do, most are kept, as before.
 */
export class CopyBuilder {
  private readonly state: CopyState = { total: 0, writes: 0, entities: [], df: [], chars: 0 };
  private readonly numbers = new Map<string, number>();
  /** Per entity its entries so far; past twice the budget, cut to the newest. */
  private readonly lists: string[][] = [];
  /** Per entity, once its list has been cut, the oldest entry kept: an older one is never kept. */
  private readonly floors: (string | undefined)[] = [];
  /** The cards kept, with how many lists name them. */
  private readonly cards = new Map<string, { value: string; lists: number }>();
  /** Characters of the cards kept, keys and values. */
  cardChars = 0;

  add(row: CardRow): void {
    this.state.total++;
    const numberOf = (e: string) => entityNumber(this.state, this.numbers, e);
    const entities = [...new Set(row.entityIds)].map(numberOf);
    for (const n of entities) this.state.df[n]++;
    if (entities.length === 0) return;
    const value = JSON.stringify(toCard(row, numberOf));
    this.cards.set(row.id, { value, lists: entities.length });
    this.cardChars += cardKey(row.id).length + value.length;
    const entry = postingEntry(row.published, row.id);
    for (const n of entities) {
      const floor = this.floors[n];
      if (floor !== undefined && entry < floor) {
        this.unlist(row.id);
        continue;
      }
      const list = (this.lists[n] ??= []);
      list.push(entry);
      if (list.length >= 2 * POSTINGS_BUDGET) this.cut(n);
    }
  }

  /** The copy's items (cards and lists) and its state, which holds `writes`. */
  finish(writes: number): { items: Record<string, string>; state: CopyState } {
    const items: Record<string, string> = {};
    this.lists.forEach((_, n) => this.cut(n));
    for (const [id, card] of this.cards) items[cardKey(id)] = card.value;
    this.lists.forEach((list, n) => (items[postingsKey(n)] = list.join('\n')));
    const state = { ...this.state, writes, chars: 0 };
    for (const [key, value] of Object.entries(items)) state.chars += key.length + value.length;
    return { items, state };
  }

  /** Sorts an entity's list newest first and keeps the budget's worth. */
  private cut(n: number): void {
    const list = this.lists[n].sort(newestFirst);
    if (list.length <= POSTINGS_BUDGET) return;
    for (const entry of list.splice(POSTINGS_BUDGET)) this.unlist(entryId(entry));
    this.floors[n] = list[list.length - 1];
  }

  private unlist(id: string): void {
    const card = this.cards.get(id);
    if (!card || --card.lists > 0) return;
    this.cards.delete(id);
    this.cardChars -= cardKey(id).length + card.value.length;
  }
}

/**
 * Which of the page's entities to read the articles of: the rarer ones, within the budget (the
 * rarest always). `df` holds the page's entities found in any stored article.
 */
export function entitiesToRead(df: ReadonlyMap<string, number>): string[] {
  const read: string[] = [];
  let keys = 0;
  for (const [e, n] of [...df].sort((a, b) => a[1] - b[1])) {
    if (read.length > 0 && keys + n > POSTINGS_BUDGET) break;
    read.push(e);
    keys += n;
  }
  return read;
}

/**
 * The ids worth reading in full: candidates scored by shared-entity weight over the entities read,
 * best first, with a margin for duplicates folded later.
 */
export function bestCandidates(
  read: readonly string[],
  df: ReadonlyMap<string, number>,
  total: number,
  articlesOf: (entity: string) => Iterable<string>,
  limit: number,
): string[] {
  const scores = new Map<string, number>();
  for (const e of read) {
    const w = entityWeight(df.get(e)!, total);
    for (const id of articlesOf(e)) scores.set(id, (scores.get(id) ?? 0) + w);
  }
  return [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit * 2 + 2).map(([id]) => id);
}

/**
 * Related coverage from the copy's cards of the best candidates (in bestCandidates' order), ranked
 * as the database ranks it but without snippets (the copy keeps no sentences): null where a card
 * is missing (the copy is behind the database).
 */
export function rankCards(
  state: CopyState,
  pageEntities: ReadonlySet<string>,
  df: ReadonlyMap<string, number>,
  cards: readonly (CopyCard | null)[],
  limit: number,
  exclude: { id?: string; url?: string | null },
): RelatedItem[] | null {
  const records: ArticleRecord[] = [];
  for (const card of cards) {
    if (!card) return null;
    const { e: _e, sig, ...fields } = card;
    records.push({ ...fields, text: '', mentions: [], entityIds: cardEntities(card, state.entities), signature: signatureOfShort(sig) });
  }
  return rankRelated(pageEntities, records, df, state.total, exclude).slice(0, limit);
}

/** The article counts of the page's entities that any stored article mentions (`numbers`: numbersOf(state)). */
export function pageDf(state: CopyState, numbers: ReadonlyMap<string, number>, pageEntities: ReadonlySet<string>): Map<string, number> {
  const df = new Map<string, number>();
  for (const e of pageEntities) {
    const n = numbers.get(e);
    if (n !== undefined && state.df[n] > 0) df.set(e, state.df[n]);
  }
  return df;
}

/** A stored state, checked: null when absent or not the copy's shape. */
export function parseState(value: unknown): CopyState | null {
  if (typeof value !== 'string') return null;
  try {
    const s = JSON.parse(value) as CopyState;
    if (typeof s.total !== 'number' || typeof s.writes !== 'number' || !Array.isArray(s.entities) || !Array.isArray(s.df) || s.entities.length !== s.df.length || typeof s.chars !== 'number') return null;
    return s;
  } catch {
    return null;
  }
}

export function parseCard(value: unknown): CopyCard | null {
  if (typeof value !== 'string') return null;
  try {
    const c = JSON.parse(value) as CopyCard;
    return typeof c.id === 'string' && typeof c.e === 'string' && typeof c.sig === 'string' ? c : null;
  } catch {
    return null;
  }
}
