/**
 * The one-node Slurm of the tests (started by tests/global-setup.ts from scripts/local-slurm.mjs):
 * whether it is up, the SLURM_CONF every client call needs, and a profile that fits it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import type { SlurmProfileSettings } from '@shared/cluster/types';
import { SLURM_CONF, SLURM_PARTITION } from '../../scripts/local-slurm.mjs';
import { BUILD_DIR } from './workbench';

export { SLURM_CONF, SLURM_PARTITION };

/** Why the Slurm tests cannot run here (they skip with it); undefined when the local Slurm is up. */
export function slurmSkipReason(): string | undefined {
  return inject('slurmSkipReason') ?? undefined;
}

/** Points the Slurm client commands of this test file at the local Slurm (SLURM_CONF), restored afterwards. */
export function useSlurmEnv(): void {
  let before: string | undefined;
  beforeAll(() => {
    before = process.env.SLURM_CONF;
    process.env.SLURM_CONF = SLURM_CONF;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.SLURM_CONF;
    else process.env.SLURM_CONF = before;
  });
}

/**
 * A valid profile for the local Slurm: its partition, one CPU, 1 GB, this Node, the built cli.js.
 * Its run folder is created, as the shared storage's folder would exist (a submission refuses a
 * run folder that is missing: an unmounted share).
 */
export function testProfile(
  runFolder: string,
  overrides: Partial<SlurmProfileSettings> = {},
): SlurmProfileSettings {
  mkdirSync(runFolder, { recursive: true });
  return {
    name: 'local-slurm',
    partition: SLURM_PARTITION,
    gpusPerJob: 0,
    gpuType: '',
    cpusPerTask: 1,
    // Without --mem a job holds all of the node's memory: one job at a time. 1 GB lets jobs share the node
    // (nothing enforces it: the local Slurm has no cgroups).
    memoryGb: 1,
    timeLimit: '',
    account: '',
    extraArgs: [],
    setup: '',
    nodeCommand: process.execPath,
    cliPath: join(BUILD_DIR, 'cli.js'),
    runFolder,
    requeue: true,
    stopGraceSeconds: 10,
    ...overrides,
  };
}
