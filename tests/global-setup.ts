/**
 * Once per `vitest run`: starts the one-node Slurm the cluster tests submit to (issue 15), when
 * this machine can run one (Debian's slurmctld, slurmd, munge and slurm-client, and root). When
 * it cannot, the reason is handed to the tests, which skip with it; nothing else depends on it.
 * A Slurm that was running already (a developer's, or another test run's) is reused and left running.
 */
import type { TestProject } from 'vitest/node';
import { startLocalSlurm, stopLocalSlurm } from '../scripts/local-slurm.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the Slurm tests cannot run here; null when the local Slurm is up. */
    slurmSkipReason: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  let started = false;
  if (process.env.DECORBENCH_NO_SLURM === '1') {
    project.provide('slurmSkipReason', 'DECORBENCH_NO_SLURM=1');
  } else {
    try {
      const { reused } = await startLocalSlurm({ log: (line) => console.log(line) });
      started = !reused;
      project.provide('slurmSkipReason', null);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      console.log(`The Slurm tests are skipped: ${reason}`);
      project.provide('slurmSkipReason', reason);
    }
  }
  return () => {
    if (started) stopLocalSlurm();
  };
}
