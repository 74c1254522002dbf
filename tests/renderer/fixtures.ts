import type { CheckpointInfo, EvaluationSummary } from '@shared/runs';

export { summary } from '../helpers/run-summary';

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
