import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // end-to-end tests spawn worker pools; two test files at a time suit a 2-core machine
    maxWorkers: 2,
  },
});
