/**
 * Reading JSON that comes from outside (annotation files, dictionary packs, entity lists): the
 * nesting depth is measured before parsing, and keys that could reach an object's prototype later
 * are refused while parsing. Pure.
 */

/** One thing wrong with a file: where (which record, which field) and what. */
export interface FileProblem {
  where: string;
  message: string;
}

/** A file refused for the problems it lists (each file format names its own subclass). */
export class FileProblems extends Error {
  constructor(readonly errors: FileProblem[]) {
    super(errors.map((e) => (e.where ? `${e.where}: ${e.message}` : e.message)).join('\n'));
  }
}

/** Keys refused anywhere in a file. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The nesting depth of a JSON text, without parsing it (strings skipped). Stops early past `limit`. */
export function jsonDepth(text: string, limit: number): { depth: number; at: number } {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return { depth: max, at: i };
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return { depth: max, at: -1 };
}

/** Why a text was refused: `where` is a character offset or empty. */
export class JsonRefusal extends Error {
  constructor(readonly where: string, message: string) {
    super(message);
    this.name = 'JsonRefusal';
  }
}

/** Parses `text` as JSON no deeper than `maxDepth`, refusing prototype keys; throws JsonRefusal. */
export function parseGuardedJson(text: string, maxDepth: number): unknown {
  const { depth, at } = jsonDepth(text, maxDepth);
  if (depth > maxDepth) throw new JsonRefusal(`character ${at}`, `the JSON nests deeper than ${maxDepth} levels`);
  let bad: string | null = null;
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) bad ??= key;
      return v;
    });
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new JsonRefusal('', `this is not JSON, or it is cut short (${detail})`);
  }
  if (bad !== null) throw new JsonRefusal('', `the key "${bad}" is not allowed`);
  return value;
}
