/**
 * The scanner with its per-character loop in WebAssembly (scan.wat). On a fresh page that loop is
 * most of the scanning work and runs as cold, unoptimised JavaScript; compiled WebAssembly runs it
 * at full speed from the first character. The text reaches it through `TextEncoder.encodeInto`,
 * which writes the page's text into the module's memory without a JavaScript loop.
 *
 * The normalised text, offsets and candidates live in the module's memory; the JavaScript scanner
 * reads them there through views, so choosing the matches stays one shared piece of code.
 */
import scanModuleBase64 from './scan.wat';
import { Automaton, base64Length, base64ToBytes, childBitsBytes, CHILDREN_MISMATCH, decodeBase64Into, EDGE_OUTSIDE_ALPHABET, edgePlaces, linkedTables, narrowAlphabet, storedAlphabet,  termEnds as termEndsOf, TERM_PAST_STATES, TERMS_MISMATCH, type AutomatonLoader, type AutomatonTables, type Base64 } from './automaton.ts';
import type { Steps } from './steps.ts';
import { checkSplit, isSplitAutomaton, partDataBytes, partLayout, PartGates, placeTermBytes, type AutomatonPart, type PartTables, type SplitAutomaton, type StoredAutomaton, type TermBuffers } from './automaton-parts.ts';
import type { RuntimeDictionary } from './dictionary.ts';
import { FOLDED, FOLD_FLAGS, foldCode } from './normalize.ts';
import { Scanner } from './scanner.ts';

/** The header's fields as indexes of 32-bit words (scan.wat reads field i at byte 4 × i). */
const H = { fold: 0, root: 1, edgeDeltas: 2, edgeChar: 3, fail: 4, termBits: 5, outLink: 6, input: 7, norm: 8, upper: 9, src: 10, candidates: 11, len: 12, state: 13, raw: 14, candidateCount: 15, termRanks: 16, termIds: 17, edgeSamples: 18, alphabet: 19, letters: 20, blocksReady: 21, children: 22, states: 23, childBits: 24, rows: 25, rowsReady: 26, places: 27, cutFirst: 28, cutCount: 29, gates: 30, scratch: 31, rangeEnd: 32 } as const;
const HEADER_BYTES = 136;
const PAGE = 65536;

interface ScanExports {
  memory: WebAssembly.Memory;
  feed(byteLength: number): void;
  offsets(states: number, edges: number): number;
  /** Works out every block's edge offsets (the module does it for a block when a page first reaches it). */
  allOffsets(): void;
  /** `count`: the terms stored, or -1 where they are numbered in state order (none stored). */
  terms(states: number, count: number): number;
  /** The failure link of a state, worked out on first need (read by the tests only). */
  failOf(state: number): number;
  /** The candidates found through the gates a scan noted closed, once open (see scan.wat). */
  extend(): void;
  /** ORs `count` unary bits from `src` into the child counts from bit `at` on. */
  placeBits(src: number, at: number, count: number): void;
  /** Blocks put in memory: their samples and ranks worked out, their data checked (see scan.wat). */
  range(src: number, first: number, blocks: number, sample: number, rank: number, edges: number): number;
  /** Samples for the blocks not in memory, so that they still grow. */
  fillSamples(): void;
  /** The root table, from block 0. */
  root(): void;
}

let compiled: WebAssembly.Module | null | undefined;
let compiling: Promise<void> | undefined;

const moduleBytes = (): Uint8Array<ArrayBuffer> => base64ToBytes(scanModuleBase64) as Uint8Array<ArrayBuffer>;

/**
 * The compiled module, or null where WebAssembly is missing or refused (a policy that forbids
 * compiling it): the JavaScript scanner then does the work, with the same results.
 */
export function scanModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes());
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * Compiles the module off the main thread: a page starts this first and the compiler works while
 * storage hands over the dictionary, so the scan does not wait for it.
 */
export function prepareScanModule(): Promise<void> {
  if (compiled !== undefined) return Promise.resolve();
  compiling ??= (async () => {
    try {
      compiled = await WebAssembly.compile(moduleBytes());
    } catch {
      compiled = null;
    }
  })();
  return compiling;
}

/**
 * Above this many automaton states a dictionary unpacked into JavaScript tables is not copied into
 * the module's memory (the page unpacks straight into it instead, see moduleAutomatonLoader).
 * Copying costs about 18 bytes a state: at 2 million states (100,000 reader entities) that was
 * 20 ms more a page and 36 MB more a tab than the faster loop saved (outside benchmark).
 */
export const WASM_MAX_STATES = 250_000;

/**
 * A scanner for `dict`: the WebAssembly one where the dictionary was unpacked into the module's
 * memory, or where the module compiles and the dictionary is not too large to copy; the
 * JavaScript one elsewhere.
 */
export function makeScanner(dict: RuntimeDictionary): Scanner {
  const { automaton } = dict;
  const own = automaton instanceof ModuleAutomaton ? automaton.take() : null;
  if (own) return new WasmScanner(dict, own);
  // JavaScript tables in parts are filled as parts come in: a copy would miss the later ones.
  const module = automaton.states <= WASM_MAX_STATES && !automaton.inParts ? scanModule() : null;
  if (module) {
    try {
      return new WasmScanner(dict, module);
    } catch {
      // Instantiation refused or out of memory: fall back below.
    }
  }
  return new Scanner(dict);
}

const align8 = (n: number): number => (n + 7) & ~7;
const encoder = new TextEncoder();

/** An instance of the module with a dictionary's tables in its memory; per-page buffers go from `buffersAt`. */
interface TablesInMemory {
  exports: ScanExports;
  buffersAt: number;
}

/** A new instance, which asks the normaliser for a unit's fold and flags (the module adds its place, see scan.wat). */
function instantiate(module: WebAssembly.Module): ScanExports {
  const fold = (code: number): number => foldCode(code) | (FOLD_FLAGS[code] << 16);
  return new WebAssembly.Instance(module, { scan: { fold } }).exports as unknown as ScanExports;
}

function ensureMemory(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
}

/**
 * The tables' places in memory for an automaton of `states`, `edges` and `termEnds`, written in the
 * header with a narrow dictionary's alphabet; returns where they end. Edges take one byte in a
 * narrow dictionary, failure links three, worked out as the page needs them (each table with a
 * spare byte for a wider load); edge offsets are worked out a block of 64 states at a time, as
 * the page reaches them, from the stored unary child counts, which stay.
 */
function layTables(exports: ScanExports, states: number, edges: number, termEnds: number, alphabet: Uint16Array | null, split: SplitAutomaton<Base64> | null = null): number {
  const words = Math.ceil(states / 64);
  const cutCount = split ? split.cutEnd - split.cutFirst : 0;
  const sizes: [keyof typeof H, number][] = [
    ['fold', 65536 * 4], ['root', 65536 * 4], ['alphabet', 512], ['edgeDeltas', (states + 1) * 2], ['edgeSamples', ((states >> 6) + 1) * 4],
    ['edgeChar', alphabet ? edges + 1 : edges * 2], ['fail', states * 3 + 1], ['termBits', words * 8], ['termRanks', words * 4], ['termIds', termEnds * 4], ['outLink', states * 4],
    // A spare word after the child counts: stored blocks are ORed in a word at a time (placeBits).
    ['blocksReady', (states >> 6) + 1], ['children', childBitsBytes(states, edges) + 8],
    ['gates', cutCount], ['scratch', split ? split.maxPartBytes : 0],
    // A row per letter for each of the root's children, at most one per letter (see scan.wat).
    ['rows', alphabet ? alphabet.length * alphabet.length * 4 : 0], ['rowsReady', alphabet ? alphabet.length + 1 : 0],
    // Each unit's place in a narrow alphabet + 1 (0: none), which the fold table keeps in its top byte.
    ['places', alphabet ? 65536 : 0],
  ];
  let at = HEADER_BYTES;
  const offsets = sizes.map(([, bytes]) => {
    const offset = at;
    at = align8(at + bytes);
    return offset;
  });
  ensureMemory(exports.memory, at);
  const buf = exports.memory.buffer;
  const header = new Int32Array(buf, 0, HEADER_BYTES / 4);
  sizes.forEach(([name], i) => (header[H[name]] = offsets[i]));
  header[H.letters] = alphabet?.length ?? 0;
  header[H.states] = states;
  header[H.childBits] = states + edges;
  header[H.cutFirst] = split?.cutFirst ?? 0;
  header[H.cutCount] = cutCount;
  if (alphabet) new Uint16Array(buf, header[H.alphabet], alphabet.length).set(alphabet);
  let places: Uint8Array | null = null;
  if (alphabet) {
    places = new Uint8Array(buf, header[H.places], 65536);
    for (let i = 0; i < alphabet.length; i++) places[alphabet[i]] = i + 1;
  } else header[H.places] = 0;
  // ASCII is folded from the start, as in normalize.ts; other units the first time they are read.
  const fold = new Uint32Array(buf, header[H.fold], 128);
  for (let c = 0; c < 128; c++) fold[c] = FOLDED[c] | (FOLD_FLAGS[c] << 16) | ((places?.[FOLDED[c]] ?? 0) << 24);
  return at;
}

/** The module keeps a failure link + 1 in three bytes (see scan.wat): 16 million states, some 800,000 reader entities. */
const MAX_STATES = (1 << 24) - 1;
const TOO_MANY_STATES = 'more states than the WebAssembly scanner holds';

/** A block of 64 states whose children start more than 16 bits after its first state's (see scan.wat). */
const BLOCK_TOO_WIDE = 'more edges in one block of 64 states than the WebAssembly scanner holds';

/** The module's table-building checks, by the number each returns (see scan.wat; 1 and 4 are no longer made). */
const FAILED_CHECK = ['', '', CHILDREN_MISMATCH, TERM_PAST_STATES, '', TERMS_MISMATCH, BLOCK_TOO_WIDE, EDGE_OUTSIDE_ALPHABET];

function check(code: number): void {
  if (code !== 0) throw new Error(`dictionary automaton: ${FAILED_CHECK[code] ?? `check ${code} failed`}`);
}

/**
 * Unpacks a stored automaton straight into a new instance's memory (automaton.ts `AutomatonLoader`):
 * base64 is decoded where the tables live and the passes over the states run in the module, so a
 * dictionary of any size is never held twice, nor walked by cold JavaScript. Failure and output
 * links are worked out as a page reaches their states (see scan.wat). The checks are those of
 * deserializeAutomaton, with its messages.
 */
export function moduleAutomatonLoader(module: WebAssembly.Module): AutomatonLoader {
  return function* loadIntoModule(s: StoredAutomaton, terms?: TermBuffers): Steps<Automaton> {
    if (isSplitAutomaton(s)) return yield* loadSplitIntoModule(module, s, terms);
    const { states, edges } = s;
    if (!Number.isInteger(states) || states < 1 || edges !== states - 1) throw new Error('dictionary automaton: edgeChar has the wrong size');
    const childBytes = childBitsBytes(states, edges);
    if (base64Length(s.children) !== childBytes) throw new Error('dictionary automaton: children has the wrong size');
    if (base64Length(s.termEnds) !== Math.ceil(states / 64) * 8) throw new Error('dictionary automaton: termEnds has the wrong size');
    const idBytes = base64Length(s.termIds);
    if (idBytes < 0 || idBytes % 4 !== 0) throw new Error('dictionary automaton: termIds has the wrong size');
    const alphabet = storedAlphabet(s.alphabet);
    if (states > MAX_STATES) throw new Error(`dictionary automaton: ${TOO_MANY_STATES}`);
    const exports = instantiate(module);
    const buffersAt = layTables(exports, states, edges, idBytes / 4, alphabet);
    const header = new Int32Array(exports.memory.buffer, 0, HEADER_BYTES / 4);
    const bytes = (at: number, length: number) => new Uint8Array(exports.memory.buffer, at, length);
    decodeBase64Into(s.edgeChar, bytes(header[H.edgeChar], alphabet ? edges : edges * 2), 'edgeChar');
    decodeBase64Into(s.children, bytes(header[H.children], childBytes), 'children');
    check(exports.offsets(states, edges));
    yield;
    decodeBase64Into(s.termEnds, bytes(header[H.termBits], Math.ceil(states / 64) * 8), 'termEnds');
    // Terms numbered in state order (no ids stored): the module reads a term as its rank (see scan.wat).
    if (idBytes === 0) header[H.termIds] = 0;
    else decodeBase64Into(s.termIds, bytes(header[H.termIds], idBytes), 'termIds');
    check(exports.terms(states, idBytes === 0 ? -1 : idBytes / 4));
    return new ModuleAutomaton({ exports, buffersAt }, states, edges);
  };
}

/**
 * Unpacks the top of an automaton stored in parts (automaton-parts.ts) into a new instance's
 * memory: blocks below the cut stay out of it until the page asks for their parts
 * (PartGates.place), the gates of the cut closed.
 */
export function* loadSplitIntoModule(module: WebAssembly.Module, split: SplitAutomaton<Base64>, terms?: TermBuffers): Steps<PartedAutomaton> {
  if (split.terms && !terms) throw new Error('dictionary automaton: its term tables are stored with it, and nothing holds them');
  const { states, edges } = split;
  checkSplit(split);
  if (states > MAX_STATES) throw new Error(`dictionary automaton: ${TOO_MANY_STATES}`);
  const alphabet = storedAlphabet(split.alphabet);
  const exports = instantiate(module);
  const buffersAt = layTables(exports, states, edges, 0, alphabet, split);
  const header = new Int32Array(exports.memory.buffer, 0, HEADER_BYTES / 4);
  header[H.termIds] = 0;
  // Every block out of memory, its sample unknown, until stored blocks bring it.
  new Uint8Array(exports.memory.buffer, header[H.blocksReady], (states >> 6) + 1).fill(2);
  const automaton = new PartedAutomaton({ exports, buffersAt }, split, split.terms ? terms! : null);
  automaton.placePart(split.top);
  yield;
  exports.root();
  exports.fillSamples();
  return automaton;
}

/**
 * An automaton whose tables live in an instance's memory. The first scanner made for it reads
 * with that instance; any other (or the JavaScript scanner) gets a copy.
 */
class ModuleAutomaton extends Automaton {
  private unclaimed: TablesInMemory | null;

  constructor(protected readonly loaded: TablesInMemory, states: number, protected readonly edges: number) {
    super(null, states);
    this.unclaimed = loaded;
  }

  /** The instance, to the first who asks. */
  take(): TablesInMemory | null {
    const loaded = this.unclaimed;
    this.unclaimed = null;
    return loaded;
  }

  /** The tables in automaton.ts's terms: term ends from their bits, every failure and output link worked out. */
  protected override copyTables(): AutomatonTables {
    this.loaded.exports.allOffsets();
    const buf = this.loaded.exports.memory.buffer;
    const header = new Int32Array(buf, 0, HEADER_BYTES / 4);
    const { states, edges } = this;
    const termAt = new Int32Array(states).fill(-1);
    const bits = new Uint32Array(buf, header[H.termBits], Math.ceil(states / 64) * 2);
    const ids = header[H.termIds] === 0 ? null : new Int32Array(buf, header[H.termIds]);
    for (let w = 0, rank = 0; w < bits.length; w++) {
      for (let b = bits[w]; b !== 0; b &= b - 1, rank++) termAt[w * 32 + 31 - Math.clz32(b & -b)] = ids ? ids[rank] : rank;
    }
    const deltas = new Uint16Array(buf, header[H.edgeDeltas], states + 1);
    const samples = new Int32Array(buf, header[H.edgeSamples], (states >> 6) + 1);
    const edgeOffset = new Int32Array(states + 1);
    for (let q = 0; q <= states; q++) edgeOffset[q] = samples[q >> 6] + deltas[q];
    const letters = header[H.letters];
    let edgeChar: Uint16Array;
    if (letters) {
      const alphabet = new Uint16Array(buf, header[H.alphabet], letters);
      edgeChar = Uint16Array.from(new Uint8Array(buf, header[H.edgeChar], edges), (place) => alphabet[place]);
    } else edgeChar = new Uint16Array(buf, header[H.edgeChar], edges).slice();
    return linkedTables(edgeOffset, edgeChar, termAt);
  }
}

/**
 * An automaton stored in parts, its top in an instance's memory and its parts put in as the page's
 * text needs them: a scan notes the parts it wanted (wantedParts), the page reads them from
 * storage, places them, and scans again.
 */
export class PartedAutomaton extends ModuleAutomaton implements PartTables {
  /**
   * The states below the cut put in memory so far, as [first, end) pairs: the failure and output
   * links worked out for them while other parts were out (their edges not followed) are worked
   * out again after each placing, since a suffix of theirs may have come in.
   */
  private readonly placedStates: number[] = [];

  constructor(loaded: TablesInMemory, readonly split: SplitAutomaton<Base64>, private readonly terms: TermBuffers | null) {
    super(loaded, split.states, split.edges);
    this.parts = new PartGates(split, this);
  }

  /** The module's gates, in its memory (see scan.wat). */
  gates(): Uint8Array {
    const header = new Int32Array(this.loaded.exports.memory.buffer, 0, HEADER_BYTES / 4);
    return new Uint8Array(this.loaded.exports.memory.buffer, header[H.gates], this.split.cutEnd - this.split.cutFirst);
  }

  /** Marks the links worked out for states below the cut as not worked out (see placedStates). */
  forgetLinks(): void {
    const { memory } = this.loaded.exports;
    const header = new Int32Array(memory.buffer, 0, HEADER_BYTES / 4);
    const bytes = new Uint8Array(memory.buffer);
    const placed = this.placedStates;
    for (let i = 0; i < placed.length; i += 2) {
      // Failure links take three bytes a state, output links four; zero is "not worked out".
      bytes.fill(0, header[H.fail] + placed[i] * 3, header[H.fail] + placed[i + 1] * 3);
      bytes.fill(0, header[H.outLink] + placed[i] * 4, header[H.outLink] + placed[i + 1] * 4);
    }
  }

  /**
   * The samples of blocks still out of memory, so that they still grow: once for all the parts
   * a placing put in (fillSamples walks every block, 32,000 with 100,000 reader entities).
   */
  placed(): void {
    this.loaded.exports.fillSamples();
  }

  /**
   * Decodes a stored part (or the top) into the scratch space in one call, copies each range's
   * edges, term ends and terms into place, and has the module check its child counts and work
   * out its samples and ranks. The samples of blocks still out of memory are then the caller's
   * to fill (the module's fillSamples), once for all the parts it places.
   */
  placePart(part: AutomatonPart<Base64>): void {
    const width = this.split.alphabet === '' ? 2 : 1;
    const dataBytes = partDataBytes(this.split, part);
    const layout = partLayout(part, this.split, dataBytes);
    const { exports } = this.loaded;
    const header = new Int32Array(exports.memory.buffer, 0, HEADER_BYTES / 4);
    const scratch = header[H.scratch];
    const memory = new Uint8Array(exports.memory.buffer);
    decodeBase64Into(part.data, memory.subarray(scratch, scratch + dataBytes), 'part');
    for (const r of layout) {
      // Those above the cut keep their links: their suffixes are shorter, all in the top.
      if (r.q1 > this.split.cutEnd) this.placedStates.push(Math.max(r.q0, this.split.cutEnd), r.q1);
      memory.copyWithin(header[H.edgeChar] + r.sample * width, scratch + r.edgeAt, scratch + r.edgeAt + r.edgeBytes);
      memory.copyWithin(header[H.termBits] + r.block * 8, scratch + r.endsAt, scratch + r.entityAt);
      exports.placeBits(scratch + r.childAt, r.q0 + r.sample, r.q1 - r.q0 + r.edges);
      check(exports.range(scratch + r.childAt, r.block, r.blocks, r.sample, r.rank, r.edges));
      if (this.terms) {
        // As many terms as term ends in the range's blocks (the module counted them from its rank).
        if (header[H.rangeEnd] - r.rank !== r.terms) throw new Error('dictionary automaton: a stored part does not fit its automaton');
        placeTermBytes(this.terms, r.rank, memory.subarray(scratch + r.entityAt, scratch + r.flagsAt), memory.subarray(scratch + r.flagsAt, scratch + r.end));
      }
    }
  }

  /** Its tables are in memory only in part: a JavaScript copy would be wrong. */
  protected override copyTables(): AutomatonTables {
    throw new Error('dictionary automaton: stored in parts, read by the WebAssembly scanner only');
  }
}

/** A new instance with the JavaScript tables `t` copied into its memory (failure and output links left to work out). */
function copyIntoModule(module: WebAssembly.Module, t: AutomatonTables): TablesInMemory {
  const states = t.fail.length;
  if (states > MAX_STATES) throw new Error(`dictionary automaton: ${TOO_MANY_STATES}`);
  const alphabet = narrowAlphabet(t.edgeChar);
  const exports = instantiate(module);
  const ends = termEndsOf(t.termAt);
  const buffersAt = layTables(exports, states, t.edgeChar.length, ends.ids.length, alphabet);
  const buf = exports.memory.buffer;
  const header = new Int32Array(buf, 0, HEADER_BYTES / 4);
  const deltas = new Uint16Array(buf, header[H.edgeDeltas], states + 1);
  const samples = new Int32Array(buf, header[H.edgeSamples], (states >> 6) + 1);
  for (let q = 0; q <= states; q++) {
    if ((q & 63) === 0) samples[q >> 6] = t.edgeOffset[q];
    const d = t.edgeOffset[q] - samples[q >> 6];
    if (d > 0xffff) throw new Error(`dictionary automaton: ${BLOCK_TOO_WIDE}`);
    deltas[q] = d;
  }
  // Every block's offsets are written: none is worked out from child counts (none are kept).
  new Uint8Array(buf, header[H.blocksReady], (states >> 6) + 1).fill(1);
  if (alphabet) new Uint8Array(buf, header[H.edgeChar], t.edgeChar.length).set(edgePlaces(t.edgeChar, alphabet));
  else new Uint16Array(buf, header[H.edgeChar], t.edgeChar.length).set(t.edgeChar);
  // Term-end bits and terms in state order, for the module to rank.
  new Uint8Array(buf, header[H.termBits], ends.bits.length).set(ends.bits);
  const inStateOrder = ends.ids.every((term, rank) => term === rank);
  if (inStateOrder) header[H.termIds] = 0;
  else new Int32Array(buf, header[H.termIds], ends.ids.length).set(ends.ids);
  check(exports.terms(states, inStateOrder ? -1 : ends.ids.length));
  return { exports, buffersAt };
}

export class WasmScanner extends Scanner {
  private readonly exports: ScanExports;
  private readonly memory: WebAssembly.Memory;
  /** Where the per-page buffers start: after the header and the dictionary's tables. */
  private readonly buffersAt: number;
  private inputCapacity = 0;
  private normCapacity = 0;
  private buffer: ArrayBuffer | null = null;
  private header = new Int32Array(0);
  private input = new Uint8Array(0);

  /** `source`: the module, to copy the dictionary's JavaScript tables into a new instance; or an instance that already holds them. */
  constructor(dict: RuntimeDictionary, source: WebAssembly.Module | TablesInMemory) {
    super(dict);
    const { exports, buffersAt } = source instanceof WebAssembly.Module ? copyIntoModule(source, dict.automaton.t) : source;
    this.exports = exports;
    this.memory = exports.memory;
    this.buffersAt = buffersAt;
    this.place(4096, 4096);
  }

  /**
   * Lays the per-page buffers out for `inputCapacity` bytes of input and `normCapacity` normalised
   * units, moving what is already written. Capacities only grow, so every buffer moves up: moving
   * the last first never overwrites one not yet moved.
   */
  private place(inputCapacity: number, normCapacity: number): void {
    const old = this.buffer ? { norm: this.header[H.norm], upper: this.header[H.upper], src: this.header[H.src], candidates: this.header[H.candidates] } : null;
    const input = this.buffersAt;
    const norm = align8(input + inputCapacity);
    const upper = align8(norm + normCapacity * 2);
    const src = align8(upper + normCapacity);
    const candidates = align8(src + normCapacity * 4);
    const candidateBytes = this.candidateCount * 4;
    ensureMemory(this.memory, candidates + Math.max(candidateBytes, 4096));
    const bytes = new Uint8Array(this.memory.buffer);
    if (old) {
      bytes.copyWithin(candidates, old.candidates, old.candidates + candidateBytes);
      bytes.copyWithin(src, old.src, old.src + this.len * 4);
      bytes.copyWithin(upper, old.upper, old.upper + this.len);
      bytes.copyWithin(norm, old.norm, old.norm + this.len * 2);
    }
    const header = new Int32Array(this.memory.buffer, 0, HEADER_BYTES / 4);
    header[H.input] = input;
    header[H.norm] = norm;
    header[H.upper] = upper;
    header[H.src] = src;
    header[H.candidates] = candidates;
    this.inputCapacity = inputCapacity;
    this.normCapacity = normCapacity;
    this.buffer = null;
    this.views();
  }

  /** Views on the module's memory, made again when it has grown (growing detaches the old ones). */
  private views(): void {
    const buf = this.memory.buffer;
    if (buf === this.buffer) return;
    this.buffer = buf;
    const header = (this.header = new Int32Array(buf, 0, HEADER_BYTES / 4));
    this.input = new Uint8Array(buf, header[H.input], this.inputCapacity);
    this.norm = new Uint16Array(buf, header[H.norm], this.normCapacity);
    this.upper = new Uint8Array(buf, header[H.upper], this.normCapacity);
    this.src = new Int32Array(buf, header[H.src], this.normCapacity);
    this.candidates = new Int32Array(buf, header[H.candidates], (buf.byteLength - header[H.candidates]) >> 2);
  }

  protected override grow(min: number): void {
    let size = this.normCapacity;
    while (size < min) size *= 2;
    this.place(this.inputCapacity, size);
  }

  override extend(): void {
    this.views();
    this.header[H.candidateCount] = this.candidateCount;
    this.exports.extend();
    this.views();
    this.candidateCount = this.header[H.candidateCount];
  }

  override feed(text: string): void {
    const n = text.length;
    // UTF-8 takes at most three bytes per UTF-16 unit.
    if (n * 3 > this.inputCapacity || this.len + n + 1 > this.normCapacity) {
      let norm = this.normCapacity;
      while (norm < this.len + n + 1) norm *= 2;
      this.place(Math.max(this.inputCapacity, n * 3), norm);
    }
    this.views();
    const { written } = encoder.encodeInto(text, this.input);
    const header = this.header;
    header[H.len] = this.len;
    header[H.state] = this.state;
    header[H.raw] = this.raw;
    header[H.candidateCount] = this.candidateCount;
    this.exports.feed(written);
    this.views();
    this.len = this.header[H.len];
    this.state = this.header[H.state];
    this.raw = this.header[H.raw];
    this.candidateCount = this.header[H.candidateCount];
  }
}
