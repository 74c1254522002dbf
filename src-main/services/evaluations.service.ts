import type { CallHandlers } from '@shared/api/contract';
import { lossFamilyOf } from '@shared/config/augmentation-rule';
import { AppFailure } from '@shared/errors';
import type { EvaluationSettings } from '@shared/runs';
import type { RunStore } from '../storage/store';
import type { EventBus } from './event-bus';
import type { Supervisor } from './supervisor';
import { usableCheckpoint } from './usable-checkpoint';

/**
 * The linear-evaluation defaults of the spec (section 9): SGD with momentum 0.9, 100 epochs,
 * batch 256, no weight decay, lr 0.1 (Barlow Twins family) or 0.3 (VICReg family), step decay
 * at 60% and 80% of the epochs. They apply to precomputed features, so they are cheap.
 */
export function defaultEvaluationSettings(lossName: string): EvaluationSettings {
  const vicreg = lossFamilyOf(lossName) === 'vicreg';
  return { epochs: 100, batchSize: 256, learningRate: vicreg ? 0.3 : 0.1, momentum: 0.9, weightDecay: 0 };
}

/** Offline evaluations: they run in worker processes through the supervisor, like training. */
export function createEvaluationHandlers(
  store: RunStore,
  supervisor: Supervisor,
  events: EventBus,
): Pick<CallHandlers, 'evaluations:list' | 'evaluations:start'> {
  return {
    'evaluations:list': ({ runId }) => {
      if (!store.runs.summary(runId)) throw new AppFailure('not-found', `Run ${runId} does not exist`);
      return store.evaluations.list(runId);
    },
    'evaluations:start': ({ runId, kind, checkpointStep, settings }) => {
      const run = store.runs.summary(runId);
      if (!run) throw new AppFailure('not-found', `Run ${runId} does not exist`);
      if (supervisor.isBusy(runId)) {
        // One worker per run: training, or one evaluation at a time.
        const activity = ['queued', 'running', 'stopping'].includes(run.status)
          ? run.status
          : 'being evaluated';
        throw new AppFailure(
          'conflict',
          `Run ${runId} is busy (${activity}); try again when it has finished`,
        );
      }
      const good = usableCheckpoint(store, runId, checkpointStep, 'to evaluate');
      const full = { ...defaultEvaluationSettings(run.lossName), ...settings };
      const evaluation = store.evaluations.create(runId, kind, good.info.step, kind === 'linear' ? full : {});
      supervisor.enqueue(runId, {
        evaluation: { id: evaluation.id, kind, settings: full, checkpointId: good.info.id },
      });
      events.emit('run:evaluation', evaluation);
      return evaluation;
    },
  };
}
