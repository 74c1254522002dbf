import type { SnapshotSummary } from '@shared/inspect';
import type { RunStore } from '../storage/store';
import type { WorkerMessage } from '../workers/protocol';
import type { EventBus } from './event-bus';

/**
 * Stores a worker's `snapshot` message (issue 12) and announces it as `run:snapshot`; returns
 * the stored summary. A store error is left to the caller (a training run fails with it, like
 * its metrics).
 */
export function storeSnapshot(
  store: RunStore,
  events: EventBus,
  runId: number,
  msg: Extract<WorkerMessage, { type: 'snapshot' }>,
): { summary: SnapshotSummary; storeMs: number } {
  const started = performance.now();
  const summary = store.snapshots.insert(runId, {
    step: msg.step,
    epoch: msg.epoch,
    source: msg.source,
    dtype: msg.dtype,
    probeSeed: msg.probeSeed,
    data: {
      n: msg.n,
      d: msg.d,
      featureDim: msg.featureDim,
      z1: msg.z1,
      z2: msg.z2,
      h1: msg.h1,
      h2: msg.h2,
      permutation: msg.permutation,
    },
  });
  events.emit('run:snapshot', summary);
  return { summary, storeMs: performance.now() - started };
}
