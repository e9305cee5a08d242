/** The dictionary page's worker, started on first use. */
import { workerClient } from '../ui/worker-client.ts';
import type { DictionaryWorkerReply, DictionaryWorkerRequest } from './dictionary-worker.ts';

export const askWorker = workerClient<DictionaryWorkerRequest, DictionaryWorkerReply>(
  () => new Worker(new URL('./dictionary-worker.ts', import.meta.url), { type: 'module' }),
);

export { tokenOf } from '../ui/worker-client.ts';
export { download } from '../ui/download.ts';
