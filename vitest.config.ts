import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'src-shared') } },
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts'],
    // Starts the one-node Slurm the cluster tests use, when this machine can run one.
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Worker processes and tfjs kernels are CPU heavy on a 2-core machine.
    fileParallelism: false,
    pool: 'forks',
  },
});
