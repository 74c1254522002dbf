import type { CheckpointInfo, EvaluationSummary, RunStatus } from '@shared/runs';
import { isActiveStatus } from '@shared/runs';

export type KnnCell = NonNullable<EvaluationSummary['grid']>[number];

/** The linear probe's epochs when the reader sets none (the spec's linear-eval protocol). */
export const DEFAULT_LINEAR_EPOCHS = 100;
/** The most epochs `evaluations:start` accepts. */
export const MAX_LINEAR_EPOCHS = 1000;

export const EVALUATION_KIND_LABELS: Record<EvaluationSummary['kind'], string> = {
  linear: 'Linear evaluation',
  knn: 'kNN sweep',
};

export const CHECKPOINT_REASON_LABELS: Record<CheckpointInfo['reason'], string> = {
  schedule: 'scheduled',
  stop: 'on stop',
  final: 'final',
};

const STATUS_RANK: Record<EvaluationSummary['status'], number> = {
  queued: 0,
  running: 1,
  completed: 2,
  failed: 2,
};

export function isEvaluationOpen(evaluation: Pick<EvaluationSummary, 'status'>): boolean {
  return evaluation.status === 'queued' || evaluation.status === 'running';
}

/**
 * Which of two versions of one evaluation to keep. Events and list answers can arrive in
 * either order, so a later life-cycle stage always wins; within one stage the incoming copy
 * wins, but a running evaluation keeps its last known progress (the list does not store it).
 */
export function mergeEvaluation(
  existing: EvaluationSummary | undefined,
  incoming: EvaluationSummary,
): EvaluationSummary {
  if (!existing) return incoming;
  const rankDelta = STATUS_RANK[incoming.status] - STATUS_RANK[existing.status];
  if (rankDelta < 0) return existing;
  if (rankDelta === 0 && incoming.status === 'running' && !incoming.progress && existing.progress)
    return { ...incoming, progress: existing.progress };
  return incoming;
}

/** Newest first. */
function sorted(list: EvaluationSummary[]): EvaluationSummary[] {
  return list.sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
}

/** `list` with `incoming` merged in: a new list, or `list` itself when `incoming` is stale. */
export function upsertEvaluation(
  list: readonly EvaluationSummary[],
  incoming: EvaluationSummary,
): readonly EvaluationSummary[] {
  const existing = list.find((item) => item.id === incoming.id);
  const merged = mergeEvaluation(existing, incoming);
  if (merged === existing) return list;
  return sorted([...list.filter((item) => item.id !== incoming.id), merged]);
}

/** What is shown after a list answer: every listed evaluation, merged with what events brought. */
export function mergeEvaluationLists(
  current: readonly EvaluationSummary[],
  listed: readonly EvaluationSummary[],
): EvaluationSummary[] {
  const byId = new Map(current.map((item) => [item.id, item]));
  for (const item of listed) byId.set(item.id, mergeEvaluation(byId.get(item.id), item));
  return sorted([...byId.values()]);
}

/** Progress of a running evaluation as a fraction in [0, 1], or null when none is known. */
export function evaluationFraction(
  evaluation: Pick<EvaluationSummary, 'progress' | 'status'>,
): number | null {
  if (evaluation.status === 'completed') return 1;
  const progress = evaluation.progress;
  if (!progress || progress.total <= 0) return null;
  return Math.min(1, Math.max(0, progress.done / progress.total));
}

/** The kNN grid's best cell: highest top-1, ties to the smaller k, then the smaller temperature. */
export function bestKnnCell(grid: readonly KnnCell[] | undefined): KnnCell | null {
  let best: KnnCell | null = null;
  for (const cell of grid ?? []) {
    if (
      !best ||
      cell.top1 > best.top1 ||
      (cell.top1 === best.top1 &&
        (cell.k < best.k || (cell.k === best.k && cell.temperature < best.temperature)))
    )
      best = cell;
  }
  return best;
}

/**
 * Why no evaluation can start now, or null when one can. The backend refuses while the run
 * trains or another evaluation of it is under way (one worker per run).
 */
export function evaluationBlocker(
  status: RunStatus,
  checkpoints: readonly CheckpointInfo[],
  evaluations: readonly EvaluationSummary[],
): string | null {
  if (isActiveStatus(status))
    return `The run is ${status}: evaluations can start once it stops training (they use the same worker).`;
  if (checkpoints.length === 0) return 'This run has no checkpoint to evaluate yet.';
  const open = evaluations.find(isEvaluationOpen);
  if (open)
    return `${EVALUATION_KIND_LABELS[open.kind]} #${open.id} is ${open.status}; one evaluation runs at a time per run.`;
  return null;
}

/** Checkpoints newest first (by step). */
export function newestFirst(checkpoints: readonly CheckpointInfo[]): CheckpointInfo[] {
  return [...checkpoints].sort((a, b) => b.step - a.step || b.createdAt - a.createdAt);
}

/**
 * The checkpoint with the highest kNN top-1 measured when it was taken (what keep-best
 * retention keeps); the earliest of equals. Null when none was measured.
 */
export function bestCheckpoint(checkpoints: readonly CheckpointInfo[]): CheckpointInfo | null {
  let best: CheckpointInfo | null = null;
  for (const checkpoint of checkpoints) {
    if (checkpoint.knnTop1 === null) continue;
    if (
      !best ||
      checkpoint.knnTop1 > best.knnTop1! ||
      (checkpoint.knnTop1 === best.knnTop1 && checkpoint.step < best.step)
    )
      best = checkpoint;
  }
  return best;
}
