/**
 * An automaton stored in parts: split and assembled again it is the same, and a scan that reads
 * the top, then the parts its text wanted, finds exactly what the whole automaton finds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDictionary } from '../../src/build/compile-dictionary.ts';
import { readSeedFolder } from '../../src/build/seed-files.ts';
import { assembleAutomaton, CUT_DEPTH, partLayout, splitAutomaton, type AutomatonPart, type SplitAutomaton, type TermBuffers } from '../../src/core/automaton-parts.ts';
import { bytesToBase64, base64ToBytes, deserializeAutomaton, wholeAutomaton } from '../../src/core/automaton.ts';
import { compileTerms } from '../../src/core/compile-terms.ts';
import { entityIndexBytes, loadDictionary, type RuntimeDictionary } from '../../src/core/dictionary.ts';
import { packDictionary } from '../../src/core/stored-dictionary.ts';
import { Scanner } from '../../src/core/scanner.ts';
import { runSteps } from '../../src/core/steps.ts';
import { loadSplitIntoModule, makeScanner, PartedAutomaton, scanModule } from '../../src/core/wasm-scanner.ts';
import { loadSplitInJavaScript, TablesInParts } from '../../src/core/parted-tables.ts';
import { userEntities } from '../bench/synthetic-dictionary.ts';
import { NEWS_PAGES_DIR, SEEDS_DIR, haveNewsPages } from '../support/paths.ts';
import { seededRandom } from '../support/wait.ts';

const { catalogue, seeds } = readSeedFolder(SEEDS_DIR);
const { records } = compileDictionary(catalogue, seeds);
const readers = userEntities(3000);
const { compiled } = compileTerms([...records, ...readers]);
const whole = wholeAutomaton(compiled.automaton);
const wholeDict = loadDictionary(compiled);
/** Small parts, so that a text wants some and not others. */
const { split, parts } = splitAutomaton(whole, { partStates: 512, minStates: 0 })!;

/** Every kept match of `text`, as the scanner's tests write them. */
function matches(scanner: Scanner, text: string): string[] {
  scanner.reset();
  scanner.feed(text);
  const present = new Set<number>();
  return scanner.finish(present, (_s, _e, left, right) => `${left ? '<' : ''}${right ? '>' : ''}`).map((m) => `${m.start}-${m.end}:${m.entity}${m.anchor}`);
}

type Parted = PartedAutomaton | TablesInParts;
type Load = (s: SplitAutomaton, terms?: TermBuffers) => Parted;

/** The two readers of an automaton in parts: the scanner module, and JavaScript tables where a page may not compile it. */
const LOADERS: [string, Load][] = [
  ['the scanner module', (s, terms) => runSteps(loadSplitIntoModule(scanModule()!, s, terms))],
  ['JavaScript tables', (s, terms) => runSteps(loadSplitInJavaScript(s, terms))],
];

/** A page's dictionary with the top of the trie loaded, no part placed. */
function partedDictionary(load: Load): { dict: RuntimeDictionary; automaton: Parted } {
  const automaton = load(split);
  return { dict: { ...wholeDict, automaton }, automaton };
}

/** News text with reader names put in now and then, so that parts are wanted and matched. */
function textWithNames(seed: number): string {
  const random = seededRandom(seed);
  const base = seeds.map((s) => s.text).join('\n');
  let out = '';
  for (let i = 0; i < base.length; i += 400) {
    out += base.slice(i, i + 400);
    const r = readers[Math.floor(random() * readers.length)];
    out += ` ${r.aliases[Math.floor(random() * 2)].text}, `;
  }
  return out;
}

describe.each(LOADERS)('an automaton stored in parts, read by %s', (_reader, load) => {
  it('is assembled again into the same stored automaton', () => {
    expect(split.cutEnd).toBeGreaterThan(split.cutFirst);
    expect(parts.length).toBeGreaterThan(20);
    expect(assembleAutomaton(split, parts)).toEqual({ automaton: whole, terms: null });
  });

  it('refuses a top that does not start at the root or stops before the cut', () => {
    // The top's numbers changed: its first block, or how many blocks it holds.
    const loadTop = (top: { block?: number; blocks?: number }) => () => load({
      ...split, top: { ...split.top, ranges: split.top.ranges.map((n, i) => (i === 0 ? (top.block ?? n) : i === 1 ? (top.blocks ?? n) : n)) },
    });
    expect(loadTop({ block: 1 })).toThrow(/are not the top of the trie/);
    expect(loadTop({ blocks: 1 })).toThrow(/are not the top of the trie/);
    expect(loadTop({})).not.toThrow();
  });

  it('is not split when small, or when its terms are not numbered in state order', () => {
    expect(splitAutomaton(whole)).toBeNull();
    expect(splitAutomaton({ ...whole, termIds: bytesToBase64(new Uint8Array(8)) }, { partStates: 512, minStates: 0 })).toBeNull();
  });

  it('refuses to assemble with a part missing', () => {
    expect(() => assembleAutomaton(split, parts.slice(1))).toThrow(/missing/);
  });

  it('finds nothing below the cut before its parts are placed, and wants the parts that hold them', () => {
    const text = textWithNames(1);
    const expected = matches(new Scanner(wholeDict), text);
    const { dict, automaton } = partedDictionary(load);
    const scanner = makeScanner(dict);
    const first = matches(scanner, text);
    // Terms shorter than the cut end in the top and are found; the names below it are not.
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(expected.length);
    const wanted = automaton.wantedParts();
    expect(wanted.length).toBeGreaterThan(0);
    expect(wanted.length).toBeLessThan(parts.length);
  });

  it('finds exactly what the whole automaton finds once the wanted parts are placed, and wants no more', () => {
    const texts = [textWithNames(2), textWithNames(3), readers.slice(0, 400).map((r) => r.aliases[0].text).join(' and ')];
    if (haveNewsPages) {
      for (const f of readdirSync(NEWS_PAGES_DIR).filter((f) => f.endsWith('.html')).slice(0, 8)) {
        texts.push(readFileSync(join(NEWS_PAGES_DIR, f), 'utf8').replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' '));
      }
    }
    for (const text of texts) {
      const expected = matches(new Scanner(wholeDict), text);
      const { dict, automaton } = partedDictionary(load);
      const scanner = makeScanner(dict);
      matches(scanner, text);
      const wanted = automaton.wantedParts();
      for (const k of wanted) automaton.parts!.place(k, parts[k]);
      expect(automaton.wantedParts()).toEqual([]);
      expect(matches(scanner, text)).toEqual(expected);
      expect(automaton.wantedParts()).toEqual([]);
    }
  });

  it('finds exactly what the whole automaton finds in later texts too, the links worked out before a placing worked out again', () => {
    // Names glued to a cut of another: a state below the cut whose suffix starts a name of a part
    // not yet placed, so a link worked out before that part came in is too short after.
    const random = seededRandom(7);
    const name = () => readers[Math.floor(random() * readers.length)].aliases[Math.floor(random() * 2)].text;
    const glued = () => Array.from({ length: 6 }, () => {
      const [a, b, c] = [name(), name(), name()];
      return `${a.slice(0, Math.floor(random() * a.length))}${b} ${b.slice(Math.floor(random() * b.length))}${c}`;
    }).join(', ');
    let later = 0;
    for (let page = 0; page < 40; page++) {
      const { dict, automaton } = partedDictionary(load);
      const scanner = makeScanner(dict);
      for (let text = 0; text < 4; text++) {
        const content = glued();
        matches(scanner, content);
        const placedBefore = automaton.partsPlaced;
        automaton.parts!.placeParts(automaton.wantedParts().map((k) => [k, parts[k]]));
        if (placedBefore > 0) later++;
        expect(matches(scanner, content)).toEqual(matches(new Scanner(wholeDict), content));
        expect(automaton.wantedParts()).toEqual([]);
      }
      expect(automaton.partsPlaced).toBe(4);
    }
    expect(later).toBe(120);
  });

  it(`cuts at depth ${CUT_DEPTH}: every name of the readers’ list is found with all parts placed, one scan`, () => {
    const text = readers.map((r) => r.aliases[1].text).join('; ');
    const { dict, automaton } = partedDictionary(load);
    parts.forEach((part, k) => automaton.parts!.place(k, part));
    const found = matches(makeScanner(dict), text);
    expect(found).toEqual(matches(new Scanner(wholeDict), text));
    expect(found.length).toBeGreaterThanOrEqual(readers.length);
  });

  it('works out each failure link as in the trie without the parts not placed', () => {
    const t = deserializeAutomaton(whole);
    // Larger parts, one in three placed: whole blocks out of memory between those placed.
    const { split, parts } = splitAutomaton(whole, { partStates: 4096, minStates: 0 })!;
    const automaton = load(split);
    const placed = new Set(parts.map((_, k) => k).filter((k) => k % 3 === 0));
    // All at once, as a page places the parts it read: the samples between them filled once.
    expect(automaton.parts!.placeParts([...placed].map((k) => [k, parts[k]]))).toEqual([]);
    const partOf = (cut: number) => split.partFirst.findLastIndex((first) => first <= cut);
    // The trie pruned below the cut states of parts not placed, and its links, breadth first.
    const open = (s: number) => s < split.cutFirst || s >= split.cutEnd || placed.has(partOf(s));
    const child = (s: number, c: number) => {
      if (!open(s)) return 0;
      for (let e = t.edgeOffset[s]; e < t.edgeOffset[s + 1]; e++) if (t.edgeChar[e] === c) return e + 1;
      return 0;
    };
    const fail = new Map<number, number>([[0, 0]]);
    const queue = [0];
    let checked = 0;
    const failOf = automaton instanceof TablesInParts ? (q: number) => automaton.failOf(q) : (automaton as unknown as { take(): { exports: { failOf(q: number): number } } }).take().exports.failOf;
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i];
      if (!open(p)) continue;
      for (let e = t.edgeOffset[p]; e < t.edgeOffset[p + 1]; e++) {
        const q = e + 1;
        let f = p === 0 ? -1 : fail.get(p)!;
        let link = 0;
        while (f >= 0) {
          link = child(f, t.edgeChar[e]);
          if (link || f === 0) break;
          f = fail.get(f)!;
        }
        fail.set(q, link);
        queue.push(q);
        if (failOf(q) !== link) expect(`${q}: ${failOf(q)}`).toBe(`${q}: ${link}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(split.cutEnd);
    expect(checked).toBeLessThan(whole.states - 1000);
  });

  it('carries the term tables, which a page fills as it places the parts, each entity checked', () => {
    const packed = packDictionary(compiled);
    const width = entityIndexBytes(packed.entityKinds.length);
    const terms = { entity: base64ToBytes(packed.termEntity), width, flags: base64ToBytes(packed.termFlags) };
    const withTerms = splitAutomaton(whole, { partStates: 512, minStates: 0, terms })!;
    expect(assembleAutomaton(withTerms.split, withTerms.parts)).toEqual({ automaton: whole, terms });
    const fill = (entities: number) => ({ entity: new Uint8Array(terms.entity.length), width, flags: new Uint8Array(terms.flags.length), entities });
    const buffers = fill(packed.entityKinds.length);
    const automaton = load(withTerms.split, buffers);
    // The top's terms are there at once; the rest as parts are placed.
    expect(buffers.flags.some((f, t) => f !== terms.flags[t])).toBe(true);
    withTerms.parts.forEach((part, k) => automaton.parts!.place(k, part));
    expect(buffers).toEqual({ ...terms, entities: packed.entityKinds.length });
    // A stored term naming an entity past the list: the top, or a part, is refused.
    expect(() => load(withTerms.split, fill(records.length))).toThrow(/not among the dictionary's entities/);
    const last = withTerms.parts.length - 1;
    const [first] = partLayout(withTerms.parts[last], withTerms.split, base64ToBytes(withTerms.parts[last].data).length).filter((r) => r.terms > 0);
    const damaged = { ...withTerms.parts[last], data: bytesToBase64(base64ToBytes(withTerms.parts[last].data).fill(0xff, first.entityAt, first.entityAt + width)) };
    const again = load(withTerms.split, fill(packed.entityKinds.length));
    expect(() => again.parts!.place(last, damaged)).toThrow(/names entity 65535, which is not among the dictionary's entities/);
    expect(again.wantedParts()).toEqual([]);
    expect(() => load(withTerms.split)).toThrow(/nothing holds them/);
  });

  it('does not want a part again that cannot be had, and refuses a damaged one with a message', () => {
    const text = textWithNames(4);
    const { dict, automaton } = partedDictionary(load);
    const scanner = makeScanner(dict);
    matches(scanner, text);
    const [missing, damaged, ...rest] = automaton.wantedParts();
    automaton.parts!.place(missing, null);
    const data = base64ToBytes(parts[damaged].data);
    const cut: AutomatonPart = { ...parts[damaged], data: bytesToBase64(data.slice(0, -8)) };
    expect(() => automaton.parts!.place(damaged, cut)).toThrow(/dictionary automaton: a stored part does not fit its automaton/);
    const flipped: AutomatonPart = { ...parts[rest[0]], data: bytesToBase64(base64ToBytes(parts[rest[0]].data).map((x, j) => (j === 0 ? x ^ 1 : x))) };
    expect(() => automaton.parts!.place(rest[0], flipped)).toThrow(/children does not add up/);
    const past: AutomatonPart = { ...parts[rest[1]], ranges: parts[rest[1]].ranges.map((n, j) => (j === 0 ? n + 1e6 : n)) };
    expect(() => automaton.parts!.place(rest[1], past)).toThrow(/does not fit its automaton/);
    expect(() => automaton.parts!.place(rest[2], 'not a part' as unknown as AutomatonPart)).toThrow(/does not fit its automaton/);
    for (const k of rest.slice(3)) automaton.parts!.place(k, parts[k]);
    matches(scanner, text);
    expect(automaton.wantedParts()).toEqual([]);
  });
});

describe.each(LOADERS)('a scan of an automaton stored in parts, read by %s, finished through the parts', (_reader, load) => {
  it('adds what the parts hold to the first scan’s findings without reading the text again, the same matches', () => {
    const texts = [textWithNames(5), textWithNames(6), readers.slice(0, 400).map((r) => r.aliases[0].text).join(' and ')];
    if (haveNewsPages) {
      for (const f of readdirSync(NEWS_PAGES_DIR).filter((f) => f.endsWith('.html')).slice(8, 16)) {
        texts.push(readFileSync(join(NEWS_PAGES_DIR, f), 'utf8').replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' '));
      }
    }
    let added = 0;
    for (const text of texts) {
      const expected = matches(new Scanner(wholeDict), text);
      const { dict, automaton } = partedDictionary(load);
      const scanner = makeScanner(dict);
      scanner.reset();
      scanner.feed(text);
      for (const k of automaton.wantedParts()) automaton.parts!.place(k, parts[k]);
      const before = (scanner as unknown as { candidateCount: number }).candidateCount;
      scanner.extend();
      added += (scanner as unknown as { candidateCount: number }).candidateCount - before;
      const found = scanner.finish(new Set(), (_s, _e, left, right) => `${left ? '<' : ''}${right ? '>' : ''}`).map((m) => `${m.start}-${m.end}:${m.entity}${m.anchor}`);
      expect(found).toEqual(expected);
    }
    expect(added).toBeGreaterThan(100);
  });
});
