/**
 * Work written as a generator that yields where it may pause: run at once where nobody waits on
 * it (the background, tests), or with the page given its turn between steps, so that a large
 * dictionary's tens of milliseconds of unpacking never make one long task on a reader's page.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs every step now. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Runs the steps, awaiting `pause` between them. */
export async function runStepsPausing<T>(steps: Steps<T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await pause();
  }
}
