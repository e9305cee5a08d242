import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import { describeText } from '../../src/core/anchoring.ts';
import {
  AnnotationFileError, MAX_DEPTH, MAX_FILE_BYTES, jsonDepth, parseAnnotationFile, planImport, toCollection, toMarkdown,
} from '../../src/core/annotation-file.ts';
import type { Creator, SavedHighlight } from '../../src/core/highlights.ts';
import { applyImport, exportHighlights, previewImport } from '../../src/background/annotation-store.ts';
import { openCoverageDb, putHighlights, type CoverageDb } from '../../src/background/coverage-db.ts';
import { existsSync } from 'node:fs';
import { ANNOTATION_SCHEMAS_DIR } from '../support/paths.ts';
import { loadAnnotationSchemas } from '../support/annotation-schemas.ts';
import { seededRandom } from '../support/wait.ts';

const ME: Creator = { id: 'urn:uuid:00000000-0000-4000-8000-00000000000a', name: 'Ana' };
const TEAMMATE: Creator = { id: 'urn:uuid:00000000-0000-4000-8000-00000000000b', name: 'Bo' };
const TEXT = 'On Monday, Minister Sattar Hashemi met his Chinese counterpart Li Lecheng in Beijing to discuss technology cooperation.';

let counter = 0;
function highlight(over: Partial<SavedHighlight> = {}): SavedHighlight {
  counter++;
  const start = TEXT.indexOf('Sattar');
  const t = describeText(TEXT, start, start + 14 + (counter % 20));
  return {
    id: `urn:uuid:${crypto.randomUUID()}`, source: `https://example.org/story-${counter % 3}`, pageUrl: `https://example.org/story-${counter % 3}?ref=x`,
    title: 'Tehran and Beijing talk technology', site: 'example.org', quote: t.quote, position: t.position, context: TEXT,
    note: `Note ${counter}: check <script>alert(1)</script> and [a](javascript:alert(1))`, tags: ['tech', `t${counter % 4}`],
    colour: (['yellow', 'green', 'blue', 'pink', 'purple'] as const)[counter % 5], entities: ['sattar-hashemi', 'li-lecheng'],
    creator: { id: 'local', name: '' }, created: new Date(Date.UTC(2026, 10, 1, 0, counter)).toISOString(),
    modified: new Date(Date.UTC(2026, 10, 2, 0, counter)).toISOString(), ...over,
  };
}

async function freshDb(): Promise<CoverageDb> {
  return openCoverageDb(`annotations-${Math.random()}`);
}

async function dump(db: CoverageDb): Promise<string> {
  return JSON.stringify(await db.getAll('highlights'));
}

describe.skipIf(!existsSync(ANNOTATION_SCHEMAS_DIR))('exported files against the W3C Web Annotation test suite schemas', () => {
  it('every annotation and the collection meet every "must" of the suite', () => {
    const { annotationMusts, collectionMusts, optional } = loadAnnotationSchemas();
    const list = [highlight(), highlight({ note: '', tags: [], entities: [] }), highlight({ creator: TEAMMATE })];
    const file = JSON.parse(JSON.stringify(toCollection(list, ME, 'Test'))) as { first: { items: unknown[] } };
    const failures: string[] = [];
    for (const [i, a] of file.first.items.entries()) {
      for (const m of annotationMusts) if (!m.validate(a)) failures.push(`annotation ${i}: ${m.file}: ${JSON.stringify(m.validate.errors?.[0])}`);
    }
    for (const m of collectionMusts) if (!m.validate(file)) failures.push(`collection: ${m.file}: ${JSON.stringify(m.validate.errors?.[0])}`);
    expect(annotationMusts.length).toBeGreaterThan(40);
    expect(failures).toEqual([]);
    const used = optional.filter((o) => o.validate(file.first.items[0])).map((o) => o.file.replace(/^annotations\//, ''));
    console.log(`W3C suite: ${annotationMusts.length} annotation musts and ${collectionMusts.length} collection musts pass; optional features used: ${used.join(', ')}`);
    expect(used).toEqual(expect.arrayContaining(['3.3.1-annotationCreatedImplemented.json', '3.3.1-annotationCreatorImplemented.json', '3.3.1-annotationModifiedImplemented.json']));
  });
});

describe('annotation files', () => {
  it('round trip: export → import elsewhere → export gives the same annotations', () => {
    const list = [highlight(), highlight({ note: '' }), highlight({ creator: TEAMMATE, tags: [] })];
    const first = toCollection(list, ME, 'Mine');
    const parsed = parseAnnotationFile(JSON.stringify(first));
    expect(parsed.highlights).toHaveLength(3);
    const other: Creator = { id: 'urn:uuid:00000000-0000-4000-8000-00000000000c', name: 'Cy' };
    const again = toCollection(parsed.highlights, other, 'Again');
    expect(again.first.items).toEqual(first.first.items);
  });

  it('keeps notes with markup or links as text, exactly', () => {
    const h = highlight({ note: '<img src=x onerror=alert(1)> javascript:alert(2) <script>x()</script>' });
    const back = parseAnnotationFile(JSON.stringify(toCollection([h], ME, 'x'))).highlights[0];
    expect(back.note).toBe(h.note);
    const md = toMarkdown([h]);
    expect(md).not.toContain('<script>');
    expect(md).toContain('\\<script\\>');
  });

  it('writes Markdown grouped by page with quotes, notes, tags and links', () => {
    const a = highlight({ source: 'https://example.org/a', note: 'first note' });
    const b = highlight({ source: 'https://example.org/a', note: 'second\nline' });
    const c = highlight({ source: 'https://example.org/b', note: '' });
    const md = toMarkdown([a, b, c]);
    expect(md.match(/^## /gm)).toHaveLength(2);
    expect(md).toContain('](<https://example.org/a>)');
    expect(md).toContain(`> ${a.quote.exact}`);
    expect(md).toContain('second\nline');
    expect(md).toContain('#tech');
  });

  it('merges: the same file twice adds nothing; one side changed updates; both sides changed keeps the newer and a conflict', async () => {
    const db = await freshDb();
    const theirs = highlight({ creator: TEAMMATE, note: 'v1' });
    const file1 = JSON.stringify(toCollection([theirs], TEAMMATE, 'Bo'));
    expect(await applyImport(db, file1, ME.id)).toMatchObject({ added: 1, updated: 0, conflicts: 0, unchanged: 0 });
    expect(await applyImport(db, file1, ME.id)).toMatchObject({ added: 0, unchanged: 1 });
    expect(await db.count('highlights')).toBe(1);

    const v2 = { ...theirs, note: 'v2', modified: '2026-11-10T00:00:00.000Z' };
    expect(await applyImport(db, JSON.stringify(toCollection([v2], TEAMMATE, 'Bo')), ME.id)).toMatchObject({ updated: 1 });
    expect((await db.get('highlights', theirs.id))?.note).toBe('v2');

    // Edited here, then a newer edit there: theirs wins, ours is kept as a conflict.
    const mine = { ...(await db.get('highlights', theirs.id))!, note: 'mine', modified: '2026-11-11T00:00:00.000Z' };
    await putHighlights(db, [mine]);
    const v3 = { ...theirs, note: 'v3', modified: '2026-11-12T00:00:00.000Z' };
    expect(await previewImport(db, JSON.stringify(toCollection([v3], TEAMMATE, 'Bo')), ME.id)).toMatchObject({ conflicts: 1 });
    expect(await dump(db)).toContain('"note":"mine"');
    await applyImport(db, JSON.stringify(toCollection([v3], TEAMMATE, 'Bo')), ME.id);
    const merged = (await db.get('highlights', theirs.id))!;
    expect(merged.note).toBe('v3');
    expect(merged.conflicts?.map((c) => c.note)).toEqual(['mine']);
    // The same file again: nothing new.
    expect(await applyImport(db, JSON.stringify(toCollection([v3], TEAMMATE, 'Bo')), ME.id)).toMatchObject({ unchanged: 1, conflicts: 0 });
    db.close();
  });

  it('exports by filter, as JSON-LD and Markdown', async () => {
    const db = await freshDb();
    await putHighlights(db, [highlight({ tags: ['keep'] }), highlight({ tags: ['other'] })]);
    const json = await exportHighlights(db, { tag: 'keep' }, 'jsonld', ME);
    expect(json.count).toBe(1);
    expect(JSON.parse(json.text)).toMatchObject({ type: 'AnnotationCollection', total: 1, '@context': ['http://www.w3.org/ns/anno.jsonld', { ng: 'https://newsgloss.app/ns#' }] });
    const md = await exportHighlights(db, {}, 'markdown', ME);
    expect(md.count).toBe(2);
    expect(md.filename).toMatch(/\.md$/);
    db.close();
  });

  it('measures JSON depth without parsing, skipping strings', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[["}]}').depth).toBe(3);
    expect(jsonDepth('['.repeat(100)).depth).toBeGreaterThan(MAX_DEPTH);
  });

  it('decides a conflict by instants: an older edit written with an offset loses to a newer one in UTC', () => {
    const base = highlight({ creator: TEAMMATE, modified: '2026-05-01T08:00:00.000Z', syncBase: '2026-05-01T08:00:00.000Z' });
    // Stored by an older version as written, with an offset: 09:30+02:00 is 07:30Z, before the base.
    const mine = { ...base, note: 'mine', modified: '2026-05-01T09:30:00+02:00' };
    const theirs = { ...base, note: 'theirs', modified: '2026-05-01T08:15:00.000Z' };
    const plan = planImport(new Map([[mine.id, mine]]), [theirs], ME.id);
    expect(plan.conflicts).toHaveLength(1);
    expect(plan.conflicts[0].note).toBe('theirs');
    expect(plan.conflicts[0].conflicts?.map((c) => c.note)).toEqual(['mine']);
  });

  it('plans refusals with the annotation and field named', () => {
    const mine = highlight();
    const existing = new Map([[mine.id, mine]]);
    const collide = { ...highlight({ creator: TEAMMATE }), id: mine.id };
    expect(planImport(existing, [collide], ME.id).refused.map((e) => `${e.where}: ${e.message}`)).toEqual([expect.stringMatching(/annotation 1 .*id: is the id of a different highlight/)]);
    const claim = highlight({ creator: ME });
    expect(planImport(existing, [claim], ME.id).refused.map((e) => `${e.where}: ${e.message}`)).toEqual([expect.stringMatching(/creator: claims to be you/)]);
  });
});

// ---------------------------------------------------------------------------------------------
// Fuzz: thousands of bad and hostile files against a database with highlights in it.

type Kind =
  | 'not JSON' | 'truncated' | 'wrong format' | 'too deep' | 'too large' | 'prototype keys' | 'id collision'
  | 'javascript: address' | 'claims to be the reader' | 'field broken' | 'duplicate ids' | 'markup in notes (valid)';

const FILES = Number(process.env.FUZZ_FILES ?? 3000);
const results = new Map<Kind, { tried: number; refused: number; accepted: number }>();

describe('fuzz: bad and hostile annotation files', () => {
  afterAll(() => {
    const rows = [...results].map(([k, r]) => `  ${k.padEnd(26)} tried ${String(r.tried).padStart(4)}  refused with a message ${String(r.refused).padStart(4)}  imported ${r.accepted}`);
    const total = [...results.values()].reduce((n, r) => n + r.tried, 0);
    console.log(`annotation-file fuzz: ${total} files\n${rows.join('\n')}`);
  });

  it(`${FILES} generated files: no crash, a clear error naming where, the database unchanged`, async () => {
    const rand = seededRandom(20261122);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const db = await freshDb();
    const local = Array.from({ length: 12 }, () => highlight());
    const theirs = Array.from({ length: 8 }, () => highlight({ creator: TEAMMATE }));
    await putHighlights(db, [...local, ...theirs]);
    const baseline = await dump(db);
    const validFile = () => toCollection(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => highlight({ creator: TEAMMATE })), TEAMMATE, 'Bo');
    const huge = 'x'.repeat(MAX_FILE_BYTES + 1);

    const kinds: Kind[] = [
      'not JSON', 'truncated', 'wrong format', 'too deep', 'prototype keys', 'id collision', 'javascript: address',
      'claims to be the reader', 'field broken', 'duplicate ids', 'markup in notes (valid)',
    ];
    const problems: string[] = [];
    for (let n = 0; n < FILES; n++) {
      const kind: Kind = n < 2 ? 'too large' : pick(kinds);
      let text: string;
      const file = validFile();
      const item = file.first.items[0] as unknown as Record<string, unknown>;
      switch (kind) {
        case 'too large':
          text = huge;
          break;
        case 'not JSON': {
          const junk = ['', '   ', 'hello', '<html><body>Annotations</body></html>', '{"a":1,}', "{'single':'quotes'}", 'NaN', '\u0000\u0001\u0002', '# Markdown\n> quote'];
          text = rand() < 0.5 ? pick(junk) : Array.from({ length: 1 + Math.floor(rand() * 200) }, () => String.fromCharCode(Math.floor(rand() * 0xd7ff))).join('');
          break;
        }
        case 'truncated': {
          const full = JSON.stringify(file);
          text = full.slice(0, 1 + Math.floor(rand() * (full.length - 2)));
          break;
        }
        case 'wrong format':
          text = JSON.stringify(pick<unknown>([{}, [1, 2], 'string', 42, null, true, { type: 'FeatureCollection', features: [] }, { type: 'AnnotationCollection', '@context': 'http://www.w3.org/ns/anno.jsonld', first: 'page-2.json' }, { type: 'AnnotationCollection', first: { items: [] } }, { '@context': 'http://schema.org', type: 'Annotation' }, [{ type: 'Note' }]]));
          break;
        case 'too deep': {
          const d = MAX_DEPTH + 1 + Math.floor(rand() * 5000);
          text = rand() < 0.5 ? `${'['.repeat(d)}${']'.repeat(d)}` : `{"type":"AnnotationCollection","first":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`;
          break;
        }
        case 'prototype keys': {
          const key = pick(['__proto__', 'constructor', 'prototype']);
          const json = JSON.stringify(file);
          const at = pick(['{"@context"', '"target":{', '"first":{']);
          if (!json.includes(at)) throw new Error(`the test's file has no ${at}`);
          const inject = `"${key}":{"polluted":true,"isAdmin":true},`;
          text = at === '{"@context"' ? json.replace(at, `{${inject}"@context"`) : json.replace(at, `${at}${inject}`);
          break;
        }
        case 'id collision':
          item.id = pick(local).id;
          (item.target as Record<string, unknown>).source = 'https://elsewhere.example/other';
          text = JSON.stringify(file);
          break;
        case 'javascript: address':
          (item.target as Record<string, unknown>).source = pick(['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'JaVaScRiPt:fetch(1)', 'vbscript:x']);
          text = JSON.stringify(file);
          break;
        case 'claims to be the reader':
          item.creator = { id: pick([ME.id, 'local']), type: 'Person', name: 'Ana' };
          text = JSON.stringify(file);
          break;
        case 'duplicate ids':
          file.first.items.push({ ...file.first.items[0] });
          text = JSON.stringify(file);
          break;
        case 'field broken': {
          const path = pick([
            ['id'], ['type'], ['created'], ['modified'], ['creator'], ['creator', 'id'], ['target'], ['target', 'source'], ['target', 'selector'],
            ['target', 'selector', 0, 'exact'], ['target', 'selector', 1, 'start'], ['target', 'selector', 1, 'end'], ['body'], ['body', 0, 'value'], ['@context'],
          ] as (string | number)[][]);
          const value = pick<unknown>([undefined, null, 42, -1, '', 'x'.repeat(300_000), {}, [], [[]], true, 'not a date', { type: 'TextualBody' }]);
          let obj = item as Record<string | number, unknown>;
          for (const p of path.slice(0, -1)) {
            const next = obj?.[p];
            if (typeof next !== 'object' || next === null) break;
            obj = next as Record<string | number, unknown>;
          }
          const last = path[path.length - 1];
          if (value === undefined) delete obj[last];
          else obj[last] = value;
          text = JSON.stringify(file);
          break;
        }
        case 'markup in notes (valid)': {
          const note = pick(['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '[click](javascript:alert(1))', 'javascript:alert(document.cookie)', '"><svg onload=alert(1)>']);
          ((item.body as Record<string, unknown>[])[0]).value = note;
          text = JSON.stringify(file);
          break;
        }
      }
      const r = results.get(kind) ?? { tried: 0, refused: 0, accepted: 0 };
      results.set(kind, r);
      r.tried++;
      try {
        const before = await dump(db);
        await applyImport(db, text, ME.id);
        r.accepted++;
        if (kind !== 'markup in notes (valid)' && kind !== 'field broken') problems.push(`${kind} #${n} was imported`);
        if (kind === 'markup in notes (valid)') {
          const id = item.id as string;
          const stored = await db.get('highlights', id);
          if (stored?.note !== ((item.body as Record<string, unknown>[])[0]).value) problems.push(`note of ${id} not kept as text`);
          // Put the database back for the next file.
          await db.delete('highlights', id);
          for (const extra of file.first.items.slice(1)) await db.delete('highlights', (extra as { id: string }).id);
        } else if (kind === 'field broken') {
          // Some broken fields are optional (a missing modified, no body): those files are fine.
          for (const a of file.first.items) await db.delete('highlights', (a as { id: string }).id);
        }
        if (kind === 'markup in notes (valid)' || kind === 'field broken') {
          if ((await dump(db)) !== before) problems.push(`${kind} #${n}: database not restored by the test`);
        }
      } catch (error) {
        if (!(error instanceof AnnotationFileError)) problems.push(`${kind} #${n}: ${String(error).slice(0, 200)}`);
        else if (!error.errors.length || error.errors.some((e) => !e.message)) problems.push(`${kind} #${n}: an error without a message`);
        else r.refused++;
      }
      if ((await dump(db)) !== baseline) {
        problems.push(`${kind} #${n}: the database changed`);
        break;
      }
    }
    expect(problems).toEqual([]);
    // Nothing reached Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('isAdmin');
    db.close();
  }, 300_000);
});

describe('error messages name the annotation and the field', () => {
  it.each([
    ['not JSON', 'nope', /not JSON/],
    ['too deep', '['.repeat(100), /deeper than 32 levels/],
    ['javascript source', JSON.stringify({ ...toCollection([highlight({ creator: TEAMMATE })], TEAMMATE, 'x'), first: { type: 'AnnotationPage', startIndex: 0, items: [{ ...toCollection([highlight({ creator: TEAMMATE })], TEAMMATE, 'x').first.items[0], target: { source: 'javascript:alert(1)', selector: [] } }] } }), /annotation 1 .*target\.source: must be an http\(s\) address/],
    ['proto', '{"__proto__":{"x":1}}', /"__proto__" is not allowed/],
  ])('%s', (_, text, message) => {
    expect(() => parseAnnotationFile(text)).toThrow(message);
  });
});
