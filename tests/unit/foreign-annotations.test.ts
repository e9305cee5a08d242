/**
 * Annotation files written by others: the W3C model's own samples (from the test suite beside the
 * project), files in the shapes the model allows (no created or creator, a creator that is an
 * IRI, bodies that are addresses, quotes inside refinedBy, several targets, a SpecificResource
 * source), Hypothesis's JSON (its API's rows and its client's export), and files where some
 * annotations are good and some are not: the good ones import if the reader chooses, in one
 * transaction, and nothing otherwise.
 */
import 'fake-indexeddb/auto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnnotationFileError, parseAnnotationFile, toCollection } from '../../src/core/annotation-file.ts';
import { anchorText, codePointsToUnits, prepareText, unitsToCodePoints } from '../../src/core/anchoring.ts';
import { targetOf } from '../../src/core/highlights.ts';
import { applyImport, exportHighlights, previewImport } from '../../src/background/annotation-store.ts';
import { openCoverageDb } from '../../src/background/coverage-db.ts';
import { ANNOTATION_SCHEMAS_DIR } from '../support/paths.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const ME = 'urn:uuid:00000000-0000-4000-8000-00000000000a';
const SAMPLES = join(ANNOTATION_SCHEMAS_DIR, 'samples/correct');

/** What reading a file gives: the highlights' essentials, or the refusal's first reason. */
function read(file: unknown): { quotes: string[]; refused: string[]; filled: string[] } | string {
  try {
    const parsed = parseAnnotationFile(typeof file === 'string' ? file : JSON.stringify(file), NOW);
    return {
      quotes: parsed.highlights.map((h) => h.quote.exact),
      refused: parsed.refused.map((e) => `${e.where}: ${e.message}`),
      filled: parsed.filled.map((f) => `${f.what} ×${f.count}`),
    };
  } catch (error) {
    if (error instanceof AnnotationFileError) return error.errors.map((e) => `${e.where}: ${e.message}`).join('; ');
    throw error;
  }
}

describe.skipIf(!existsSync(SAMPLES))('the W3C model’s sample annotations', () => {
  it('imports every sample that quotes text, and says why of each that does not', () => {
    const outcome: Record<string, string> = {};
    for (const name of readdirSync(SAMPLES).filter((f) => f.endsWith('.json')).sort()) {
      const r = read(readFileSync(join(SAMPLES, name), 'utf8'));
      outcome[name] = typeof r === 'string' ? `refused: ${r}` : `imported ${r.quotes.length}: ${r.quotes.join(' | ')}`;
    }
    console.log(`W3C samples:\n${Object.entries(outcome).map(([f, o]) => `  ${f.padEnd(24)} ${o}`).join('\n')}`);
    // The samples with a TextQuoteSelector, directly or in a refinedBy, import.
    expect(outcome['anno26.json']).toBe('imported 1: anotation');
    expect(outcome['anno32.json']).toBe('imported 1: Selected Text');
    // The others name images, whole pages, audio or positions without a quote: each refused with a reason, none crashes.
    expect(outcome['anno1.json']).toMatch(/refused: .*target: names a whole page/);
    expect(outcome['anno27.json']).toMatch(/refused: .*has a position but no TextQuoteSelector/);
    for (const [file, o] of Object.entries(outcome)) expect(o, file).toMatch(/^(imported [1-9]|refused: .+: .+)/);
  });
});

const quoteTarget = (source: string, exact: string) => ({ source, selector: { type: 'TextQuoteSelector', exact } });

describe('shapes the model allows', () => {
  it('fills created and creator from the file or the import time, and says so', () => {
    const r = read({
      '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'AnnotationCollection', created: '2026-01-02T03:04:05Z',
      creator: { id: 'https://team.example/people/bo', name: 'Bo' },
      first: { type: 'AnnotationPage', items: [
        { id: 'https://team.example/a/1', type: 'Annotation', target: quoteTarget('https://news.example/a', 'Li Lecheng') },
        { id: 'https://team.example/a/2', type: 'Annotation', creator: 'https://team.example/people/cy', target: quoteTarget('https://news.example/a', 'Beijing') },
      ] },
    });
    expect(r).toEqual({ quotes: ['Li Lecheng', 'Beijing'], refused: [], filled: ['created, from the file ×2', 'creator, from the file ×1'] });
    const alone = parseAnnotationFile(JSON.stringify({ id: 'https://team.example/a/3', type: 'Annotation', target: quoteTarget('https://news.example/a', 'Tehran') }), NOW);
    expect(alone.highlights[0].created).toBe('2026-11-23T12:00:00.000Z');
    expect(alone.highlights[0].creator.id).toBe('urn:newsgloss:creator:unknown');
    expect(alone.filled).toEqual([{ what: 'created, from the import time', count: 1 }, { what: 'creator, unknown', count: 1 }]);
  });

  it('reads creators as IRIs or agents, bodies as addresses, Choices, text and tags', () => {
    const [h] = parseAnnotationFile(JSON.stringify({
      '@context': 'http://www.w3.org/ns/anno.jsonld', id: 'https://team.example/a/4', type: 'Annotation', created: '2026-03-01T10:00:00Z',
      creator: 'acct:dana@hypothes.is',
      body: [
        'https://team.example/posts/1',
        { type: 'Choice', items: [{ type: 'TextualBody', value: 'Only this outlet says so.' }, { type: 'TextualBody', value: 'Seul ce média le dit.', language: 'fr' }] },
        { type: 'TextualBody', purpose: 'tagging', value: 'follow up' },
        { type: 'SpecificResource', purpose: 'tagging', source: 'https://team.example/topics/ai' },
        { id: 'https://team.example/audio.mp3', format: 'audio/mpeg' },
      ],
      target: quoteTarget('https://news.example/a', 'Sattar Hashemi'),
    }), NOW).highlights;
    expect(h.creator).toEqual({ id: 'acct:dana@hypothes.is', name: 'dana' });
    expect(h.note).toBe('https://team.example/posts/1\n\nOnly this outlet says so.\n\nTag: https://team.example/topics/ai\n\nhttps://team.example/audio.mp3');
    expect(h.tags).toEqual(['follow up']);
  });

  it('finds the quote in refinedBy, among alternatives, in the first text target of several, with a SpecificResource source', () => {
    const [h] = parseAnnotationFile(JSON.stringify({
      '@context': 'http://www.w3.org/ns/anno.jsonld', id: 'https://team.example/a/5', type: 'Annotation', created: '2026-03-01T10:00:00Z',
      target: [
        'https://news.example/image.png',
        {
          type: 'SpecificResource', source: { id: 'https://news.example/story', type: 'Text' },
          selector: [
            { type: 'RangeSelector', startSelector: { type: 'XPathSelector', value: '/html/body/p[2]' }, endSelector: { type: 'XPathSelector', value: '/html/body/p[2]' } },
            { type: 'FragmentSelector', value: 'para2', refinedBy: { type: 'TextQuoteSelector', exact: 'the 25-year agreement', prefix: 'reviewed ', suffix: ' every year' } },
            { type: 'TextPositionSelector', start: 120, end: 141 },
          ],
        },
      ],
    }), NOW).highlights;
    expect(h).toMatchObject({ source: 'https://news.example/story', quote: { exact: 'the 25-year agreement', prefix: 'reviewed ', suffix: ' every year' }, position: { start: 120, end: 141 } });
  });
});

/** A row as Hypothesis's API and client export write it (fields as its documentation names them). */
function hypothesisRow(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id, created: '2026-02-10T09:15:30.123456+00:00', updated: '2026-02-11T10:00:00.000000+00:00',
    user: 'acct:ana_ferreira@hypothes.is', uri: 'https://news.example/world/story', text: 'Check **this** date', tags: ['iran', 'tech'],
    group: '__world__', permissions: { read: ['group:__world__'] },
    target: [{
      source: 'https://news.example/world/story',
      selector: [
        { type: 'RangeSelector', startContainer: '/main[1]/p[2]', startOffset: 11, endContainer: '/main[1]/p[2]', endOffset: 25 },
        { type: 'TextPositionSelector', start: 211, end: 225 },
        { type: 'TextQuoteSelector', exact: 'Sattar Hashemi', prefix: 'On Monday, Minister ', suffix: ' met his Chinese' },
      ],
    }],
    document: { title: ['Tehran and Beijing talk technology'] },
    links: { html: `https://hypothes.is/a/${id}`, incontext: `https://hyp.is/${id}/news.example/world/story` },
    user_info: { display_name: 'Ana Ferreira' },
    ...over,
  };
}

describe('Hypothesis files', () => {
  it('imports the API’s rows: text, tags, user, created and updated; replies and page notes refused with a reason', () => {
    const parsed = parseAnnotationFile(JSON.stringify({
      total: 3,
      rows: [
        hypothesisRow('utalbWjUQZK5ifydnohjmA'),
        hypothesisRow('Xp3kz9aLRz2v0b1CmQh7Ow', { references: ['utalbWjUQZK5ifydnohjmA'], target: [{ source: 'https://news.example/world/story' }], text: 'Agreed' }),
        hypothesisRow('Q2w3e4r5t6y7u8i9o0p1aA', { target: [{ source: 'https://news.example/world/story' }], text: 'A page note' }),
      ],
    }), NOW);
    expect(parsed.format).toBe('hypothesis');
    expect(parsed.highlights).toHaveLength(1);
    expect(parsed.highlights[0]).toMatchObject({
      id: 'https://hypothes.is/a/utalbWjUQZK5ifydnohjmA', source: 'https://news.example/world/story', title: 'Tehran and Beijing talk technology',
      note: 'Check **this** date', tags: ['iran', 'tech'], creator: { id: 'acct:ana_ferreira@hypothes.is', name: 'Ana Ferreira' },
      created: '2026-02-10T09:15:30.123Z', modified: '2026-02-11T10:00:00.000Z', quote: { exact: 'Sattar Hashemi' },
      rangeHint: { xpath: '/main[1]/p[2]', offset: 11 },
    });
    expect(parsed.refused.map((e) => e.message)).toEqual([
      'is a reply to another annotation, not a passage of the page',
      'has no TextQuoteSelector (this reader takes passages of text)',
    ]);
  });

  it('imports the client’s export file, named after its account', () => {
    const parsed = parseAnnotationFile(JSON.stringify({
      export_date: '2026-03-01T08:00:00.000Z', export_userid: 'acct:ana_ferreira@hypothes.is', client_version: '1.1500.0',
      annotations: [hypothesisRow('utalbWjUQZK5ifydnohjmA'), hypothesisRow('AAAAbWjUQZK5ifydnohjmA', { text: '', tags: [] })],
    }), NOW);
    expect(parsed.label).toBe('Hypothesis export of acct:ana_ferreira@hypothes.is');
    expect(parsed.highlights.map((h) => h.note)).toEqual(['Check **this** date', '']);
  });

  it('imports Hypothesis’s W3C (JSON-LD) form, with its creator as a string account', () => {
    const parsed = parseAnnotationFile(JSON.stringify({
      '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'Annotation', id: 'https://hypothes.is/a/utalbWjUQZK5ifydnohjmA',
      created: '2026-02-10T09:15:30.123456+00:00', modified: '2026-02-11T10:00:00.000000+00:00', creator: 'acct:ana_ferreira@hypothes.is',
      body: [{ type: 'TextualBody', value: 'Check this date', format: 'text/markdown' }, { type: 'TextualBody', purpose: 'tagging', value: 'iran' }],
      target: [{ source: 'https://news.example/world/story', selector: hypothesisRow('x').target && (hypothesisRow('x').target as { selector: unknown }[])[0].selector }],
    }), NOW);
    expect(parsed.highlights[0]).toMatchObject({ creator: { id: 'acct:ana_ferreira@hypothes.is', name: 'ana_ferreira' }, note: 'Check this date', tags: ['iran'] });
  });
});

describe('a file with some bad annotations', () => {
  const good = (n: number) => ({ id: `https://team.example/a/good-${n}`, type: 'Annotation', created: '2026-03-01T10:00:00Z', target: quoteTarget('https://news.example/a', `quote ${n}`) });
  const file = JSON.stringify({
    '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'AnnotationPage',
    items: [good(1), { ...good(2), target: { source: 'javascript:alert(1)', selector: { type: 'TextQuoteSelector', exact: 'x' } } }, good(3), { ...good(4), modified: '2999-01-01T00:00:00Z' }],
  });

  it('previews the good ones and lists each refused one with its reason', async () => {
    const db = await openCoverageDb(`foreign-${Math.random()}`);
    const preview = await previewImport(db, file, ME);
    expect(preview.added).toBe(2);
    expect(preview.refusedTotal).toBe(2);
    expect(preview.refused.map((e) => `${e.where}: ${e.message}`)).toEqual([
      'annotation 2 (https://team.example/a/good-2), target.source: must be an http(s) address',
      expect.stringMatching(/^annotation 4 \(https:\/\/team\.example\/a\/good-4\), modified: is in the future/),
    ]);
    db.close();
  });

  it('writes nothing unless the reader chooses to import the others; then all of them, in one transaction', async () => {
    const db = await openCoverageDb(`foreign-${Math.random()}`);
    await expect(applyImport(db, file, ME)).rejects.toBeInstanceOf(AnnotationFileError);
    expect(await db.count('highlights')).toBe(0);
    const result = await applyImport(db, file, ME, { importOthers: true });
    expect(result.added).toBe(2);
    expect((await db.getAll('highlights')).map((h) => h.quote.exact).sort()).toEqual(['quote 1', 'quote 3']);
    db.close();
  });
});

describe('short quotes as other tools and the standard write them', () => {
  const PAGE = 'Tehran and Beijing talk technology. On Monday, Minister Sattar Hashemi met Li Lecheng in Beijing. '
    + 'They spoke about AI and about the digital economy. The digital economy came first, this is an anotation that has some typos. '
    + 'Officials said the talks would go on in Tehran.';
  const text = prepareText(PAGE);
  const at = (exact: string, prefix = '', suffix = '', start = 0) => anchorText(text, {
    quote: { type: 'TextQuoteSelector', exact, prefix, suffix },
    position: { type: 'TextPositionSelector', start, end: start + exact.length },
  });
  const found = (a: ReturnType<typeof at>) => (a ? PAGE.slice(a.start, a.end) + `@${a.start}` : null);

  it('a unique quote with no context anchors, wherever the position says (Apache Annotator writes none when unique)', () => {
    expect(found(at('Sattar Hashemi', '', '', PAGE.indexOf('Sattar')))).toBe(`Sattar Hashemi@${PAGE.indexOf('Sattar')}`);
    expect(found(at('Sattar Hashemi'))).toBe(`Sattar Hashemi@${PAGE.indexOf('Sattar')}`);
    expect(found(at('Li Lecheng', '', '', 5000))).toBe(`Li Lecheng@${PAGE.indexOf('Li Lecheng')}`);
  });

  it('a repeated quote with no context anchors only where its position points, never elsewhere', () => {
    const second = PAGE.indexOf('digital economy', PAGE.indexOf('digital economy') + 1);
    expect(found(at('digital economy', '', '', second))).toBe(`digital economy@${second}`);
    expect(found(at('digital economy', '', '', 3))).toBeNull();
    expect(found(at('Beijing', '', '', PAGE.indexOf('Beijing')))).toBe(`Beijing@${PAGE.indexOf('Beijing')}`);
  });

  it('the standard’s own examples: a misspelt word with its context (anno26), a quote at the very end with a suffix', () => {
    expect(found(at('anotation', 'this is an ', ' that has some'))).toBe(`anotation@${PAGE.indexOf('anotation')}`);
    // Another tool read a footer after the article: its suffix is not on this page.
    expect(found(at('in Tehran.', 'Officials said the talks would go on ', ' Subscribe to our newsletter'))).toBe(`in Tehran.@${PAGE.length - 'in Tehran.'.length}`);
    // And at the very start with a prefix from a header this page does not have.
    expect(found(at('Tehran and Beijing', 'Menu Home World ', ' talk technology.'))).toBe('Tehran and Beijing@0');
    // A short quote that is not on the page is not put on other words.
    expect(found(at('Xi Jinping', '', '', 40))).toBeNull();
  });
});

describe('positions in code points, as the model counts them', () => {
  const PAGE = '🇮🇷🤝🇨🇳 Live: Minister Sattar Hashemi 😀 met Li Lecheng in Beijing.';
  const units = PAGE.indexOf('Li Lecheng');

  it('converts between UTF-16 offsets and code points both ways', () => {
    expect(unitsToCodePoints(PAGE, units)).toBe([...PAGE.slice(0, units)].length);
    expect(codePointsToUnits(PAGE, [...PAGE.slice(0, units)].length)).toBe(units);
    expect(unitsToCodePoints('abc', 2)).toBe(2);
  });

  it('exports code points, and reads them back (and our older UTF-16 files) to the same place', () => {
    const cp = unitsToCodePoints(PAGE, units);
    const saved = {
      id: 'urn:uuid:6f1c2a9e-1b2c-4d5e-8f90-1234567890ab', source: 'https://news.example/live', pageUrl: 'https://news.example/live', title: 'Live', site: 'news.example',
      quote: { type: 'TextQuoteSelector' as const, exact: 'Li Lecheng', prefix: '', suffix: '' },
      position: { type: 'TextPositionSelector' as const, start: cp, end: cp + 10 }, positionUnit: 'codepoint' as const,
      context: PAGE, note: '', tags: [], colour: 'yellow' as const, entities: [], creator: { id: 'local', name: '' },
      created: '2026-11-01T00:00:00.000Z', modified: '2026-11-01T00:00:00.000Z',
    };
    const file = toCollection([saved], { id: 'urn:uuid:00000000-0000-4000-8000-00000000000a', name: 'Ana' }, 'x');
    const exported = file.first.items[0] as unknown as { target: { selector: { type: string; start?: number }[] }; 'ng:positionUnit': string };
    expect(exported.target.selector.find((s) => s.type === 'TextPositionSelector')?.start).toBe([...PAGE.slice(0, units)].length);
    expect(exported['ng:positionUnit']).toBe('codepoint');
    const back = parseAnnotationFile(JSON.stringify(file), NOW).highlights[0];
    expect(targetOf(back, PAGE).position.start).toBe(units);
    // A file of ours from before positions said their unit: UTF-16, read as such.
    const older = JSON.parse(JSON.stringify(file)) as { first: { items: Record<string, unknown>[] } };
    delete older.first.items[0]['ng:positionUnit'];
    (older.first.items[0].target as { selector: { type: string; start?: number; end?: number }[] }).selector[1] = { type: 'TextPositionSelector', start: units, end: units + 10 };
    expect(targetOf(parseAnnotationFile(JSON.stringify(older), NOW).highlights[0], PAGE).position.start).toBe(units);
    // Another tool's file (no ng: terms): code points.
    const foreign = { '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'Annotation', id: 'https://team.example/a/9', target: { source: 'https://news.example/live', selector: [{ type: 'TextQuoteSelector', exact: 'Li Lecheng' }, { type: 'TextPositionSelector', start: cp, end: cp + 10 }] } };
    expect(targetOf(parseAnnotationFile(JSON.stringify(foreign), NOW).highlights[0], PAGE).position.start).toBe(units);
  });
});

describe('an export Hypothesis users can read', () => {
  it('writes Hypothesis’s own export JSON, which reads back to the same highlights', async () => {
    const db = await openCoverageDb(`foreign-${Math.random()}`);
    const file = JSON.stringify({
      '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'AnnotationPage',
      items: [{ id: 'https://team.example/a/h1', type: 'Annotation', created: '2026-03-01T10:00:00Z', creator: { id: 'https://team.example/people/bo', name: 'Bo' },
        body: [{ type: 'TextualBody', value: 'Check with IRNA' }, { type: 'TextualBody', purpose: 'tagging', value: 'iran' }],
        target: { source: 'https://news.example/a', selector: [{ type: 'TextQuoteSelector', exact: 'Li Lecheng', prefix: 'met ', suffix: ' in' }, { type: 'TextPositionSelector', start: 40, end: 50 }] } }],
    });
    await applyImport(db, file, ME);
    const out = await exportHighlights(db, {}, 'hypothesis', { id: ME, name: 'Ana Ferreira' }, new Date(NOW));
    expect(out.filename).toMatch(/\.hypothesis\.json$/);
    const data = JSON.parse(out.text) as { export_userid: string; annotations: Record<string, unknown>[] };
    expect(data.export_userid).toBe('acct:Ana_Ferreira@newsgloss.app');
    expect(data.annotations[0]).toMatchObject({ uri: 'https://news.example/a', text: 'Check with IRNA', tags: ['iran'], user: 'https://team.example/people/bo' });
    const back = parseAnnotationFile(out.text, NOW);
    expect(back.format).toBe('hypothesis');
    expect(back.highlights[0]).toMatchObject({ source: 'https://news.example/a', note: 'Check with IRNA', tags: ['iran'], quote: { exact: 'Li Lecheng', prefix: 'met ', suffix: ' in' }, position: { start: 40, end: 50 } });
    db.close();
  });
});
