/**
 * Vitest reporter that ends the run with one plain line: `N passed, N failed, N skipped`, and the
 * errors no test caught when there are any (they fail the run though every test passed).
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown> = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
    }
    const errors = unhandledErrors.length ? `, ${unhandledErrors.length} unhandled ${unhandledErrors.length === 1 ? 'error' : 'errors'}` : '';
    console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped${errors}`);
  }
}
