import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { anchorText, describeText, prepareText } from '../../src/core/anchoring.ts';
import { matchesFilter, pageKey, parseTags, siteOf, type SavedHighlight } from '../../src/core/highlights.ts';
import { parsePageRequest, parseRequest, STORED_KEY_NAMES } from '../../src/messages.ts';
import { DB_VERSION, highlightsOf, openCoverageDb, putHighlights } from '../../src/background/coverage-db.ts';
import { openOldCoverageDb } from '../support/old-databases.ts';

function highlight(over: Partial<SavedHighlight> = {}): SavedHighlight {
  const text = 'Sattar Hashemi met his Chinese counterpart Li Lecheng in Beijing on Monday.';
  const t = describeText(text, 0, 14);
  return {
    id: `urn:uuid:${Math.random()}`, source: 'https://example.org/a', pageUrl: 'https://example.org/a', title: 'A story', site: 'example.org',
    quote: t.quote, position: t.position, context: text, note: 'Ask the ministry', tags: ['Iran', 'tech'], colour: 'yellow',
    entities: ['sattar-hashemi'], creator: { name: '', id: 'local' }, created: '2026-11-20T10:00:00.000Z', modified: '2026-11-20T10:00:00.000Z',
    ...over,
  };
}

describe('anchoring basics', () => {
  it('describes a passage with context counted in visible characters and finds it again', () => {
    const text = 'Title\n\n\n        First paragraph ends here.\n\n        Second paragraph starts here and goes on.';
    const start = text.indexOf('Second');
    const t = describeText(text, start, start + 'Second paragraph'.length);
    expect(t.quote.prefix.replace(/\s+/g, ' ')).toContain('First paragraph ends here.');
    expect(anchorText(prepareText(text), t)).toMatchObject({ start, end: start + 16, method: 'exact' });
  });

  it('finds nothing in an empty page and does not match an empty quote', () => {
    const t = describeText('some words here', 5, 10);
    expect(anchorText(prepareText(''), t)).toBeNull();
    expect(anchorText(prepareText('some words here'), { ...t, quote: { ...t.quote, exact: '   ' } })).toBeNull();
  });

  it('picks the occurrence whose surroundings match among repeats', () => {
    const text = 'He said the talks went well. Later, the minister said the talks went nowhere at all.';
    const second = text.lastIndexOf('the talks went');
    const t = describeText(text, second, second + 14);
    const edited = `Breaking news. ${text}`;
    expect(anchorText(prepareText(edited), t)?.start).toBe(edited.lastIndexOf('the talks went'));
  });
});

describe('highlight helpers', () => {
  it('parses tags: trimmed, deduplicated case-insensitively, empty ones dropped', () => {
    expect(parseTags(' Iran, sanctions ,iran,, tech  policy ')).toEqual(['Iran', 'sanctions', 'tech policy']);
    expect(parseTags(Array.from({ length: 50 }, (_, i) => `t${i}`))).toHaveLength(30);
  });

  it('keys a page by its canonical URL only when it names one on its own site', () => {
    expect(pageKey('https://www.example.org/a?utm_source=x', null)).toBe('https://example.org/a');
    expect(pageKey('https://www.example.org/a', 'not a url')).toBe('https://example.org/a');
    expect(pageKey('https://example.org/amp/a', 'https://example.org/a?utm_medium=rss')).toBe('https://example.org/a');
    expect(pageKey('https://evil.example.net/a', 'https://example.org/a')).toBe('https://evil.example.net/a');
    expect(siteOf('https://www.Example.org/x')).toBe('example.org');
  });

  it('filters by words in quote, note or tags (accents and case folded), tag, entity, site, person and dates', () => {
    const h = highlight({ note: 'Vérifier la date' });
    expect(matchesFilter(h, { text: 'verifier HASHEMI' })).toBe(true);
    expect(matchesFilter(h, { text: 'hashemi beijing' })).toBe(false);
    expect(matchesFilter(h, { tag: 'iran' })).toBe(true);
    expect(matchesFilter(h, { tag: 'china' })).toBe(false);
    expect(matchesFilter(h, { entity: 'sattar-hashemi', site: 'example.org', creator: 'local' })).toBe(true);
    expect(matchesFilter(h, { from: '2026-11-21' })).toBe(false);
    expect(matchesFilter(h, { from: '2026-11-20', to: '2026-11-20' })).toBe(true);
  });

  it('refuses malformed highlight messages with a reason', () => {
    const h = highlight();
    const ok = parseRequest({ type: 'highlights/save', canonical: null, highlight: { ...h, id: undefined } });
    expect(typeof ok).toBe('object');
    expect(parseRequest({ type: 'highlights/save', canonical: null, highlight: { ...h, colour: 'red' } })).toMatch(/colour/);
    expect(parseRequest({ type: 'highlights/save', canonical: null, highlight: { ...h, position: { type: 'TextPositionSelector', start: 5, end: 2 } } })).toMatch(/position/);
    expect(parseRequest({ type: 'highlights/save', canonical: null, highlight: { ...h, note: 'x'.repeat(30_000) } })).toMatch(/note/);
    expect(parseRequest({ type: 'highlights/update', id: 'x', edit: { tags: 'a,b' } })).toMatch(/tags/);
  });

  it('lets a page be told only of the stored keys it follows', () => {
    for (const key of STORED_KEY_NAMES) expect(parsePageRequest({ type: 'page/stored-changed', key })).toEqual({ type: 'page/stored-changed', key });
    expect(parsePageRequest({ type: 'page/stored-changed', key: 'pageIndex' })).toMatch(/key a page follows/);
    expect(parsePageRequest({ type: 'page/stored-changed' })).toMatch(/key a page follows/);
  });

  it('takes a site to pause or resume only as a host name and a switch', () => {
    expect(parseRequest({ type: 'sites/pause', site: 'example.org', paused: true })).toEqual({ type: 'sites/pause', site: 'example.org', paused: true });
    expect(parseRequest({ type: 'sites/pause', site: '', paused: true })).toMatch(/host name/);
    expect(parseRequest({ type: 'sites/pause', site: 'example.org', paused: 'yes' })).toMatch(/true or false/);
  });
});

describe('highlight store', () => {
  it('upgrades a version-2 database to 3 keeping articles, and stores highlights by page', async () => {
    const name = `hl-${Math.random()}`;
    const v2 = await openOldCoverageDb(name, 2);
    await v2.put('articles', { id: 'kept', entityIds: [], savedAt: 1 });
    v2.close();
    const db = await openCoverageDb(name);
    expect(db.version).toBe(DB_VERSION);
    expect(await db.getAllKeys('articles')).toEqual(['kept']);
    // A record without the signature later versions store still gets its ranking-copy card (v6).
    expect(await db.get('cards', 'kept')).toMatchObject({ id: 'kept', entityIds: [], sig: '' });
    const a = highlight({ created: '2026-11-20T10:00:00.000Z' });
    const b = highlight({ created: '2026-11-19T10:00:00.000Z' });
    const other = highlight({ source: 'https://example.org/b' });
    await putHighlights(db, [a, b, other]);
    expect((await highlightsOf(db, 'https://example.org/a')).map((h) => h.id)).toEqual([b.id, a.id]);
    db.close();
  });
});
