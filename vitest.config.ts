import { defineConfig } from 'vitest/config';

// Two projects: `unit` (the generator, in seconds) and `e2e` (generated projects installed with
// pip, uv and poetry and run for real: minutes, run one file at a time to share the package cache).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // each generator's spec beside it (src/<generator>/*.spec.ts), the rest under test/
          include: ['src/**/*.spec.ts', 'test/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
