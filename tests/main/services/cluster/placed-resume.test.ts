/**
 * Resume of a placed run (issue 15): the host does not rewind its metrics (the worker picks its
 * own checkpoint from the journal, and its segment line rewinds them when ingested); a local run
 * is rewound to the checkpoint as before.
 */
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import { encodeCheckpoint } from '../../../../src-main/ml/checkpoint/format';
import { resumeRun } from '../../../../src-main/services/runs.service';
import type { RunStore } from '../../../../src-main/storage/store';
import { useTempDir } from '../../../helpers/temp-dir';
import { lossPoints, lossSeries, placedRun } from './journal-fixture';

/** Steps 1..8 of loss, a decodable checkpoint at step 4, and the run stopped. */
function trainedTo8(store: RunStore, runId: number): void {
  store.metrics.append(runId, lossPoints(1, 8));
  const data = encodeCheckpoint({ meta: { step: 4 }, tensors: [] });
  store.checkpoints.save(runId, { step: 4, epoch: 0, format: 'decorbench-checkpoint-v1', data });
  store.runs.setStatus(runId, { status: 'stopped' });
}

describe('resuming a run from its checkpoint', () => {
  const tempDir = useTempDir('decorbench-resume-');

  it('leaves a placed run’s metrics for its job’s segment line to rewind', () => {
    const { store, runId } = placedRun(tempDir());
    trainedTo8(store, runId);
    const queued: Array<{ runId: number; options: unknown }> = [];
    const info = resumeRun(
      store,
      { enqueue: (id, options) => queued.push({ runId: id, options }) },
      store.runs.summary(runId)!,
    );
    expect(info.step).toBe(4);
    expect(queued).toEqual([{ runId, options: { resumeFromCheckpointId: info.id } }]);
    expect(lossSeries(store, runId).map(([step]) => step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    store.close();
  });

  it('rewinds a local run to the checkpoint, as before', () => {
    const { store } = placedRun(tempDir());
    const local = store.runs.create(runConfigSchema.parse({ name: 'local' }));
    trainedTo8(store, local.id);
    resumeRun(store, { enqueue: () => undefined }, store.runs.summary(local.id)!);
    expect(lossSeries(store, local.id).map(([step]) => step)).toEqual([1, 2, 3, 4]);
    store.close();
  });
});
