import type { CompareRow } from '@shared/compare';
import type { RunConfig } from '@shared/config/run-config';

/** A summary row with every figure empty, overridden as a test needs. */
export function compareRow(overrides: Partial<CompareRow> & { config?: unknown } = {}): CompareRow {
  return {
    runId: 1,
    name: 'run',
    status: 'completed',
    tags: [],
    backend: null,
    device: null,
    steps: 0,
    totalSteps: null,
    trainingMs: null,
    loss: null,
    knnTop1Initial: null,
    knnTop1Final: null,
    probeTop1: null,
    medianStepMs: null,
    lossShare: null,
    peakRssBytes: null,
    evaluations: [],
    ...overrides,
    config: (overrides.config ?? {}) as RunConfig,
  };
}
