import { AppFailure } from '@shared/errors';
import { decodeCheckpoint } from '../ml/checkpoint/format';
import type { CheckpointInfo } from '@shared/runs';
import type { RunStore } from '../storage/store';

/**
 * The checkpoint a worker job (an offline evaluation, a snapshot capture) starts from: the one of
 * `checkpointStep`, or the newest that decodes. Corrupt ones are skipped with a line in the run's
 * log; none usable is a clear failure naming the steps there are. `purpose` completes
 * "has no usable checkpoint ...", e.g. "to evaluate".
 */
export function usableCheckpoint(
  store: RunStore,
  runId: number,
  checkpointStep: number | undefined,
  purpose: string,
): { info: CheckpointInfo } {
  const good = store.checkpoints.latestGood(
    runId,
    (data) => decodeCheckpoint(data),
    (info, reason) =>
      store.logs.append(runId, 'warn', `Skipping the checkpoint of step ${info.step}: ${reason}`),
    checkpointStep,
  );
  if (!good || (checkpointStep !== undefined && good.info.step !== checkpointStep)) {
    const steps = store.checkpoints.list(runId).map((info) => info.step);
    throw new AppFailure(
      checkpointStep === undefined ? 'conflict' : 'not-found',
      checkpointStep === undefined
        ? `Run ${runId} has no usable checkpoint ${purpose}`
        : `Run ${runId} has no usable checkpoint at step ${checkpointStep} (checkpoints: ${steps.join(', ') || 'none'})`,
    );
  }
  return good;
}
