import type { EvaluationSummary } from '@shared/runs';
import type { WorkerMessage } from '../workers/protocol';
import type { ActiveRun, SupervisorContext } from './run-messages';

/** Marks an evaluation failed with `error`, in the store and on the event bus (never throws). */
export function failEvaluation(context: SupervisorContext, evaluationId: number, error: string): void {
  try {
    const summary = context.store.evaluations.get(evaluationId);
    if (!summary || summary.status !== 'running') return;
    context.store.evaluations.fail(evaluationId, error);
    context.log(summary.runId, 'error', `[evaluation ${evaluationId}] ${error}`);
    emitEvaluation(context, evaluationId);
  } catch (writeError) {
    console.error(`Evaluation ${evaluationId} could not be marked failed (${error}):`, writeError);
  }
}

export function emitEvaluation(context: SupervisorContext, evaluationId: number): void {
  const summary: EvaluationSummary | undefined = context.store.evaluations.get(evaluationId);
  if (summary) context.events.emit('run:evaluation', summary);
}

/** An evaluation job's messages: progress and results go to the evaluation, not the run. */
export function handleEvaluationMessage(
  context: SupervisorContext,
  run: ActiveRun,
  evaluationId: number,
  msg: WorkerMessage,
): void {
  const { store } = context;
  switch (msg.type) {
    case 'log':
      context.log(run.runId, msg.level, `[evaluation ${evaluationId}] ${msg.message}`);
      break;
    case 'evaluation-progress': {
      const summary = store.evaluations.get(evaluationId);
      const progress = { done: msg.done, total: msg.total, stage: msg.stage };
      if (summary) context.events.emit('run:evaluation', { ...summary, progress });
      break;
    }
    case 'evaluation-done':
      run.finished = true;
      store.evaluations.complete(evaluationId, msg.results, msg.grid);
      emitEvaluation(context, evaluationId);
      break;
    case 'failed':
      run.finished = true;
      failEvaluation(context, evaluationId, msg.message);
      break;
    default:
      break;
  }
}
