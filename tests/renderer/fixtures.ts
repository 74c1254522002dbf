import type { RunSummary } from '@shared/runs';

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
    ...overrides,
  };
}
