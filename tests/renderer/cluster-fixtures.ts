import type { ClusterJob, ClusterProfile, SlurmProfileSettings } from '@shared/cluster/types';

export function profileSettings(overrides: Partial<SlurmProfileSettings> = {}): SlurmProfileSettings {
  return {
    name: 'a100',
    partition: 'gpu',
    gpusPerJob: 1,
    gpuType: '',
    cpusPerTask: 4,
    memoryGb: 0,
    timeLimit: '',
    account: '',
    extraArgs: [],
    setup: '',
    nodeCommand: 'node',
    cliPath: '',
    runFolder: '/shared/runs',
    requeue: true,
    stopGraceSeconds: 120,
    ...overrides,
  };
}

export function clusterProfile(id: number, overrides: Partial<SlurmProfileSettings> = {}): ClusterProfile {
  return {
    id,
    kind: 'slurm',
    settings: profileSettings(overrides),
    createdAt: id,
    updatedAt: id,
    runCount: 0,
    activeJobCount: 0,
  };
}

export function clusterJob(id: number, overrides: Partial<ClusterJob> = {}): ClusterJob {
  return {
    id,
    runId: id,
    runName: `run ${id}`,
    runStatus: 'queued',
    profileName: 'a100',
    jobId: String(100 + id),
    arrayJobId: null,
    state: 'PENDING',
    node: null,
    reason: 'Resources',
    exitCode: null,
    restarts: 0,
    submittedAt: 1000 + id,
    startedAt: null,
    endedAt: null,
    polledAt: null,
    ...overrides,
  };
}
