/**
 * The W3C Web Annotation test suite's JSON Schemas (draft-04), read from ../shared, compiled with
 * Ajv: the "musts" of an annotation and of a collection, and the optional features ("Implemented"
 * assertions) for reporting what an export uses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import { ANNOTATION_SCHEMAS_DIR } from './paths.ts';

export interface Assertion {
  file: string;
  title: string;
  validate: ValidateFunction;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsonFiles(p) : p.endsWith('.json') ? [p] : [];
  });
}

export function loadAnnotationSchemas(): { annotationMusts: Assertion[]; collectionMusts: Assertion[]; optional: Assertion[] } {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const root = ANNOTATION_SCHEMAS_DIR;
  for (const f of jsonFiles(join(root, 'definitions'))) ajv.addSchema(JSON.parse(readFileSync(f, 'utf8')) as object);
  const byPath = new Map<string, Assertion>();
  for (const dir of ['annotations', 'collections']) {
    for (const f of jsonFiles(join(root, dir))) {
      const schema = JSON.parse(readFileSync(f, 'utf8')) as { id?: string; title?: string };
      const rel = f.slice(root.length).replace(/^\/+/, '');
      // Assertion ids are bare file names, and their $refs name the definitions the same way: a
      // unique id without a directory keeps those references resolving.
      const validate = ajv.compile({ ...schema, id: `assertion-${rel.replace(/\//g, '_')}` });
      byPath.set(rel, { file: rel, title: schema.title ?? rel, validate });
    }
  }
  const listed = (test: string) => (JSON.parse(readFileSync(join(root, test), 'utf8')) as { assertions: string[] }).assertions.map((a) => {
    const found = byPath.get(a);
    if (!found) throw new Error(`${test} names ${a}, which is missing`);
    return found;
  });
  const annotationMusts = listed('annotations/annotationMusts.test');
  const collectionMusts = listed('collections/collectionMusts.test');
  const musts = new Set([...annotationMusts, ...collectionMusts]);
  const optional = [...byPath.values()].filter((a) => !musts.has(a) && /Implemented\.json$/.test(a.file) && a.file.startsWith('annotations/'));
  return { annotationMusts, collectionMusts, optional };
}
