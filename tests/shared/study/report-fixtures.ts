/** Runs for report tests: figures chosen so means, sample stds and speed-ups are easy to check by hand. */
import { runConfigSchema } from '@shared/config/run-config';
import type { ReportRunInput } from '@shared/study/report';
import type { AxisValue, StudyAxis } from '@shared/study/types';

export const LOSS_AXIS: StudyAxis = {
  field: 'loss',
  values: [{ name: 'bt' }, { name: 'fft-bt' }, { name: 'fft-bt', permutation: 'none' }],
  labels: ['BT', 'sBT', 'sBT (no perm.)'],
};

export interface FixtureRun {
  runId: number;
  loss: Record<string, AxisValue>;
  label: string;
  seed: number;
  status?: ReportRunInput['status'];
  knnInit?: number | null;
  knnFinal?: number | null;
  linearTop1?: number | null;
  stepMs?: number | null;
  lossMs?: number | null;
  d?: number;
  extra?: { field: string; value: AxisValue; label: string };
}

export function fixtureRun(run: FixtureRun): ReportRunInput {
  const d = run.d ?? 64;
  const config = runConfigSchema.parse({
    name: `run ${run.runId}`,
    seed: run.seed,
    loss: run.loss,
    model: { projectorOutputDim: d },
  });
  const values: Record<string, AxisValue> = { loss: run.loss };
  const labels: Record<string, string> = { loss: run.label };
  if (run.extra) {
    values[run.extra.field] = run.extra.value;
    labels[run.extra.field] = run.extra.label;
  }
  return {
    runId: run.runId,
    status: run.status ?? 'completed',
    config,
    point: { values, labels, seed: run.seed },
    knnInit: run.knnInit ?? null,
    knnFinal: run.knnFinal ?? null,
    linearTop1: run.linearTop1 ?? null,
    stepMs: run.stepMs ?? null,
    lossMs: run.lossMs ?? null,
  };
}

const BT = { name: 'bt' };
const SBT = { name: 'fft-bt' };
const SBT_NO_PERM = { name: 'fft-bt', permutation: 'none' };

/**
 * BT: kNN 77.5, 77.2, 77.8 (mean 77.5, std 0.3); loss 3.0, 3.3, 2.7 ms.
 * sBT: kNN 77.1, 76.9, 77.3 (mean 77.1, std 0.2); loss 2.0, 2.2, 1.8 ms (1.5x each seed).
 * sBT (no perm.): seeds 1, 2 completed, kNN 75, 74 (mean 74.5, std 0.7071); loss 1.0, 1.1 (3x);
 * seed 3 failed with figures that must not count. Given out of grid order on purpose.
 */
export const PAPER_RUNS: ReportRunInput[] = [
  {
    runId: 7,
    loss: SBT_NO_PERM,
    label: 'sBT (no perm.)',
    seed: 1,
    knnInit: 0.2,
    knnFinal: 0.75,
    stepMs: 50,
    lossMs: 1.0,
  },
  {
    runId: 8,
    loss: SBT_NO_PERM,
    label: 'sBT (no perm.)',
    seed: 2,
    knnInit: 0.22,
    knnFinal: 0.74,
    stepMs: 52,
    lossMs: 1.1,
  },
  {
    runId: 9,
    loss: SBT_NO_PERM,
    label: 'sBT (no perm.)',
    seed: 3,
    status: 'failed' as const,
    knnFinal: 0.1,
    lossMs: 100,
  },
  { runId: 1, loss: BT, label: 'BT', seed: 1, knnInit: 0.2, knnFinal: 0.775, stepMs: 60, lossMs: 3.0 },
  { runId: 2, loss: BT, label: 'BT', seed: 2, knnInit: 0.21, knnFinal: 0.772, stepMs: 62, lossMs: 3.3 },
  { runId: 3, loss: BT, label: 'BT', seed: 3, knnInit: 0.22, knnFinal: 0.778, stepMs: 64, lossMs: 2.7 },
  { runId: 4, loss: SBT, label: 'sBT', seed: 1, knnInit: 0.2, knnFinal: 0.771, stepMs: 55, lossMs: 2.0 },
  { runId: 5, loss: SBT, label: 'sBT', seed: 2, knnInit: 0.2, knnFinal: 0.769, stepMs: 56, lossMs: 2.2 },
  { runId: 6, loss: SBT, label: 'sBT', seed: 3, knnInit: 0.2, knnFinal: 0.773, stepMs: 57, lossMs: 1.8 },
].map(fixtureRun);
