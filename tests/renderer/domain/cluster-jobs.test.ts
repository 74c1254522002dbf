import { describe, expect, it } from 'vitest';
import {
  isWaitingSlurmState,
  slurmStateTone,
  sortJobs,
  upsertJob,
} from '../../../src-renderer/domain/cluster-jobs';
import { clusterJob } from '../cluster-fixtures';

describe('the Cluster view’s jobs', () => {
  it('colours Slurm’s states as the run status each one means', () => {
    expect(slurmStateTone('PENDING')).toBe('queued');
    expect(slurmStateTone('REQUEUED')).toBe('queued');
    expect(slurmStateTone('RUNNING')).toBe('running');
    expect(slurmStateTone('COMPLETED')).toBe('success');
    expect(slurmStateTone('CANCELLED by 0')).toBe('neutral');
    expect(slurmStateTone('TIMEOUT')).toBe('danger');
    expect(slurmStateTone('NODE_FAIL')).toBe('danger');
    // A state of a newer Slurm, or none yet.
    expect(slurmStateTone('WARPING')).toBe('neutral');
    expect(slurmStateTone(null)).toBe('neutral');
    expect(isWaitingSlurmState('PENDING')).toBe(true);
    expect(isWaitingSlurmState('RUNNING')).toBe(false);
    expect(isWaitingSlurmState(null)).toBe(false);
  });

  it('lists the newest submission first and replaces a job by its row id', () => {
    const jobs = sortJobs([clusterJob(1), clusterJob(3), clusterJob(2)]);
    expect(jobs.map((job) => job.id)).toEqual([3, 2, 1]);
    const updated = upsertJob(jobs, clusterJob(2, { state: 'RUNNING', node: 'vm' }));
    expect(updated.map((job) => [job.id, job.state])).toEqual([
      [3, 'PENDING'],
      [2, 'RUNNING'],
      [1, 'PENDING'],
    ]);
    expect(upsertJob(updated, clusterJob(4)).map((job) => job.id)).toEqual([4, 3, 2, 1]);
  });
});
