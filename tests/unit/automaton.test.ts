import { describe, expect, it } from 'vitest';
import { Automaton, base64ToBytes, buildAutomaton, bytesToBase64, deserializeAutomaton, failWidth, serializeAutomaton } from '../../src/core/automaton.ts';

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function allOccurrences(a: Automaton, patterns: string[], text: string): string[] {
  const out: string[] = [];
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    state = a.step(state, text.charCodeAt(i));
    for (let s = a.t.termAt[state] >= 0 ? state : a.t.outLink[state]; s >= 0; s = a.t.outLink[s]) {
      const t = a.t.termAt[s];
      out.push(`${i + 1 - patterns[t].length}:${t}`);
    }
  }
  return out.sort();
}

describe('automaton', () => {
  it('finds exactly the occurrences a naive search finds, for thousands of terms', () => {
    const rand = rng(7);
    const alphabet = 'abcdé -';
    const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    const patterns = [...new Set(Array.from({ length: 3000 }, () => word(1 + Math.floor(rand() * 6))))];
    const text = word(5000);
    const a = new Automaton(deserializeAutomaton(serializeAutomaton(buildAutomaton(patterns))));
    const naive: string[] = [];
    patterns.forEach((p, t) => {
      for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) naive.push(`${i}:${t}`);
    });
    expect(allOccurrences(a, patterns, text)).toEqual(naive.sort());
  });

  it('keeps states with 255 children or more (a root of 600 Han characters) through its stored form', () => {
    const han = Array.from({ length: 600 }, (_, i) => String.fromCharCode(0x4e00 + i));
    const patterns = [...han, ...han.slice(0, 300).map((c, i) => `${c}${han[(i * 7) % 600]}`)];
    const stored = serializeAutomaton(buildAutomaton(patterns));
    expect(stored.wideCounts).not.toBe('');
    const a = new Automaton(deserializeAutomaton(JSON.parse(JSON.stringify(stored)) as typeof stored));
    const text = han.slice(250, 320).join('') + han[5] + han[35];
    const naive: string[] = [];
    patterns.forEach((p, t) => {
      for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) naive.push(`${i}:${t}`);
    });
    expect(allOccurrences(a, patterns, text)).toEqual(naive.sort());
  });

  it('stores an edge as its place in an alphabet of up to 256 characters, and a failure link in three bytes', () => {
    const latin = serializeAutomaton(buildAutomaton(['ab', 'b', 'abc']));
    expect(base64ToBytes(latin.alphabet)).toEqual(new Uint8Array(Uint16Array.from([97, 98, 99]).buffer));
    expect(base64ToBytes(latin.edgeChar)).toEqual(Uint8Array.from([0, 1, 1, 2]));
    expect(base64ToBytes(latin.fail)).toHaveLength(5 * 3);
    const many = Array.from({ length: 257 }, (_, i) => String.fromCharCode(0x4e00 + i));
    const han = serializeAutomaton(buildAutomaton(many));
    expect(han.alphabet).toBe('');
    expect(base64ToBytes(han.edgeChar)).toHaveLength(257 * 2);
    expect(deserializeAutomaton(han).edgeChar).toEqual(Uint16Array.from(many, (c) => c.charCodeAt(0)));
    expect([failWidth(2 ** 24 - 1), failWidth(2 ** 24)]).toEqual([3, 4]);
  });

  it('refuses duplicate and empty terms, and damaged tables', () => {
    expect(() => buildAutomaton(['ab', 'ab'])).toThrow(/same text/);
    expect(() => buildAutomaton([''])).toThrow(/empty/);
    const s = serializeAutomaton(buildAutomaton(['ab']));
    expect(() => deserializeAutomaton({ ...s, fail: s.fail.slice(0, 4) })).toThrow(/wrong size/);
    const tables = buildAutomaton(['ab', 'b']);
    const forward = serializeAutomaton({ ...tables, fail: tables.fail.map((f, q) => (q === 1 ? 2 : f)) });
    expect(() => deserializeAutomaton(forward)).toThrow(/does not lead back/);
    const extra = { ...serializeAutomaton(tables), termIds: bytesToBase64(new Uint8Array(Int32Array.from([1, 0, 2]).buffer)) };
    expect(() => deserializeAutomaton(extra)).toThrow(/termIds do not match termEnds/);
    expect(() => deserializeAutomaton({ ...s, childCounts: serializeAutomaton(buildAutomaton(['xy'])).childCounts.replace(/^A/, 'B') })).toThrow(/childCounts|wideCounts/);
  });
});
