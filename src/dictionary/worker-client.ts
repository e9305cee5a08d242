/** The dictionary page's side of its worker: one request, one reply, matched by id. */
import type { DictionaryWorkerReply, DictionaryWorkerRequest } from './dictionary-worker.ts';

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, (reply: DictionaryWorkerReply) => void>();
/** A token per file chosen, so the worker can keep what it read for the preview until the import. */
const fileTokens = new WeakMap<File, number>();

export const tokenOf = (file: File): number => {
  let t = fileTokens.get(file);
  if (t === undefined) fileTokens.set(file, (t = nextId++));
  return t;
};

type Request = DictionaryWorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

export function askWorker(request: Request): Promise<DictionaryWorkerReply> {
  if (!worker) {
    worker = new Worker(new URL('./dictionary-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<DictionaryWorkerReply>) => {
      waiting.get(e.data.id)?.(e.data);
      waiting.delete(e.data.id);
    };
  }
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    worker!.postMessage({ ...request, id });
  });
}

export { download } from '../ui/download.ts';
