import type { RunSummary } from '@shared/runs';

/** A run as lists show it: a created run with nothing measured yet, but for `overrides`. */
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
