import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, openCoverageDb, putHighlights, type CoverageDb } from '../../src/background/coverage-db.ts';
import { applyPack, deletePack, enabledEntities, previewPack, putEntity, resolveEntity } from '../../src/background/dictionary-store.ts';
import { compileTerms } from '../../src/core/compile-terms.ts';
import { loadDictionary, SEED_PACK_ID, type EntityRecord } from '../../src/core/dictionary.ts';
import { entityNamedExactly, findMentions } from '../../src/core/article-mentions.ts';
import {
  LOCAL_AUTHOR_ID, MINE_PACK_ID, PackFileError, aliasProblem, parseDictionaryFile, planPackImport, readEntity, writePackFile,
  type UserEntity,
} from '../../src/core/user-entities.ts';
import { articleCandidates, knownByAliases, rankProposals } from '../../src/core/proposals.ts';
import { seededRandom } from '../support/wait.ts';
import { openOldCoverageDb } from '../support/old-databases.ts';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const reserved = new Set(['li-lecheng']);
const ctx = { pack: MINE_PACK_ID, now: NOW, reservedIds: reserved };
const ana = { id: 'urn:uuid:00000000-0000-4000-8000-00000000a0a0', name: 'Ana Ferreira' };

function entity(over: Record<string, unknown> = {}): UserEntity {
  const read = readEntity({ id: 'u-rustam', kind: 'official', name: 'Rustam Qasimov', description: 'Head of the mining authority.', aliases: ['Rustam Kasimov', { text: 'Qasimov', ambiguous: true }], created: '2026-11-01T10:00:00Z', ...over }, 'test', { ...ctx, author: { id: LOCAL_AUTHOR_ID, name: '' } });
  if (!read.entity) throw new Error(JSON.stringify(read.errors));
  return read.entity;
}

describe('checking an entity', () => {
  it('refuses aliases that would paint the wrong words, with the reason', () => {
    expect(aliasProblem('the')).toMatch(/common word/);
    expect(aliasProblem('Said')).toMatch(/common word/);
    expect(aliasProblem('X')).toMatch(/single character/);
    expect(aliasProblem('李')).toMatch(/single character/);
    expect(aliasProblem('2025')).toMatch(/number/);
    expect(aliasProblem('<b>Li</b>')).toMatch(/markup/);
    expect(aliasProblem('x'.repeat(201))).toMatch(/longer than 200/);
    expect(aliasProblem('Li')).toBeNull();
    expect(aliasProblem('李乐成')).toBeNull();
    const read = readEntity({ kind: 'person', name: 'Rustam Qasimov', aliases: ['the', 'R', 'Rustam Kasimov'] }, 'e', ctx);
    expect(read.entity?.aliases.map((a) => a.text)).toEqual(['Rustam Qasimov', 'Rustam Kasimov']);
    expect(read.rejected.map((r) => r.alias)).toEqual(['the', 'R']);
  });

  it('refuses a 1 MB name, 100,000 aliases, a built-in id, markup in a name; takes markup out of a description', () => {
    expect(readEntity({ kind: 'person', name: 'x'.repeat(1_000_000) }, 'e', ctx).errors[0].message).toMatch(/longer than 300/);
    expect(readEntity({ kind: 'person', name: 'A B', aliases: Array.from({ length: 100_000 }, (_, i) => `alias ${i}`) }, 'e', ctx).errors[0].message).toMatch(/100000 aliases; at most 50/);
    expect(readEntity({ id: 'li-lecheng', kind: 'official', name: 'Li Lecheng' }, 'e', ctx).errors[0].message).toMatch(/built-in/);
    expect(readEntity({ kind: 'person', name: '<img src=x onerror=alert(1)>Ana' }, 'e', ctx).errors[0].message).toMatch(/markup/);
    const read = readEntity({ kind: 'person', name: 'Ana Lima', description: 'Runs <script>alert(1)</script><b>the</b> fund.' }, 'e', ctx);
    expect(read.entity?.description).toBe('Runs alert(1)the fund.');
    expect(read.notes[0]).toMatch(/markup taken out/);
    expect(readEntity({ kind: 'person', name: 'the' }, 'e', ctx).errors[0].message).toMatch(/no usable alias/);
  });

  it('parses times to UTC instants and brings future ones back to now', () => {
    expect(entity({ modified: '2026-11-20T12:00:00+05:00' }).modified).toBe('2026-11-20T07:00:00.000Z');
    expect(entity({ modified: '2999-01-01T00:00:00Z' }).modified).toBe(new Date(NOW).toISOString());
  });
});

describe('pack files', () => {
  it('round-trips: written by one reader, read by another with the author on each entity', () => {
    const text = writePackFile([entity()], { id: 'from-ana', name: 'Ana’s entities' }, ana);
    const parsed = parseDictionaryFile(text, 'ana.json', { now: NOW, reservedIds: reserved });
    expect(parsed.format).toBe('pack');
    expect(parsed.pack).toEqual({ id: 'from-ana', name: 'Ana’s entities', author: ana });
    expect(parsed.entities[0]).toMatchObject({ id: 'u-rustam', name: 'Rustam Qasimov', pack: 'from-ana', author: ana, syncBase: '2026-11-01T10:00:00.000Z' });
    expect(parsed.entities[0].aliases).toEqual(entity().aliases);
  });

  it('reads FollowTheMoney lines: schemata to kinds, names and weak aliases, notes, position and country to the description', () => {
    const lines = [
      { id: 'Q1', schema: 'Person', properties: { name: ['Li Lecheng', 'Li Licheng'], alias: ['李乐成'], weakAlias: ['Lecheng'], position: ['Minister of Industry'], country: ['cn'] } },
      { id: 'Q2', schema: 'Person', properties: { name: ['Ana Lima'], previousName: ['Ana Souza'], notes: ['Businesswoman.'] } },
      { id: 'ACME-1', schema: 'Company', datasets: ['us_ofac_sdn'], properties: { name: ['Acme Trading LLC'], jurisdiction: ['ir'] } },
      { id: 'PB', schema: 'PublicBody', properties: { name: ['Ministry of Mines'] } },
      { id: 'own-1', schema: 'Ownership', properties: { owner: ['Q2'], asset: ['ACME-1'] } },
      { id: 'X', schema: 'Person', properties: { name: ['X'] } },
    ].map((l) => JSON.stringify(l)).join('\n');
    const parsed = parseDictionaryFile(lines, 'sanctions.jsonl', { now: NOW, reservedIds: reserved });
    expect(parsed.format).toBe('ftm');
    expect(parsed.pack).toEqual({ id: 'ftm-sanctions', name: 'sanctions' });
    expect(parsed.entities.map((e) => [e.id, e.kind, e.name])).toEqual([
      ['ftm-q1', 'official', 'Li Lecheng'], ['ftm-q2', 'person', 'Ana Lima'], ['ftm-acme-1', 'organisation', 'Acme Trading LLC'], ['ftm-pb', 'organisation', 'Ministry of Mines'],
    ]);
    expect(parsed.entities[0].aliases).toEqual([{ text: 'Li Lecheng' }, { text: 'Li Licheng' }, { text: '李乐成' }, { text: 'Lecheng', ambiguous: true }]);
    expect(parsed.entities[0].description).toBe('Position: Minister of Industry. Country: CN');
    expect(parsed.entities[1].aliases[1]).toEqual({ text: 'Ana Souza', note: 'previous name' });
    expect(parsed.entities[2].source).toContain('us_ofac_sdn');
    expect(parsed.skipped).toBe(2);
    expect(parsed.rejected).toEqual([{ entity: 'X', alias: 'X', reason: 'is a single character: it would match almost everywhere' }]);
  });
});

describe('merging an imported pack', () => {
  const mine = (e: UserEntity) => new Map([[e.id, e]]);
  it('adds nothing for the same file twice, updates what changed only there, keeps both sides of a conflict with the newer in front', () => {
    const base = { ...entity(), pack: 'from-ana', author: ana, syncBase: '2026-11-01T10:00:00.000Z', modified: '2026-11-01T10:00:00.000Z' };
    expect(planPackImport(mine(base), [base], 'me').unchanged).toBe(1);
    const there = { ...base, description: 'Changed by Ana.', modified: '2026-11-05T10:00:00.000Z' };
    expect(planPackImport(mine(base), [there], 'me').updated[0].description).toBe('Changed by Ana.');
    // Both changed: an older edit written with an offset is compared as an instant, not as text.
    const here = { ...base, description: 'Changed here.', modified: '2026-11-05T09:00:00.000Z' };
    const olderWithOffset = { ...base, description: 'Ana, earlier.', modified: '2026-11-05T10:30:00.000+05:00' };
    const plan = planPackImport(mine(here), [olderWithOffset], 'me');
    expect(plan.conflicts[0].description).toBe('Changed here.');
    expect(plan.conflicts[0].conflicts?.[0].description).toBe('Ana, earlier.');
  });

  it('refuses an entity claiming to be the reader’s', () => {
    expect(() => planPackImport(new Map(), [{ ...entity(), author: { id: 'me', name: 'Me' } }], 'me')).toThrow(PackFileError);
  });
});

describe('compiling packs together', () => {
  it('keeps an alias with the first entity that has it and reports the rest', () => {
    const a: EntityRecord = { ...entity(), id: 'a', pack: 'x' };
    const b: EntityRecord = { ...entity(), id: 'b', pack: 'y', aliases: [{ text: 'Rustam Kasimov' }, { text: 'Kasimov Mining' }] };
    const { compiled, skipped } = compileTerms([a, b]);
    expect(skipped).toEqual([{ entity: 'b', alias: 'Rustam Kasimov', reason: 'taken', owner: 'a' }]);
    const dict = loadDictionary(compiled);
    expect(findMentions(dict, 'Rustam Kasimov sold Kasimov Mining.').map((m) => m.entity)).toEqual(['a', 'b']);
    expect(entityNamedExactly(dict, ' Kasimov Mining ')).toBe(1);
    expect(entityNamedExactly(dict, 'Kasimov Mining Holdings')).toBeNull();
  });
});

describe('proposals from coverage', () => {
  const texts = [
    'Minister Sattar Hashemi met Ambassador Cong Peiwu in Tehran. The Islamic Revolutionary Guard Corps was not mentioned. Data centres were discussed.',
    'Sattar Hashemi said the IRGC and the Ministry of Foreign Affairs backed the plan. New data centres will open.',
    'In Beijing, Sattar Hashemi and the Ministry of Foreign Affairs spokesman spoke. More data centres are planned.',
  ];
  it('finds capitalised names, titles with names, acronyms and recurring terms, ranked by articles', () => {
    const facts = texts.map((t, i) => ({ id: `a${i}`, title: `T${i}`, outlet: 'O', url: null, published: null, lang: 'en', candidates: articleCandidates(t) }));
    const list = rankProposals(facts, { known: knownByAliases(new Set(['cong peiwu', 'tehran', 'beijing'])), dismissed: new Set() });
    const byKey = new Map(list.map((p) => [p.key, p]));
    expect(byKey.get('sattar hashemi')).toMatchObject({ kind: 'official', articles: 3 });
    expect(byKey.get('ministry of foreign affairs')).toMatchObject({ kind: 'organisation', articles: 2 });
    expect(byKey.get('data centres')).toMatchObject({ kind: 'topic', articles: 3 });
    expect(byKey.has('ambassador cong peiwu')).toBe(false);
    expect(list[0].key).toBe('sattar hashemi');
    expect(list[0].evidence).toHaveLength(3);
    const dismissed = rankProposals(facts, { known: () => false, dismissed: new Set(['sattar hashemi']) });
    expect(dismissed.some((p) => p.key === 'sattar hashemi')).toBe(false);
  });
});

/** A fresh database with the reader's own entity and an imported pack. */
async function seededDb(): Promise<CoverageDb> {
  const db = await openCoverageDb(`dict-${Math.random()}`);
  await putEntity(db, entity());
  await applyPack(db, parseDictionaryFile(writePackFile([{ ...entity(), id: 'u-other', name: 'Ana Lima', aliases: [] }], { id: 'from-ana', name: 'Ana' }, ana), 'a.json', { now: NOW, reservedIds: reserved }), 'me');
  return db;
}

async function snapshot(db: CoverageDb): Promise<string> {
  return JSON.stringify([await db.getAll('entities'), await db.getAll('packs'), await db.getAll('dismissed')]);
}

describe('dictionary store', () => {
  it('upgrades a version-3 database to 4 keeping highlights, with the built-in and own packs', async () => {
    const name = `v3-${Math.random()}`;
    const v3 = await openOldCoverageDb(name, 3);
    await v3.put('highlights', { id: 'urn:uuid:kept', source: 's', modified: 'x' });
    await v3.put('articles', { id: 'kept', entityIds: [], savedAt: 1 });
    v3.close();
    const db = await openCoverageDb(name);
    expect(db.version).toBe(DB_VERSION);
    expect(await db.getAllKeys('highlights')).toEqual(['urn:uuid:kept']);
    expect(await db.getAllKeys('articles')).toEqual(['kept']);
    expect((await db.getAll('packs')).map((p) => [p.id, p.enabled])).toEqual([[MINE_PACK_ID, true], [SEED_PACK_ID, true]]);
    await putHighlights(db, []);
    db.close();
  });

  it('lists enabled packs in order, switches them, removes a pack with its entities, resolves conflicts', async () => {
    const db = await seededDb();
    const seed = [{ ...entity(), id: 'li-lecheng', pack: SEED_PACK_ID, name: 'Li Lecheng' }];
    expect((await enabledEntities(db, seed)).entities.map((e) => e.id)).toEqual(['li-lecheng', 'u-rustam', 'u-other']);
    expect(await deletePack(db, 'from-ana')).toBe(1);
    expect((await enabledEntities(db, seed)).entities.map((e) => e.id)).toEqual(['li-lecheng', 'u-rustam']);
    await expect(deletePack(db, SEED_PACK_ID)).rejects.toThrow(/cannot be removed/);
    await db.put('entities', { ...entity(), conflicts: [{ ...entity(), description: 'other', modified: '2026-11-02T00:00:00.000Z' }] });
    expect((await resolveEntity(db, 'u-rustam', 0))?.description).toBe('other');
  });

  it('fuzz: 3,000 bad pack files are refused (or their bad aliases left out) with a reason; the database is unchanged on every refusal', async () => {
    const db = await seededDb();
    const before = await snapshot(db);
    const rand = seededRandom(2026);
    const good = JSON.parse(writePackFile([{ ...entity(), id: 'u-new', name: 'Bakhyt Gafurov', aliases: [] }], { id: 'from-bo', name: 'Bo' }, { id: 'bo', name: 'Bo' })) as Record<string, unknown> & { entities: Record<string, unknown>[] };
    const cases: [string, () => string][] = [
      ['not JSON', () => `{"format": nope ${Math.floor(rand() * 1e6)}`],
      ['cut short', () => { const t = JSON.stringify(good); return t.slice(0, 1 + Math.floor(rand() * (t.length - 2))); }],
      ['too deep', () => `${'['.repeat(17 + Math.floor(rand() * 50))}1${']'.repeat(17)}`],
      ['prototype key', () => JSON.stringify(good).replace('"kind"', rand() < 0.5 ? '"__proto__":{"x":1},"kind"' : '"constructor":{},"kind"')],
      ['another format', () => JSON.stringify({ type: 'AnnotationCollection', items: [] })],
      ['1 MB name', () => JSON.stringify({ ...good, entities: [{ ...good.entities[0], name: 'N'.repeat(1_000_000) }] })],
      ['100,000 aliases', () => JSON.stringify({ ...good, entities: [{ ...good.entities[0], aliases: Array.from({ length: 100_000 }, (_, i) => `Alias ${i}`) }] })],
      ['bad kind', () => JSON.stringify({ ...good, entities: [{ ...good.entities[0], kind: 'villain' }] })],
      ['built-in id', () => JSON.stringify({ ...good, entities: [{ ...good.entities[0], id: 'li-lecheng' }] })],
      ['javascript: source', () => JSON.stringify({ ...good, entities: [{ ...good.entities[0], sources: [{ file: 'p1', url: 'javascript:alert(1)' }], evidence: [] }] })],
      ['claims to be the reader', () => JSON.stringify({ ...good, entities: [{ ...good.entities[0], author: { id: 'me', name: 'Me' } }] })],
      ['duplicate ids', () => JSON.stringify({ ...good, entities: [good.entities[0], good.entities[0]] })],
      ['markup in a description', () => JSON.stringify({ ...good, entities: [{ ...good.entities[0], description: '<img src=x onerror=alert(1)>Miner' }] })],
      ['one-letter or stop-word alias', () => JSON.stringify({ ...good, entities: [{ ...good.entities[0], aliases: [rand() < 0.5 ? 'B' : 'said', 'Bakhyt G.'] }] })],
    ];
    const outcome = new Map<string, { refused: number; imported: number }>();
    for (let i = 0; i < 3000; i++) {
      const [kind, make] = cases[i % cases.length];
      const o = outcome.get(kind) ?? { refused: 0, imported: 0 };
      outcome.set(kind, o);
      let parsed;
      try {
        parsed = parseDictionaryFile(make(), 'f.json', { now: NOW, reservedIds: reserved });
        await previewPack(db, parsed, 'me');
      } catch (error) {
        expect(error).toBeInstanceOf(PackFileError);
        expect((error as PackFileError).errors[0].message.length).toBeGreaterThan(5);
        o.refused++;
        continue;
      }
      try {
        await applyPack(db, parsed, 'me');
      } catch (error) {
        expect(error).toBeInstanceOf(PackFileError);
        o.refused++;
        expect(await snapshot(db)).toBe(before);
        continue;
      }
      o.imported++;
      const stored = await db.get('entities', 'u-new');
      expect(stored?.description).not.toMatch(/</);
      expect(stored?.aliases.some((a) => a.text === 'B' || a.text === 'said')).toBe(false);
      await deletePack(db, 'from-bo');
    }
    expect(await snapshot(db)).toBe(before);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const table = Object.fromEntries(outcome);
    console.log('pack fuzz outcomes', JSON.stringify(table));
    for (const [kind, o] of outcome) {
      if (kind === 'markup in a description' || kind === 'one-letter or stop-word alias') expect(o.refused, kind).toBe(0);
      else expect(o.imported, kind).toBe(0);
    }
  }, 120_000);
});
