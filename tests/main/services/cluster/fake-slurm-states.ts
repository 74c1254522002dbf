import type { SlurmClient, SlurmJobInfo } from '../../../../src-main/cluster/slurm';

/** A test double of Slurm's client: the states it answers are what the test sets. */
export class FakeSlurm implements Pick<SlurmClient, 'states' | 'cancel'> {
  readonly jobs = new Map<string, SlurmJobInfo>();
  readonly cancelled: Array<{ jobId: string; options: unknown }> = [];
  stateCalls = 0;
  failure: Error | undefined;
  /** Runs while Slurm is being asked (what happens on the node meanwhile). */
  meanwhile: (() => void) | undefined;

  set(jobId: string, state: string, fields: Partial<SlurmJobInfo> = {}): void {
    this.jobs.set(jobId, {
      jobId,
      arrayJobId: null,
      state,
      node: state === 'PENDING' ? null : 'vm',
      reason: null,
      exitCode: null,
      restarts: 0,
      startedAt: null,
      endedAt: null,
      ...fields,
    });
  }

  async states(jobIds: string[]): Promise<Map<string, SlurmJobInfo>> {
    this.stateCalls += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.meanwhile?.();
    this.meanwhile = undefined;
    if (this.failure) throw this.failure;
    const found = jobIds.flatMap((id) => (this.jobs.has(id) ? [[id, this.jobs.get(id)!] as const] : []));
    return new Map(found);
  }

  async cancel(jobId: string, options?: { signal?: 'TERM' | 'USR1' | 'KILL' }): Promise<void> {
    this.cancelled.push({ jobId, options });
  }
}
