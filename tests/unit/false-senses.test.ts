/**
 * No false senses, on the 66 saved news pages (none of them about the story): every highlight the
 * seed pack makes there is listed below as reviewed in its sense, and the names found there in
 * another sense before the capitalisation and topical-context rules are asserted absent. A new
 * highlight on these pages fails the test until it is reviewed and listed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { loadDictionary } from '../../src/core/dictionary.ts';
import { Scanner } from '../../src/core/scanner.ts';
import { NEWS_PAGES_DIR, SEEDS_DIR, haveNewsPages } from '../support/paths.ts';

/** Forms painted on unrelated pages, each reviewed as the story's sense (entity:form). */
const REVIEWED = new Set([
  'united-states:United States', 'united-states:U.S.', 'united-states:US', 'united-states:美国',
  'artificial-intelligence:Artificial Intelligence', 'artificial-intelligence:artificial intelligence', 'artificial-intelligence:AI',
  'europe:Europe', 'europe:EUROPE', 'iran:Iran', 'russia:Russia', 'russia:Россия', 'china:China', 'china:中国',
  'turkey:Turkey', 'turkey:Türkiye', 'azerbaijan:Azerbaijan', 'the-west:the West', 'startups:startups', 'ict:ICT',
  'beijing:Beijing', 'beijing:Pekín',
]);

/** Found before the rules, each in another sense: page, entity and form, and what it was. */
const OTHER_SENSES: [string, string, string, string][] = [
  ['archive-of-our-own.html', 'china', 'china', 'part of a user name, china_roses'],
  ['telegraph.html', 'turkey', 'turkey', 'the bird'],
  ['wikipedia-2.html', 'turkey', 'turkey', 'the bird'],
  ['videos-1.html', 'kazan', 'Kazan', 'the actress Zoe Kazan'],
  ['wikipedia.html', 'sco', 'SCO', 'the SCO Group, in "SCO/Linux controversies"'],
  ['herald-sun-1.html', 'ict', 'IT', 'a drop-capital "It was said"'],
  ['medium-3.html', 'ict', 'IT', 'a shouted "IT SNOWED!"'],
  ['gitlab-blog.html', 'ict', 'IT', 'the country code of Italy in a list'],
];

function pageText(html: string): string {
  let skip = 0;
  const parts: string[] = [];
  const parser = new Parser({
    onopentag: (name) => void ((name === 'script' || name === 'style' || name === 'noscript') && skip++),
    onclosetag: (name) => void ((name === 'script' || name === 'style' || name === 'noscript') && skip--),
    ontext: (t) => void (skip === 0 && parts.push(t)),
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return parts.join('');
}

describe.skipIf(!haveNewsPages)('no false senses on the saved news pages', () => {
  const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
  const dict = loadDictionary(compileDictionary(catalogue, seeds).compiled);
  const painted = new Map<string, Map<string, number>>();
  for (const file of haveNewsPages ? readdirSync(NEWS_PAGES_DIR).filter((f) => f.endsWith('.html')).sort() : []) {
    const text = pageText(readFileSync(NEWS_PAGES_DIR + file, 'utf8'));
    const scanner = new Scanner(dict);
    scanner.feed(text);
    const forms = new Map<string, number>();
    for (const m of scanner.finish()) {
      const key = `${dict.entities.get(m.entity).id}:${text.slice(m.start, m.end)}`;
      forms.set(key, (forms.get(key) ?? 0) + 1);
    }
    painted.set(file, forms);
  }

  it('paints only reviewed forms, in the story’s sense', () => {
    const listing = [...painted].filter(([, f]) => f.size).map(([file, f]) => `${file}: ${[...f].map(([k, n]) => `${k}×${n}`).join(', ')}`);
    console.log(`highlights on unrelated pages (${painted.size} pages):\n${listing.join('\n')}`);
    const unreviewed = [...painted].flatMap(([file, f]) => [...f.keys()].filter((k) => !REVIEWED.has(k)).map((k) => `${file} ${k}`));
    expect(unreviewed).toEqual([]);
  });

  it('no longer paints the names found there in another sense', () => {
    for (const [file, entity, form, why] of OTHER_SENSES) expect(painted.get(file)?.has(`${entity}:${form}`), `${file}: ${form} (${why})`).toBe(false);
  });
});
