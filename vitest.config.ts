import { defineConfig } from 'vitest/config';
import { watPlugin } from './src/build/vite-wat-plugin.ts';

export default defineConfig({
  test: {
    reporters: ['default', './tests/support/summary-reporter.ts'],
    projects: [
      // The unit tests import the WebAssembly scanner's module as the extension's build does.
      { plugins: [watPlugin()], test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
