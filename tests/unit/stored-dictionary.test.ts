import { describe, expect, it } from 'vitest';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { compileTerms } from '../../src/core/compile-terms.ts';
import { findMentions } from '../../src/core/article-mentions.ts';
import { loadDictionary, termLengths } from '../../src/core/dictionary.ts';
import { isPackedDictionary, loadPackedDictionary, packDictionary, packedDictionarySteps, splitPacked, unpackDictionary } from '../../src/core/stored-dictionary.ts';
import { runSteps, runStepsPausing } from '../../src/core/steps.ts';
import { namesById } from '../../src/core/entity-table.ts';
import { Scanner } from '../../src/core/scanner.ts';
import { SEEDS_DIR } from '../support/paths.ts';

const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
const seedPack = compileDictionary(catalogue, seeds);

describe('the dictionary as kept in storage', () => {
  it('gives back the compiled seed pack exactly, patterns, cased terms and contexts included', () => {
    const compiled = seedPack.compiled;
    expect(compiled.patterns?.length).toBeGreaterThan(0);
    expect(Object.keys(compiled.termCase).length).toBeGreaterThan(0);
    // Terms are numbered in the order of the states they end at: no term ids are stored.
    expect(compiled.automaton.termIds).toBe('');
    const stored = JSON.parse(JSON.stringify(packDictionary(compiled))) as unknown;
    expect(isPackedDictionary(stored)).toBe(true);
    expect(unpackDictionary(stored as ReturnType<typeof packDictionary>)).toEqual(compiled);
  });

  it('keeps names with quotes, line breaks and other scripts, and finds the same mentions', () => {
    const { compiled } = compileTerms([
      ...seedPack.records,
      { id: 'u-1', kind: 'organisation', name: 'Sharif "Tech"\nFund', aliases: [{ text: 'Sharif Tech Fund' }] },
      { id: 'u-2', kind: 'person', name: 'Иван Петров', aliases: [{ text: 'Иван Петров' }, { text: '王小明' }] },
    ]);
    const stored = JSON.parse(JSON.stringify(packDictionary(compiled))) as ReturnType<typeof packDictionary>;
    expect(unpackDictionary(stored)).toEqual(compiled);
    // What a page does: straight from the packed form to the scanner's.
    const text = `${seeds[0].text.slice(0, 2000)} The Sharif Tech Fund met Иван Петров (王小明).`;
    const mentions = findMentions(loadPackedDictionary(stored), text);
    expect(mentions).toEqual(findMentions(loadDictionary(compiled), text));
    expect(mentions.map((m) => m.entity)).toEqual(expect.arrayContaining(['u-1', 'u-2', 'china']));
  });

  it('unpacks in steps, giving the page its turn between them, to the same dictionary', async () => {
    const packed = packDictionary(seedPack.compiled);
    let pauses = 0;
    const dict = await runStepsPausing(packedDictionarySteps(packed), async () => {
      pauses++;
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(pauses).toBeGreaterThanOrEqual(3);
    const text = seeds[1].text;
    expect(findMentions(dict, text)).toEqual(findMentions(loadPackedDictionary(packed), text));
    expect(findMentions(dict, text).length).toBeGreaterThan(5);
  });

  it('reads an entity only when asked for it, and finds entities by id', () => {
    const { compiled } = compileTerms([
      ...seedPack.records,
      { id: 'u-a', kind: 'person', name: 'Ann "A"', aliases: [{ text: 'Ann Quill' }] },
      { id: 'u-a"b', kind: 'person', name: 'Ann B', aliases: [{ text: 'Ann Bquill' }] },
      { id: 'u-a-1', kind: 'organisation', name: 'Line\nbreak', aliases: [{ text: 'Quill Linebreak Fund' }] },
    ]);
    const packed = packDictionary(compiled);
    const table = loadPackedDictionary(packed).entities;
    const n = compiled.entities.length;
    expect(table.length).toBe(n);
    expect([n - 3, n - 2, n - 1].map((i) => table.get(i))).toEqual(compiled.entities.slice(-3));
    expect(table.get(n - 1)).toBe(table.get(n - 1));
    expect(['u-a', 'u-a"b', 'u-a-1', 'china', 'u-', 'a', ''].map((id) => table.indexOf(id)))
      .toEqual([n - 3, n - 2, n - 1, compiled.entities.findIndex((e) => e.id === 'china'), -1, -1, -1]);
    expect(() => table.get(n)).toThrow(RangeError);
    // A damaged name is not read on loading: only the entity it belongs to fails, when asked for.
    const lines = packed.entityNames.split('\n');
    lines[n - 3] = '{"not": "a name"}';
    const damaged = loadPackedDictionary({ ...packed, entityNames: lines.join('\n') });
    expect(findMentions(damaged, 'Ann Bquill met the Quill Linebreak Fund.').map((m) => m.entity)).toEqual(['u-a"b', 'u-a-1']);
    expect(() => damaged.entities.get(n - 3)).toThrow(new RegExp(`entity ${n - 3} is damaged`));
    // Painting needs only kinds: the lines are counted when an id or a name is first asked for.
    const short = loadPackedDictionary({ ...packed, entityIds: packed.entityIds.replace(/\n[^\n]*$/, '') });
    expect(short.entities.kind(n - 1)).toBe('organisation');
    expect(() => short.entities.get(0)).toThrow(/differ in length/);
    // A damaged kind, too, fails its own entity when read, not the load.
    const badKind = loadPackedDictionary({ ...packed, entityKinds: `${packed.entityKinds.slice(0, -1)}9` });
    expect(badKind.entities.kind(0)).toBe(compiled.entities[0].kind);
    expect(() => badKind.entities.kind(n - 1)).toThrow(new RegExp(`entity ${n - 1} is damaged`));
  });

  it('gives every name by its id to the pages that label ids, and refuses damaged lists', () => {
    const { compiled } = compileTerms([
      ...seedPack.records,
      { id: 'u-a"b', kind: 'person', name: 'Ann "B", of\nQuill', aliases: [{ text: 'Ann Bquill' }] },
      { id: 'u-2', kind: 'person', name: 'Иван Петров', aliases: [{ text: '王小明' }] },
    ]);
    const { text } = splitPacked(packDictionary(compiled));
    const every = compiled.entities.map((e) => e.id);
    expect([...namesById(text, every)]).toEqual(compiled.entities.map((e) => [e.id, e.name]));
    expect(namesById({ entityIds: '', entityNames: '' }, ['china']).size).toBe(0);
    // Only the entities wanted, found by their ids as written (quotes and all); a damaged line not wanted is not read.
    const wanted = ['u-a"b', 'china', 'u-nobody'];
    expect(namesById(text, wanted)).toEqual(new Map(compiled.entities.filter((e) => wanted.includes(e.id)).map((e) => [e.id, e.name])));
    expect(namesById({ ...text, entityNames: text.entityNames.replace(/^[^\n]*/, '7') }, ['u-2']).get('u-2')).toBe('Иван Петров');
    expect(() => namesById({ ...text, entityNames: text.entityNames.replace(/\n[^\n]*$/, '') }, every)).toThrow(/differ in length/);
    expect(() => namesById({ ...text, entityNames: text.entityNames.replace(/^[^\n]*/, '7') }, every)).toThrow(/entity 0 is damaged/);
    expect(() => namesById({ ...text, entityIds: `${text.entityIds}\n"x"` }, every)).toThrow(/differ in length/);
  });

  it('paints without the ids and names, which are stored apart and read once, when first needed', async () => {
    const packed = packDictionary(seedPack.compiled);
    const { page, text } = splitPacked(packed);
    expect(Object.keys(page)).not.toContain('entityIds');
    expect(Object.keys(page)).not.toContain('entityNames');
    expect(isPackedDictionary(JSON.parse(JSON.stringify(page)))).toBe(true);
    const sample = 'Li Lecheng met officials of the Chinese Academy of Sciences in Tehran.';
    let reads = 0;
    let fail = true;
    const dict = runSteps(packedDictionarySteps(page, undefined, async () => {
      reads++;
      if (fail) throw new Error('storage unavailable');
      return text;
    }));
    // Scanning and painting need only kinds.
    const scanner = new Scanner(dict);
    scanner.feed(sample);
    const [match] = scanner.finish();
    const entity = match.entity;
    const id = seedPack.compiled.entities[entity].id;
    expect(findMentions(loadPackedDictionary(packed), sample).map((m) => m.entity)).toContain(id);
    expect(dict.entities.kind(entity)).toBe(seedPack.compiled.entities[entity].kind);
    expect(() => dict.entities.get(entity)).toThrow(/not read yet/);
    // A failed read is tried again; once read, never again.
    await expect(dict.entities.ready()).rejects.toThrow(/storage unavailable/);
    fail = false;
    await dict.entities.ready();
    await dict.entities.ready();
    expect(reads).toBe(2);
    expect(dict.entities.get(entity)).toEqual(seedPack.compiled.entities[entity]);
    expect(dict.entities.indexOf(id)).toBe(entity);
    expect(() => runSteps(packedDictionarySteps(page))).toThrow(/no ids and names/);
  });

  it('gives term lengths in order as runs, and refuses runs that are damaged', () => {
    const packed = packDictionary(seedPack.compiled);
    // Terms numbered in state order are in order of length: the automaton numbers states breadth first.
    expect(packed.termLength).toBe('');
    const { lengthRuns } = JSON.parse(packed.extras) as { lengthRuns: [number, number][] };
    expect(lengthRuns.reduce((n, [, count]) => n + count, 0)).toBe(seedPack.compiled.termLength.length);
    expect(Array.from(loadPackedDictionary(packed).termLength)).toEqual(seedPack.compiled.termLength);
    const withRuns = (runs: unknown, termLength = '') => ({ ...packed, termLength, extras: JSON.stringify({ ...JSON.parse(packed.extras), lengthRuns: runs }) });
    const last = lengthRuns.length - 1;
    const damaged: unknown[] = [
      lengthRuns.map(([n, c], i) => [n, i === last ? c + 1 : c]),
      lengthRuns.map(([n, c], i) => [n, c > 1 && i === lengthRuns.findIndex(([, k]) => k > 1) ? c - 1 : c]),
      [...lengthRuns.slice(0, -1), [lengthRuns[last - 1][0], lengthRuns[last][1]]],
      lengthRuns.map(([n, c], i) => [n, i === 0 ? 0 : c]),
      [[0, 1], ...lengthRuns],
      [...lengthRuns, [0x10000, 1]],
      [...lengthRuns.slice(0, -1), [lengthRuns[last][0], lengthRuns[last][1], 1]],
      'runs',
    ];
    expect(() => loadPackedDictionary(withRuns(damaged[0]))).toThrow(/term tables differ in length/);
    expect(() => loadPackedDictionary(withRuns(damaged[1]))).toThrow(/term tables differ in length/);
    for (const runs of damaged.slice(2)) expect(() => loadPackedDictionary(withRuns(runs))).toThrow(/runs of term lengths are damaged/);
    // Runs stand alone: a byte table beside them is a damaged dictionary.
    expect(() => loadPackedDictionary(withRuns(lengthRuns, 'AAAA'))).toThrow(/runs of term lengths are damaged/);
  });

  it('keeps lengths out of order a byte each and the long ones beside it, and refuses lengths that do not match', () => {
    // Terms of 255 units and more (a reader's entity may have a long name), not in order.
    const termLength = [...seedPack.compiled.termLength];
    termLength[0] = 300;
    termLength[5] = 255;
    termLength[7] = 0xffff;
    termLength[9] = 254;
    const long = packDictionary({ ...seedPack.compiled, termLength });
    expect(Buffer.from(long.termLength, 'base64')).toHaveLength(termLength.length);
    expect(JSON.parse(long.extras)).not.toHaveProperty('lengthRuns');
    expect(JSON.parse(long.extras).longTerms).toEqual({ 0: 300, 5: 255, 7: 0xffff });
    expect(Array.from(loadPackedDictionary(long).termLength)).toEqual(termLength);
    const withLongTerms = (longTerms: unknown) => ({ ...long, extras: JSON.stringify({ ...JSON.parse(long.extras), longTerms }) });
    for (const damaged of [{ 0: 300, 5: 255 }, { 0: 300, 5: 255, 7: 0xffff, 9: 256 }, { 0: 300, 5: 254, 7: 0xffff }, { 0: 300, 5: 255, 7: 0x10000 }, { 0: 300, 5: 255, 7: 0xffff, [termLength.length]: 400 }]) {
      expect(() => loadPackedDictionary(withLongTerms(damaged))).toThrow(/termLength and its long terms do not match/);
    }
    // Out of order but short: a byte each, nothing beside.
    const swapped = [...seedPack.compiled.termLength].reverse();
    const bytes = packDictionary({ ...seedPack.compiled, termLength: swapped });
    expect(JSON.parse(bytes.extras)).not.toHaveProperty('longTerms');
    expect(Array.from(loadPackedDictionary(bytes).termLength)).toEqual(swapped);
    expect(() => termLengths([3, 0x10000])).toThrow(/longer than 65,535/);
  });

  it('keeps a term\'s entity in as few bytes as the number of entities needs, every index read back', () => {
    const compiled = seedPack.compiled;
    const terms = compiled.termEntity.length;
    expect(Buffer.from(packDictionary(compiled).termEntity, 'base64')).toHaveLength(terms);
    for (const [entities, width] of [[256, 1], [257, 2], [0x10000, 2], [0x10001, 3]] as const) {
      const many = [...compiled.entities];
      for (let i = many.length; i < entities; i++) many.push({ ...compiled.entities[0], id: `extra-${i}` });
      // The largest index, and values whose every byte is used.
      const termEntity = compiled.termEntity.map((e, t) => (t === 0 ? entities - 1 : t === 1 ? (entities - 1) & 0xff00 : t === 2 ? 0x80 : e));
      const wide = { ...compiled, entities: many, entityContext: [...compiled.entityContext, ...Array.from({ length: entities - compiled.entities.length }, () => [])], termEntity };
      const packed = packDictionary(wide);
      expect(Buffer.from(packed.termEntity, 'base64')).toHaveLength(terms * width);
      expect(unpackDictionary(packed).termEntity).toEqual(termEntity);
      const loaded = loadPackedDictionary(packed).termEntity;
      expect([0, 1, 2, 3].map((t) => loaded.of(t))).toEqual(termEntity.slice(0, 4));
    }
    // An entity index past the entities is refused, not cut to fit.
    expect(() => packDictionary({ ...compiled, termEntity: compiled.termEntity.map((e, t) => (t === 4 ? 256 : e)) })).toThrow(/term 4 names entity 256/);
    // Entries cut short, or one too many or too few.
    const two = packDictionary({ ...compiled, entities: [...compiled.entities, ...Array.from({ length: 300 }, (_, i) => ({ ...compiled.entities[0], id: `x-${i}` }))], entityContext: [...compiled.entityContext, ...Array.from({ length: 300 }, () => [])] });
    const bytes = Buffer.from(two.termEntity, 'base64');
    expect(() => loadPackedDictionary({ ...two, termEntity: bytes.subarray(1).toString('base64') })).toThrow(/termEntity has the wrong size/);
    expect(() => loadPackedDictionary({ ...two, termEntity: bytes.subarray(2).toString('base64') })).toThrow(/term tables differ in length/);
    expect(() => loadPackedDictionary({ ...two, termEntity: Buffer.concat([bytes, Buffer.from([0, 0])]).toString('base64') })).toThrow(/term tables differ in length/);
  });

  it('refuses the previous format and damaged parts instead of highlighting with them', () => {
    expect(isPackedDictionary({ ...packDictionary(seedPack.compiled), format: 8 })).toBe(false);
    expect(isPackedDictionary({ ...packDictionary(seedPack.compiled), format: 7 })).toBe(false);
    expect(isPackedDictionary({ ...packDictionary(seedPack.compiled), format: 5 })).toBe(false);
    expect(isPackedDictionary({ ...packDictionary(seedPack.compiled), format: 4 })).toBe(false);
    expect(isPackedDictionary({ ...packDictionary(seedPack.compiled), format: 3 })).toBe(false);
    expect(isPackedDictionary({ format: 2, entities: [] })).toBe(false);
    expect(isPackedDictionary(null)).toBe(false);
    const packed = packDictionary(seedPack.compiled);
    expect(() => unpackDictionary({ ...packed, entityKinds: packed.entityKinds.slice(1) })).toThrow(/differ in length/);
    expect(() => unpackDictionary({ ...packed, entityKinds: `9${packed.entityKinds.slice(1)}` })).toThrow(/entity 0 is damaged/);
    expect(() => unpackDictionary({ ...packed, entityIds: `${packed.entityIds}\n"extra"` })).toThrow(/differ in length/);
    expect(() => unpackDictionary({ ...packed, entityNames: packed.entityNames.replace(/\n[^\n]*$/, '') })).toThrow(/differ in length/);
    expect(() => unpackDictionary({ ...packed, entityIds: packed.entityIds.replace(/^[^\n]*/, '42') })).toThrow(/entity 0 is damaged/);
    expect(() => unpackDictionary({ ...packed, termEntity: 'AAA=' })).toThrow(/term tables differ in length/);
    expect(() => loadPackedDictionary({ ...packed, termFlags: 'AAAA' })).toThrow(/term tables differ in length/);
  });
});
