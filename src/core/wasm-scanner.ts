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
import { base64ToBytes } from './automaton.ts';
import type { RuntimeDictionary } from './dictionary.ts';
import { FOLDED, FOLD_FLAGS, foldCode } from './normalize.ts';
import { Scanner } from './scanner.ts';

/** The header's fields as indexes of 32-bit words (scan.wat reads field i at byte 4 × i). */
const H = { fold: 0, root: 1, edgeOffset: 2, edgeChar: 3, fail: 4, termAt: 5, outLink: 6, input: 7, norm: 8, upper: 9, src: 10, candidates: 11, len: 12, state: 13, raw: 14, candidateCount: 15 } as const;
const HEADER_BYTES = 64;
const PAGE = 65536;

interface ScanExports {
  memory: WebAssembly.Memory;
  feed(byteLength: number): void;
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
 * Above this many automaton states the dictionary's tables are not copied into the module's memory.
 * Copying them costs about 18 bytes a state: at 2 million states (100,000 reader entities) that
 * was 20 ms more a page and 36 MB more a tab than the faster loop saved (outside benchmark).
 */
export const WASM_MAX_STATES = 250_000;

/**
 * A scanner for `dict`: the WebAssembly one where the module compiles and the dictionary is not
 * too large to copy, the JavaScript one elsewhere.
 */
export function makeScanner(dict: RuntimeDictionary): Scanner {
  const module = dict.automaton.t.fail.length <= WASM_MAX_STATES ? scanModule() : null;
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

  constructor(dict: RuntimeDictionary, module: WebAssembly.Module) {
    super(dict);
    const imports = { scan: { fold: (code: number): number => foldCode(code) | (FOLD_FLAGS[code] << 16) } };
    this.exports = new WebAssembly.Instance(module, imports).exports as unknown as ScanExports;
    this.memory = this.exports.memory;
    const { edgeOffset, edgeChar, fail, termAt, outLink } = dict.automaton.t;
    // [field, values to copy (null: left zero, filled below or as the scan goes), length, element kind]
    const tables: [keyof typeof H, ArrayLike<number> | null, number, Int32ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor][] = [
      ['fold', null, 65536, Uint32Array],
      ['root', null, 65536, Int32Array],
      ['edgeOffset', edgeOffset, edgeOffset.length, Int32Array],
      ['edgeChar', edgeChar, edgeChar.length, Uint16Array],
      ['fail', fail, fail.length, Int32Array],
      ['termAt', termAt, termAt.length, Int32Array],
      ['outLink', outLink, outLink.length, Int32Array],
    ];
    const offsets: number[] = [];
    let at = HEADER_BYTES;
    for (const [, , length, Kind] of tables) {
      offsets.push(at);
      at = align8(at + length * Kind.BYTES_PER_ELEMENT);
    }
    this.buffersAt = at;
    this.ensureMemory(at);
    const buf = this.memory.buffer;
    const header = new Int32Array(buf, 0, HEADER_BYTES / 4);
    tables.forEach(([name, values, length, Kind], i) => {
      header[H[name]] = offsets[i];
      if (values) new Kind(buf, offsets[i], length).set(values);
    });
    // Fresh memory is zero: of the root table, only the root's children need writing.
    const root = new Int32Array(buf, offsets[1], 65536);
    for (let e = edgeOffset[0]; e < edgeOffset[1]; e++) root[edgeChar[e]] = e + 1;
    // ASCII is folded from the start, as in normalize.ts; other units the first time they are read.
    const fold = new Uint32Array(buf, offsets[0], 128);
    for (let c = 0; c < 128; c++) fold[c] = FOLDED[c] | (FOLD_FLAGS[c] << 16);
    this.place(4096, 4096);
  }

  private ensureMemory(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
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
    this.ensureMemory(candidates + Math.max(candidateBytes, 4096));
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
