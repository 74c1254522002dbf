import type { SlurmClient, SlurmJobInfo, SlurmPartition } from '../../../../src-main/cluster/slurm';

/**
 * A test double of the whole Slurm client, for timings the local Slurm cannot be made to show
 * (an sbatch that answers late, or never): each submission waits until the test releases it.
 */
export class FakeSlurmClient implements SlurmClient {
  readonly scripts: string[] = [];
  readonly cancelled: string[] = [];
  readonly jobs = new Map<string, SlurmJobInfo>();
  /** Jobs squeue lists by name (`findByName`): what a timed-out sbatch may have left. */
  readonly named = new Map<string, string[]>();
  private nextId = 100;
  private readonly gates: Array<{ resolve: (jobId: string) => void; reject: (error: Error) => void }> = [];
  /** When true, each submit waits for `answer`/`refuse`; otherwise it answers at once. */
  hold = false;

  async submit(script: string): Promise<{ jobId: string }> {
    this.scripts.push(script);
    if (!this.hold) return { jobId: this.newJob() };
    const jobId = await new Promise<string>((resolve, reject) => this.gates.push({ resolve, reject }));
    return { jobId };
  }

  /** How many submissions wait for an answer. */
  get waiting(): number {
    return this.gates.length;
  }

  /** sbatch answers the oldest waiting submission with a new job id. */
  answer(): string {
    const jobId = this.newJob();
    this.gates.shift()!.resolve(jobId);
    return jobId;
  }

  /** sbatch fails the oldest waiting submission. */
  refuse(error: Error): void {
    this.gates.shift()!.reject(error);
  }

  newJob(): string {
    const jobId = String(this.nextId++);
    this.jobs.set(jobId, {
      jobId,
      arrayJobId: null,
      state: 'PENDING',
      node: null,
      reason: 'Priority',
      exitCode: null,
      restarts: 0,
      startedAt: null,
      endedAt: null,
    });
    return jobId;
  }

  /** A cancelled job (or task) ends CANCELLED, as the poller will see it. */
  async cancel(jobId: string): Promise<void> {
    this.cancelled.push(jobId);
  }

  /** A task (`100_1`) answers as its array's job does, unless it was cancelled itself. */
  async states(jobIds: string[]): Promise<Map<string, SlurmJobInfo>> {
    const found = new Map<string, SlurmJobInfo>();
    for (const id of jobIds) {
      const arrayId = id.split('_')[0]!;
      const job = this.jobs.get(id) ?? this.jobs.get(arrayId);
      if (!job) continue;
      const cancelled = this.cancelled.includes(id) || this.cancelled.includes(arrayId);
      found.set(id, {
        ...job,
        jobId: id,
        arrayJobId: id === arrayId ? null : arrayId,
        ...(cancelled ? { state: 'CANCELLED', reason: null, endedAt: Date.now() } : {}),
      });
    }
    return found;
  }

  async findByName(name: string): Promise<string[]> {
    return this.named.get(name) ?? [];
  }

  async requeue(): Promise<void> {}

  async partitions(): Promise<SlurmPartition[]> {
    return [];
  }
}
