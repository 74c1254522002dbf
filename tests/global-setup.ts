/**
 * Once per `vitest run`: starts the one-node Slurm the cluster tests submit to (issue 15), when
 * this machine can run one (Debian's slurmctld, slurmd, munge and slurm-client, and root). When
 * it cannot, the reason is handed to the tests, which skip with it; nothing else depends on it.
 * A Slurm that was running already (a developer's, or another test run's) is reused and left running;
 * one this run started is stopped at the end unless jobs are still in its queue (another test run
 * on this machine uses it) or DECORBENCH_KEEP_SLURM=1.
 */
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { SLURM_CONF, startLocalSlurm, stopLocalSlurm } from '../scripts/local-slurm.mjs';

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
    if (!started || process.env.DECORBENCH_KEEP_SLURM === '1') return;
    const queue = spawnSync('squeue', ['-h', '-o', '%i'], {
      env: { ...process.env, SLURM_CONF },
      encoding: 'utf8',
      timeout: 15_000,
    });
    const jobs = queue.status === 0 ? queue.stdout.trim().split('\n').filter(Boolean).length : 0;
    if (jobs > 0) console.log(`The local Slurm stays up: ${jobs} job(s) in its queue`);
    else stopLocalSlurm();
  };
}
