/**
 * The background's sender rules, with made-up senders: who may ask what, and which page a
 * content script may speak for (same scheme, host and port; http(s) only).
 */
import { describe, expect, it } from 'vitest';
import { classifySender, refusal, speaksFor, type Sender } from '../../src/background/senders.ts';
import { pageKey } from '../../src/core/highlights.ts';
import { httpUrl, sameOrigin } from '../../src/core/urls.ts';
import { parseAnnotationFile } from '../../src/core/annotation-file.ts';
import { PAGE_BOUND, PRIVILEGED, type MessageType } from '../../src/messages.ts';

const self = { id: 'newsgloss-id', origin: 'chrome-extension://newsgloss-id' };
const page = (url: string, frameId = 0) => ({ id: self.id, url, tab: { id: 7, url }, frameId });

function kindOf(s: Sender | string): string {
  return typeof s === 'string' ? `refused: ${s}` : s.kind;
}

describe('classifying senders', () => {
  it('tells extension pages, top frames and subframes apart, and refuses the rest', () => {
    expect(kindOf(classifySender({ id: self.id, url: `${self.origin}/src/popup/index.html` }, self))).toBe('extension');
    // Firefox gives an extension page opened in a tab a sender.tab: the address is what tells.
    expect(kindOf(classifySender({ id: self.id, url: `${self.origin}/src/highlights/index.html`, tab: { id: 3 }, frameId: 0 }, self))).toBe('extension');
    expect(kindOf(classifySender(page('https://news.example/a'), self))).toBe('page');
    expect(kindOf(classifySender(page('https://ads.example/frame', 4), self))).toBe('frame');
    expect(kindOf(classifySender({ ...page('https://news.example/a'), id: 'another-extension' }, self))).toMatch(/^refused/);
    expect(kindOf(classifySender(page('data:text/html,hi'), self))).toMatch(/^refused/);
    expect(kindOf(classifySender(page('file:///home/reader/notes.html'), self))).toMatch(/^refused/);
    expect(kindOf(classifySender({ id: self.id, url: 'https://news.example/a' }, self))).toMatch(/^refused: the sender is in no tab/);
    // An address that only begins like the extension's origin is not the extension.
    expect(kindOf(classifySender(page(`https://chrome-extension.newsgloss-id.example/`), self))).toBe('page');
  });

  it('keeps privileged requests for extension pages and page requests for top frames', () => {
    const top = classifySender(page('https://news.example/a'), self) as Sender;
    const frame = classifySender(page('https://ads.example/f', 2), self) as Sender;
    const ext = classifySender({ id: self.id, url: `${self.origin}/src/popup/index.html` }, self) as Sender;
    for (const type of PRIVILEGED) {
      expect(refusal(top, type), type).toMatch(/only for the extension's own pages/);
      expect(refusal(frame, type), type).not.toBeNull();
      expect(refusal(ext, type), type).toBeNull();
    }
    for (const type of PAGE_BOUND) {
      expect(refusal(top, type), type).toBeNull();
      expect(refusal(frame, type), type).toMatch(/top frame/);
      expect(refusal(ext, type), type).toMatch(/top frame/);
    }
    for (const type of ['highlights/update', 'highlights/delete'] as MessageType[]) {
      expect(refusal(frame, type)).not.toBeNull();
      expect(refusal(top, type)).toBeNull();
    }
    expect(refusal(frame, 'dictionary/get')).toBeNull();
    expect(refusal(frame, 'entity/get')).toBeNull();
    // Scripts are run into the asking frame of a page only, never for an extension page.
    for (const type of ['page-ui/load', 'content/load'] as MessageType[]) {
      expect(refusal(top, type), type).toBeNull();
      expect(refusal(frame, type), type).toBeNull();
      expect(refusal(ext, type), type).toMatch(/only for a page's content script/);
    }
    expect(PRIVILEGED.has('settings/set') && PRIVILEGED.has('settings/get')).toBe(true);
  });

  it('lets a page speak for its own origin only: scheme, host and port', () => {
    const top = classifySender(page('https://news.example/a'), self) as Sender;
    expect(speaksFor(top, 'https://news.example/other')).toBe(true);
    expect(speaksFor(top, 'http://news.example/other')).toBe(false);
    expect(speaksFor(top, 'https://news.example:8443/other')).toBe(false);
    expect(speaksFor(top, 'https://evil.news.example/other')).toBe(false);
    expect(speaksFor(top, 'javascript:alert(1)')).toBe(false);
    expect(speaksFor({ kind: 'extension' }, 'https://anything.example/')).toBe(true);
    expect(speaksFor({ kind: 'frame', tabId: 7, frameId: 2 }, 'https://news.example/a')).toBe(false);
  });
});

describe('addresses', () => {
  it('stores and opens http(s) addresses only', () => {
    expect(httpUrl('https://news.example/a')).toBe('https://news.example/a');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'chrome://settings', 'not a url', 42, null]) expect(httpUrl(bad)).toBeNull();
    expect(sameOrigin('https://a.example/x', 'https://a.example:443/y')).toBe(true);
    expect(sameOrigin('https://a.example/x', 'http://a.example/x')).toBe(false);
  });

  it('keys a page by a canonical URL of its own origin only; other schemes have no key', () => {
    expect(pageKey('https://news.example/amp/a', 'https://news.example/a')).toBe('https://news.example/a');
    expect(pageKey('https://news.example/a', 'http://news.example/a')).toBe('https://news.example/a');
    expect(pageKey('https://news.example/a', 'https://news.example:8080/a')).toBe('https://news.example/a');
    expect(pageKey('https://evil.example/a', 'https://news.example/a')).toBe('https://evil.example/a');
    expect(pageKey('https://news.example/a', 'javascript:alert(1)')).toBe('https://news.example/a');
    expect(pageKey('data:text/html,x', null)).toBeNull();
  });
});

describe('imported annotations: timestamps and page addresses', () => {
  const annotation = (over: Record<string, unknown>) => JSON.stringify({
    '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'Annotation', id: 'urn:uuid:0b3c9a44-1d3e-4f57-9f1a-2c58c5c1a001',
    created: '2026-05-01T10:00:00Z', creator: { id: 'urn:uuid:7d1d2a10-0000-4000-8000-000000000001', name: 'Teammate' },
    target: { source: 'https://news.example/a', selector: [{ type: 'TextQuoteSelector', exact: 'Li Lecheng' }] },
    ...over,
  });
  const now = Date.parse('2026-06-01T00:00:00Z');

  it('normalises offsets to UTC, so times compare as instants', () => {
    const [h] = parseAnnotationFile(annotation({ created: '2026-05-01T12:00:00+02:00', modified: '2026-05-01T12:30:00+0200' }), now).highlights;
    expect(h.created).toBe('2026-05-01T10:00:00.000Z');
    expect(h.modified).toBe('2026-05-01T10:30:00.000Z');
  });

  it('refuses a date in the future with the reason', () => {
    expect(() => parseAnnotationFile(annotation({ modified: '2999-01-01T00:00:00Z' }), now)).toThrow(/future/);
  });

  it('ties the page address to the source: another origin is replaced by the source', () => {
    expect(parseAnnotationFile(annotation({ 'ng:pageUrl': 'https://news.example/amp/a' }), now).highlights[0].pageUrl).toBe('https://news.example/amp/a');
    expect(parseAnnotationFile(annotation({ 'ng:pageUrl': 'https://evil.example/a' }), now).highlights[0].pageUrl).toBe('https://news.example/a');
    expect(parseAnnotationFile(annotation({ 'ng:pageUrl': 'javascript:alert(1)' }), now).highlights[0].pageUrl).toBe('https://news.example/a');
  });
});
