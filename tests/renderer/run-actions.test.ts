import { describe, expect, it } from 'vitest';
import { RUN_STATUSES } from '@shared/runs';
import { canResume, hasEndedEarly } from '../../src-renderer/domain/run-actions';

describe('which runs are offered Resume', () => {
  it('only runs that ended early and have a checkpoint', () => {
    const offered = RUN_STATUSES.filter((status) => canResume({ status, checkpointStep: 20 }));
    expect(offered).toEqual(['stopped', 'failed', 'interrupted']);
    for (const status of RUN_STATUSES) expect(canResume({ status, checkpointStep: null })).toBe(false);
  });

  it('runs that ended early without a checkpoint can still start over', () => {
    expect(hasEndedEarly({ status: 'failed' })).toBe(true);
    expect(canResume({ status: 'failed', checkpointStep: null })).toBe(false);
    expect(hasEndedEarly({ status: 'completed' })).toBe(false);
  });
});
