import type { CheckpointInfo, EvaluationSummary, RunSummary } from '@shared/runs';

export function summary(overrides: Partial<RunSummary> & { id: number }): RunSummary {
  return {
    name: `run ${overrides.id}`,
    status: 'created',
    lossName: 'bt',
    backbone: 'small-cnn',
    createdAt: 1_700_000_000_000 + overrides.id,
    startedAt: null,
    endedAt: null,
    backend: null,
    device: null,
    error: null,
    progress: null,
    results: {},
    checkpointStep: null,
    tags: [],
    notes: '',
    ...overrides,
  };
}

export function evaluation(
  overrides: Partial<EvaluationSummary> & { id: number; runId: number },
): EvaluationSummary {
  return {
    kind: 'linear',
    checkpointStep: 40,
    status: 'queued',
    createdAt: 1_700_000_100_000 + overrides.id,
    endedAt: null,
    settings: {},
    results: {},
    error: null,
    ...overrides,
  };
}

export function checkpoint(overrides: Partial<CheckpointInfo> & { step: number }): CheckpointInfo {
  return {
    id: overrides.step + 1,
    epoch: 1,
    format: 'decorbench-checkpoint-v1',
    sizeBytes: 1_234_567,
    sha256: 'ab'.repeat(32),
    createdAt: 1_700_000_050_000 + overrides.step,
    reason: 'schedule',
    knnTop1: null,
    ...overrides,
  };
}
