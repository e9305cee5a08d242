/**
 * Every benchmark step runs under a time limit: a step that overruns ends the run with a message
 * and a non-zero exit instead of a hang (BENCH_STEP_LIMIT_MS, default 4 minutes).
 */
export const STEP_LIMIT_MS = Number(process.env.BENCH_STEP_LIMIT_MS ?? 240_000);

/** Runs one step, or rejects when it overruns the limit. */
export async function step<T>(name: string, run: () => Promise<T>, limitMs = STEP_LIMIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`step "${name}" took longer than ${limitMs / 1000} s`)), limitMs);
  });
  try {
    return await Promise.race([run(), limit]);
  } finally {
    clearTimeout(timer);
  }
}
