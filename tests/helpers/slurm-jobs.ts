/**
 * For tests that submit jobs to the local Slurm: waiting for a job to reach a state, and
 * cancelling what a test submitted (only its own ids: other test files share the cluster).
 */
import { afterEach } from 'vitest';
import type { SlurmClient, SlurmJobInfo } from '../../src-main/cluster/slurm';

/** Polls `check` every 250 ms until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string | (() => string),
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 120_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs)
      throw new Error(`Waited ${timeoutMs / 1000} s for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits until Slurm describes `jobId` as `accept` says, and returns that description. */
export function waitForJob(
  slurm: SlurmClient,
  jobId: string,
  accept: (job: SlurmJobInfo) => boolean,
  timeoutMs = 120_000,
): Promise<SlurmJobInfo> {
  let last: SlurmJobInfo | undefined;
  return waitFor(
    () => `job ${jobId} (last seen: ${JSON.stringify(last ?? null)})`,
    async () => {
      last = (await slurm.states([jobId])).get(jobId);
      return last && accept(last) ? last : undefined;
    },
    timeoutMs,
  );
}

/** Cancels after each test the jobs it submitted through `track`. */
export function useJobCleanup(slurm: () => SlurmClient): (jobId: string) => string {
  const submitted: string[] = [];
  afterEach(async () => {
    for (const jobId of submitted.splice(0)) await slurm().cancel(jobId);
  });
  return (jobId) => {
    submitted.push(jobId);
    return jobId;
  };
}
