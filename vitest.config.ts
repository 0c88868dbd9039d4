import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // a fresh folder per run for the tiny worlds several test files share (tests/support/shared_worlds.ts)
    globalSetup: ['tests/support/shared_setup.ts'],
    // timeouts catch hangs, not slowness: world-building hooks must hold on a loaded 2-core machine
    // (CI, or a developer's box running other work), so they are generous and set once, here
    testTimeout: 300_000,
    hookTimeout: 900_000,
    // end-to-end tests spawn worker pools; two test files at a time suit a 2-core machine
    maxWorkers: 2,
  },
});
