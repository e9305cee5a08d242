/**
 * An extension page's side of its worker: one request, one reply, matched by id; the worker is
 * started on the first request. Also a token per chosen file, so a worker can keep what it read
 * for a preview until the import that follows.
 */

/** A request without its id, for each member of a union of requests. */
export type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;

export function workerClient<Req extends { id: number }, Reply extends { id: number }>(start: () => Worker): (request: WithoutId<Req>) => Promise<Reply> {
  let worker: Worker | null = null;
  let nextId = 1;
  const waiting = new Map<number, (reply: Reply) => void>();
  return (request) => {
    if (!worker) {
      worker = start();
      worker.onmessage = (e: MessageEvent<Reply>) => {
        waiting.get(e.data.id)?.(e.data);
        waiting.delete(e.data.id);
      };
    }
    const id = nextId++;
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      worker!.postMessage({ ...request, id });
    });
  };
}

let nextToken = 1;
const fileTokens = new WeakMap<File, number>();

export function tokenOf(file: File): number {
  let t = fileTokens.get(file);
  if (t === undefined) fileTokens.set(file, (t = nextToken++));
  return t;
}
