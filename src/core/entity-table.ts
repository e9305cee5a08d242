/**
 * The dictionary's entities by index, as the scanner's matches name them.
 *
 * A page with a reader's list of 100,000 entities needs the few dozen it finds. Parsing the whole
 * list into objects on every page load cost it about 30 ms, so from storage the ids and names stay
 * text, one JSON string per line, and an entity is read the first time something asks for it.
 * A page does not even read that text until it first shows an entity (`deferred`): storage handed
 * every page 3.3 MB of it, about 9 ms and 6.5 MB a tab, for names most pages never show.
 */
import { lastIndexAtMost } from './sorted.ts';

export const ENTITY_KINDS = ['official', 'person', 'agreement', 'organisation', 'event', 'place', 'topic'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export interface DictionaryEntity {
  id: string;
  kind: EntityKind;
  name: string;
}

/** The entities' ids and names as stored: one JSON string per line (see linesOf). */
export interface EntityText {
  entityIds: string;
  entityNames: string;
}

export class EntityTable {
  private readonly seen = new Map<number, DictionaryEntity>();

  private constructor(
    readonly length: number,
    private readonly read: (i: number) => DictionaryEntity,
    private readonly find: (id: string) => number,
    private readonly kindAt: (i: number) => EntityKind,
    /** Reads what `read` and `find` need, for a table whose text is read on first need. */
    private readonly load: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /** Entities already in memory (the background, the build, tests). */
  static of(list: readonly DictionaryEntity[]): EntityTable {
    return new EntityTable(list.length, (i) => list[i], (id) => list.findIndex((e) => e.id === id), (i) => list[i].kind);
  }

  /**
   * Entities kept as text: `ids` and `names` with one JSON string per line (see linesOf), `kinds`
   * one digit per entity (its place in ENTITY_KINDS). Each kind is checked when it is read (a
   * loop over 100,000 on load cost a page 2.5 ms); the lines are counted the first time an id or a
   * name is asked for (painting a page needs only kinds), and each entity's text is checked when
   * it is read.
   */
  static fromLines(ids: string, names: string, kinds: string): EntityTable {
    const n = kinds.length;
    let starts: { ids: Int32Array; names: Int32Array } | null = null;
    const lines = (): { ids: Int32Array; names: Int32Array } => {
      if (!starts) {
        const idStarts = lineStarts(ids, n);
        const nameStarts = lineStarts(names, n);
        if (!idStarts || !nameStarts) throw new Error('stored dictionary: the entity lists differ in length');
        starts = { ids: idStarts, names: nameStarts };
      }
      return starts;
    };
    const line = (text: string, at: Int32Array, i: number): string => {
      let value: unknown;
      try {
        value = JSON.parse(text.slice(at[i], at[i + 1] - 1));
      } catch {
        value = null;
      }
      if (typeof value !== 'string') throw new Error(`stored dictionary: entity ${i} is damaged`);
      return value;
    };
    const kindAt = kindReader(kinds);
    const read = (i: number): DictionaryEntity => ({ id: line(ids, lines().ids, i), kind: kindAt(i), name: line(names, lines().names, i) });
    const find = (id: string): number => {
      const quoted = JSON.stringify(id);
      for (let at = ids.indexOf(quoted); at >= 0; at = ids.indexOf(quoted, at + 1)) {
        const end = at + quoted.length;
        if ((at === 0 || ids.charCodeAt(at - 1) === 10) && (end === ids.length || ids.charCodeAt(end) === 10)) return lineAt(lines().ids, at);
      }
      return -1;
    };
    return new EntityTable(n, read, find, kindAt);
  }

  /**
   * Kinds now (painting needs nothing else); ids and names read by `text` when `ready` is first
   * awaited. Until then `get` and `indexOf` throw. A failed read is tried again next time.
   */
  static deferred(kinds: string, text: () => Promise<EntityText>): EntityTable {
    const n = kinds.length;
    let table: EntityTable | null = null;
    let reading: Promise<void> | null = null;
    const loaded = (): EntityTable => {
      if (!table) throw new Error('stored dictionary: entity names not read yet');
      return table;
    };
    const load = (): Promise<void> => {
      reading ??= text().then(({ entityIds, entityNames }) => {
        table = EntityTable.fromLines(entityIds, entityNames, kinds);
      });
      reading.catch(() => (reading = null));
      return reading;
    };
    return new EntityTable(n, (i) => loaded().get(i), (id) => loaded().indexOf(id), kindReader(kinds), load);
  }

  /** Resolves once ids and names can be read (at once, but for a deferred table's first time). */
  ready(): Promise<void> {
    return this.load();
  }

  /** Entity `i` (0 ≤ i < length). */
  get(i: number): DictionaryEntity {
    this.check(i);
    let entity = this.seen.get(i);
    if (!entity) this.seen.set(i, (entity = this.read(i)));
    return entity;
  }

  /** The kind of entity `i`, without reading its id and name. */
  kind(i: number): EntityKind {
    this.check(i);
    return this.kindAt(i);
  }

  /** The index of the entity with this id, or -1. */
  indexOf(id: string): number {
    return this.find(id);
  }

  /** Every entity, read now (extension pages that list them all). */
  all(): DictionaryEntity[] {
    return Array.from({ length: this.length }, (_, i) => this.get(i));
  }

  private check(i: number): void {
    if (!(i >= 0 && i < this.length)) throw new RangeError(`no entity ${i} in a dictionary of ${this.length}`);
  }
}

/** Reads entity i's kind from one digit per entity, refusing a damaged one. */
const kindReader = (kinds: string) => (i: number): EntityKind => {
  const kind = ENTITY_KINDS[kinds.charCodeAt(i) - 48];
  if (kind === undefined) throw new Error(`stored dictionary: entity ${i} is damaged`);
  return kind;
};

/** Strings as EntityTable.fromLines reads them: JSON escapes every line break inside a string, so lines cannot run together. */
export function linesOf(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join('\n');
}

/**
 * The names of the entities `wanted`, by id, from the stored lists: what an
 * extension page needs to label the ids it lists. A line is parsed only when its id is wanted (the
 * lines are JSON.stringify's, so a wanted id is found by its quoted form); 100,000 names parsed
 * whole cost the highlights page 15 ms more than the ids it shows. Throws when the lists differ in
 * length or a wanted entity's line is damaged.
 */
export function namesById({ entityIds, entityNames }: EntityText, wanted: Iterable<string>): Map<string, string> {
  const ids = entityIds === '' ? [] : entityIds.split('\n');
  const names = entityNames === '' ? [] : entityNames.split('\n');
  if (ids.length !== names.length) throw new Error('stored dictionary: the entity lists differ in length');
  const quoted = new Set([...wanted].map((id) => JSON.stringify(id)));
  const byId = new Map<string, string>();
  ids.forEach((line, i) => {
    if (!quoted.has(line)) return;
    let id: unknown;
    let name: unknown;
    try {
      [id, name] = [JSON.parse(line), JSON.parse(names[i])];
    } catch {
      // Refused below.
    }
    if (typeof id !== 'string' || typeof name !== 'string') throw new Error(`stored dictionary: entity ${i} is damaged`);
    byId.set(id, name);
  });
  return byId;
}

/** Where each of `n` lines starts, with the end of the last plus one after them; null when there are not exactly `n`. */
function lineStarts(text: string, n: number): Int32Array | null {
  const starts = new Int32Array(n + 1);
  if (n === 0) return text === '' ? starts : null;
  let at = 0;
  for (let k = 1; k < n; k++) {
    const next = text.indexOf('\n', at);
    if (next < 0) return null;
    starts[k] = at = next + 1;
  }
  if (text.indexOf('\n', at) >= 0) return null;
  starts[n] = text.length + 1;
  return starts;
}

/** The line whose text holds position `at` (the last start is the end of the text). */
function lineAt(starts: Int32Array, at: number): number {
  return lastIndexAtMost(starts, at, starts.length - 2);
}
