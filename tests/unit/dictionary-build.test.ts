import { describe, expect, it } from 'vitest';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import type { Catalogue } from '../../src/core/dictionary.ts';
import { SEEDS_DIR } from '../support/paths.ts';

const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
const result = compileDictionary(catalogue, seeds);
const record = (id: string) => result.records.find((r) => r.id === id)!;
const forms = (id: string, file?: string) =>
  new Set(record(id).evidence.filter((e) => !file || e.file.startsWith(file)).map((e) => e.form));

describe('the seed dictionary', () => {
  it('builds without errors', () => {
    expect(result.report.errors).toEqual([]);
  });

  it('covers every capitalised name in the seeds', () => {
    expect(result.report.uncoveredNames).toEqual([]);
  });

  it('evidences every entity in the seeds or names its other source', () => {
    for (const r of result.records) expect(r.evidence.length > 0 || Boolean(r.source), r.id).toBe(true);
    expect(result.records.length).toBeGreaterThanOrEqual(50);
    const kinds = new Set(result.records.map((r) => r.kind));
    expect([...kinds].sort()).toEqual(['agreement', 'event', 'official', 'organisation', 'place', 'topic']);
  });

  it('knows transliterations, French forms, surnames and titles as the seeds write them', () => {
    expect(forms('li-lecheng', '000')).toEqual(new Set(['Li Lecheng', 'Li']));
    expect(forms('li-lecheng', '001')).toEqual(new Set(['Li Licheng']));
    expect(forms('cong-peiwu', '004')).toEqual(new Set(['Cong Peiwu', 'Ambassador Cong', 'Peiwu']));
    expect(forms('beijing', '001')).toEqual(new Set(['Pékin']));
    expect(forms('china', '001')).toEqual(new Set(['République populaire de Chine', 'Chine']));
    expect(forms('azari-jahromi', '003')).toEqual(new Set(['Mohammad Javad Azari Jahromi', 'Jahromi']));
    expect(forms('sco', '001')).toEqual(new Set(['Organisation de coopération de Shanghai']));
  });

  it('quotes the sentence where each form occurs', () => {
    const ev = record('issa-zarepour').evidence;
    expect(ev).toHaveLength(1);
    expect(ev[0].file).toBe('001_40d93fe09706aa0e.txt');
    expect(ev[0].sentence).toContain('Le ministre iranien, Issa Zarepour');
  });

  it('keeps the seeds’ disagreements as separate claims with their evidence', () => {
    const visit = record('beijing-visit-2025');
    const minister = visit.claims.find((c) => c.about.startsWith('Which Iranian minister'))!;
    expect(minister.sources.map((s) => s.file.slice(0, 3))).toEqual(['000', '001']);
    const length = record('iran-china-25-year-agreement').claims[0];
    expect(length.sources.map((s) => s.quote)).toEqual([
      '25-year Iran-China Strategic Cooperation Agreement',
      'the five-year strategic cooperation document',
      'document de coopération stratégique de 25 ans',
    ]);
    // 002 and 004 are one article: both keep their own evidence.
    expect(new Set(record('fatemeh-mohajerani').evidence.map((e) => e.file.slice(0, 3)))).toEqual(new Set(['002', '004']));
  });

  it('reports aliases the seeds never use', () => {
    expect(result.report.unusedAliases).toContainEqual({ entity: 'sco', alias: 'SCO' });
    expect(result.report.unusedAliases).not.toContainEqual(expect.objectContaining({ alias: 'Li Licheng' }));
  });
});

describe('catalogue checks', () => {
  const base = (entities: Catalogue['entities']): Catalogue => ({ entities, notNames: [] });
  const person = { kind: 'official' as const, name: 'X', description: 'd' };

  it('fails an entity with no evidence and no other source', () => {
    const r = compileDictionary(base([{ ...person, id: 'ghost', aliases: ['Nobody Anywhere'] }]), seeds);
    expect(r.report.errors).toEqual(['entity "ghost" occurs in no seed article and names no other source']);
  });

  it('accepts it when its source is named', () => {
    const r = compileDictionary(base([{ ...person, id: 'ghost', aliases: ['Nobody Anywhere'], source: 'Reuters, 2025' }]), seeds);
    expect(r.report.errors).toEqual([]);
  });

  it('fails an alias claimed by two entities, and a claim whose quote is not in its seed', () => {
    const r = compileDictionary(
      base([
        { ...person, id: 'a', aliases: ['Tehran'] },
        { ...person, id: 'b', aliases: ['TÉHRAN'], claims: [{ about: 'x', sources: [{ file: '000_b59495321f63a4de.txt', quote: 'not in the text' }] }] },
      ]),
      seeds,
    );
    expect(r.report.errors).toContain('alias "TÉHRAN" belongs to both "a" and "b"');
    expect(r.report.errors.some((e) => e.includes('claim quote not found'))).toBe(true);
  });
});
