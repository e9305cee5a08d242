/**
 * Which dictionary entities an article's text mentions, how often, and the first sentence of
 * each: the same scanner as on pages, fed sentence by sentence.
 */
import type { RuntimeDictionary } from './dictionary.ts';
import type { ArticleMention } from './coverage.ts';
import { Scanner } from './scanner.ts';
import { splitSentences } from './sentences.ts';

export function findMentions(dict: RuntimeDictionary, text: string): ArticleMention[] {
  const scanner = new Scanner(dict);
  const sentences = splitSentences(text);
  const starts: number[] = [];
  let offset = 0;
  for (const s of sentences) {
    starts.push(offset);
    offset += s.length;
    scanner.feed(s);
    scanner.boundary();
  }
  const byEntity = new Map<string, ArticleMention>();
  let si = 0;
  for (const m of scanner.finish()) {
    while (si + 1 < starts.length && starts[si + 1] <= m.start) si++;
    const id = dict.entities.get(m.entity).id;
    const seen = byEntity.get(id);
    if (seen) seen.count++;
    else byEntity.set(id, { entity: id, count: 1, sentence: sentences[si].trim() });
  }
  return [...byEntity.values()];
}

/** The entity whose alias is exactly `text` (the whole of it), if any: "already in the dictionary". */
export function entityNamedExactly(dict: RuntimeDictionary, text: string): number | null {
  const scanner = new Scanner(dict);
  scanner.feed(text.trim());
  const whole = scanner.finish().find((m) => m.start === 0 && m.end === text.trim().length);
  return whole ? whole.entity : null;
}
