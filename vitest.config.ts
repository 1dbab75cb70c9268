/// <reference types="vitest/config" />
// Astro's Vite config, so component tests can render .astro files with the container API.
import { getViteConfig } from 'astro/config';

export default getViteConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/harness/global-setup.ts'],
    // PGlite instances, child processes and browsers: separate processes keep them apart.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
