/**
 * The report of `bench gpu`: its points, the sBT-vs-BT speed-ups beside the paper's, and our
 * goals for a real GPU with marks computed from the measured figures.
 */
import type { PointStatus } from '../../compute/measure/point-guard';
import type { BenchEnvironment } from '../../compute/measure/environment';

/** BT is the exact Barlow Twins loss, sBT its FFT-relaxed form with one block (b = d). */
export type Method = 'BT' | 'sBT';

export interface GpuBenchSettings {
  quick: boolean;
  /** Rows of the loss points' embeddings. */
  n: number;
  lossDims: number[];
  trainDims: number[];
  batchSize: number;
  /** Timed passes or steps per point (the medians are over these), after `warmup` untimed ones. */
  iterations: number;
  warmup: number;
  seed: number;
}

interface PointOutcome {
  status: PointStatus;
  /** Why the point did not finish (out of memory or another failure). */
  error?: string;
}

export interface LossPointResult extends PointOutcome {
  method: Method;
  loss: 'bt' | 'fft-bt';
  n: number;
  d: number;
  /** Block size (sBT: b = d), null for BT. */
  b: number | null;
  medianMs: number | null;
  minMs: number | null;
  timesMs: number[] | null;
  gpuPeakBytes: number | null;
  tfPeakBytes: number | null;
}

export interface TrainPointResult extends PointOutcome {
  method: Method;
  loss: 'bt' | 'fft-bt';
  backbone: string;
  d: number;
  batchSize: number;
  medianStepMs: number | null;
  minStepMs: number | null;
  imagesPerSecond: number | null;
  /** The loss alone (forward + backward) at the step's batch and d. */
  lossMs: number | null;
  gpuPeakBytes: number | null;
  parameters: number | null;
}

/** sBT's step against BT's at one d: BT's median step time over sBT's. */
export interface StepSpeedup {
  d: number;
  btStepMs: number | null;
  sbtStepMs: number | null;
  speedup: number | null;
}

export interface Goal {
  id: 'sbt-step-speedup' | 'relaxed-loss-ms';
  description: string;
  comparison: '>=' | '<';
  target: number;
  unit: 'x' | 'ms';
  /** The size the figure was measured at, and whether that is the goal's own size. */
  measuredAt: string;
  atGoalSize: boolean;
  measured: number | null;
  /** Null when the figure could not be measured (a point ran out of memory or failed). */
  pass: boolean | null;
}

export interface GpuBenchReport extends BenchEnvironment {
  benchmark: 'gpu';
  createdAt: string;
  settings: GpuBenchSettings;
  loss: LossPointResult[];
  train: TrainPointResult[];
  speedups: StepSpeedup[];
  /** The paper's headline: sBT 1.2-2.2x faster per step than BT at d = 8192. */
  paper: { d: number; speedupRange: [number, number]; measured: number | null };
  goals: Goal[];
}

/** Our goals on a real GPU (issue 13): the sizes they are stated at and their thresholds. */
export const GOALS = {
  stepSpeedup: { d: 8192, batchSize: 256, atLeast: 2.2 },
  relaxedLoss: { n: 256, d: 8192, underMs: 5 },
} as const;
export const PAPER_SPEEDUP = { d: 8192, range: [1.2, 2.2] as [number, number] };

export function stepSpeedups(train: TrainPointResult[], dims: number[]): StepSpeedup[] {
  const step = (method: Method, d: number) =>
    train.find((point) => point.method === method && point.d === d && point.status === 'ok')?.medianStepMs ??
    null;
  return dims.map((d) => {
    const btStepMs = step('BT', d);
    const sbtStepMs = step('sBT', d);
    const speedup = btStepMs !== null && sbtStepMs !== null && sbtStepMs > 0 ? btStepMs / sbtStepMs : null;
    return { d, btStepMs, sbtStepMs, speedup };
  });
}

/** The goals with their marks, computed from the points (never from anything else). */
export function evaluateGoals(
  settings: GpuBenchSettings,
  loss: LossPointResult[],
  speedups: StepSpeedup[],
): Goal[] {
  const { stepSpeedup, relaxedLoss } = GOALS;
  const stepD = goalDim(stepSpeedup.d, settings.trainDims);
  const lossD = goalDim(relaxedLoss.d, settings.lossDims);
  const speedup = speedups.find((entry) => entry.d === stepD)?.speedup ?? null;
  const relaxed = loss.find((point) => point.method === 'sBT' && point.d === lossD && point.status === 'ok');
  const relaxedMs = relaxed?.medianMs ?? null;
  return [
    {
      id: 'sbt-step-speedup',
      description: `sBT's training step at least ${stepSpeedup.atLeast}x faster than BT's (d = ${stepSpeedup.d}, batch ${stepSpeedup.batchSize})`,
      comparison: '>=',
      target: stepSpeedup.atLeast,
      unit: 'x',
      measuredAt: `d = ${stepD}, batch ${settings.batchSize}`,
      atGoalSize: stepD === stepSpeedup.d && settings.batchSize === stepSpeedup.batchSize,
      measured: speedup,
      pass: speedup === null ? null : speedup >= stepSpeedup.atLeast,
    },
    {
      id: 'relaxed-loss-ms',
      description: `sBT forward + backward under ${relaxedLoss.underMs} ms (n = ${relaxedLoss.n}, d = ${relaxedLoss.d})`,
      comparison: '<',
      target: relaxedLoss.underMs,
      unit: 'ms',
      measuredAt: `n = ${settings.n}, d = ${lossD}`,
      atGoalSize: lossD === relaxedLoss.d && settings.n === relaxedLoss.n,
      measured: relaxedMs,
      pass: relaxedMs === null ? null : relaxedMs < relaxedLoss.underMs,
    },
  ];
}

/** The goal's own d when it is among the sizes run, else the largest run (--quick, other sizes). */
function goalDim(d: number, dims: number[]): number {
  return dims.includes(d) ? d : Math.max(...dims);
}

/** PASS / FAIL, or why there is no mark. */
export function goalMark(goal: Goal): string {
  if (goal.pass === null) return 'not measured';
  return `${goal.pass ? 'PASS' : 'FAIL'}${goal.atGoalSize ? '' : ' (not at the goal size)'}`;
}
