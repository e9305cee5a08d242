import { describe, expect, it } from 'vitest';
import { Automaton, automatonSteps, base64ToBytes, buildAutomaton, bytesToBase64, deserializeAutomaton, failureLinks, NO_LINK, serializeAutomaton } from '../../src/core/automaton.ts';
import { runSteps } from '../../src/core/steps.ts';

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

  it('works out from the edges alone the failure links it was built with', () => {
    const rand = rng(11);
    for (const alphabet of ['ab', 'abcdé -', '中国伊朗德黑兰']) {
      const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      const built = buildAutomaton([...new Set(Array.from({ length: 2000 }, () => word(1 + Math.floor(rand() * 9))))]);
      // Deep chains of links: every suffix of a long run of one letter is a state.
      expect(failureLinks(built.edgeOffset, built.edgeChar)).toEqual(built.fail);
      expect(deserializeAutomaton(serializeAutomaton(built))).toEqual(built);
    }
    const run = buildAutomaton(Array.from({ length: 40 }, (_, n) => 'a'.repeat(n + 1)));
    expect([...failureLinks(run.edgeOffset, run.edgeChar)]).toEqual([0, ...Array.from({ length: 40 }, (_, q) => q)]);
  });

  it('read from storage, works out each link on first need, as the builder made it', () => {
    const rand = rng(13);
    const alphabet = 'abcdé -';
    const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    const patterns = [...new Set(Array.from({ length: 3000 }, () => word(1 + Math.floor(rand() * 8))))];
    const built = buildAutomaton(patterns);
    const text = word(5000);
    const naive: string[] = [];
    patterns.forEach((p, t) => {
      for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) naive.push(`${i}:${t}`);
    });
    const scanning = runSteps(automatonSteps(serializeAutomaton(built)));
    expect(scanning.t.fail.filter((f) => f === NO_LINK).length).toBe(built.fail.length - 1);
    const found: string[] = [];
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      state = scanning.step(state, text.charCodeAt(i));
      for (let s = scanning.t.termAt[state] >= 0 ? state : scanning.outOf(state); s >= 0; s = scanning.outOf(s)) found.push(`${i + 1 - patterns[scanning.t.termAt[s]].length}:${scanning.t.termAt[s]}`);
    }
    expect(found.sort()).toEqual(naive.sort());
    // Asked in any order, every link is the builder's.
    const asked = runSteps(automatonSteps(serializeAutomaton(built)));
    const order = [...built.fail.keys()].reverse();
    for (const q of order) expect(asked.failOf(q)).toBe(built.fail[q]);
    for (const q of order) expect(asked.outOf(q)).toBe(built.outLink[q]);
  });

  it('keeps states with 255 children or more (a root of 600 Han characters) through its stored form', () => {
    const han = Array.from({ length: 600 }, (_, i) => String.fromCharCode(0x4e00 + i));
    const patterns = [...han, ...han.slice(0, 300).map((c, i) => `${c}${han[(i * 7) % 600]}`)];
    const stored = serializeAutomaton(buildAutomaton(patterns));
    expect(deserializeAutomaton(stored).edgeOffset[1]).toBe(600);
    const a = new Automaton(deserializeAutomaton(JSON.parse(JSON.stringify(stored)) as typeof stored));
    const text = han.slice(250, 320).join('') + han[5] + han[35];
    const naive: string[] = [];
    patterns.forEach((p, t) => {
      for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) naive.push(`${i}:${t}`);
    });
    expect(allOccurrences(a, patterns, text)).toEqual(naive.sort());
  });

  it('stores an edge as its place in an alphabet of up to 256 characters, child counts in unary, and no failure links', () => {
    const latin = serializeAutomaton(buildAutomaton(['ab', 'b', 'abc']));
    expect(base64ToBytes(latin.alphabet)).toEqual(new Uint8Array(Uint16Array.from([97, 98, 99]).buffer));
    expect(base64ToBytes(latin.edgeChar)).toEqual(Uint8Array.from([0, 1, 1, 2]));
    expect(Object.keys(latin).sort()).toEqual(['alphabet', 'children', 'edgeChar', 'edges', 'states', 'termEnds', 'termIds']);
    // Children in unary, state after state: 2 (a, b), 1 (ab), 0, 1 (abc), 0.
    expect(base64ToBytes(latin.children)).toEqual(Uint8Array.from([0b01001011, 0, 0, 0, 0, 0, 0, 0]));
    const many = Array.from({ length: 257 }, (_, i) => String.fromCharCode(0x4e00 + i));
    const han = serializeAutomaton(buildAutomaton(many));
    expect(han.alphabet).toBe('');
    expect(base64ToBytes(han.edgeChar)).toHaveLength(257 * 2);
    expect(deserializeAutomaton(han).edgeChar).toEqual(Uint16Array.from(many, (c) => c.charCodeAt(0)));
  });

  it('refuses duplicate and empty terms, and damaged tables', () => {
    expect(() => buildAutomaton(['ab', 'ab'])).toThrow(/same text/);
    expect(() => buildAutomaton([''])).toThrow(/empty/);
    const s = serializeAutomaton(buildAutomaton(['ab']));
    expect(() => deserializeAutomaton({ ...s, edgeChar: s.edgeChar.slice(0, 2) })).toThrow(/wrong size/);
    const tables = buildAutomaton(['ab', 'b']);
    const extra = { ...serializeAutomaton(tables), termIds: bytesToBase64(new Uint8Array(Int32Array.from([1, 0, 2]).buffer)) };
    expect(() => deserializeAutomaton(extra)).toThrow(/termIds do not match termEnds/);
    // ab: 1 child at the root, 1 at a, 0 at ab.
    expect(base64ToBytes(s.children)[0]).toBe(0b00101);
    for (const first of [0b00111, 0b00001, 0b10101]) {
      expect(() => deserializeAutomaton({ ...s, children: bytesToBase64(Uint8Array.from([first, 0, 0, 0, 0, 0, 0, 0])) })).toThrow(/children does not add up/);
    }
    expect(() => deserializeAutomaton({ ...s, children: bytesToBase64(Uint8Array.from([0b00101])) })).toThrow(/children has the wrong size/);
  });
});
