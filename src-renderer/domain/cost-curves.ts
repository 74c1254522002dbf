/**
 * A cost study's points as curves: one per (loss, block size choice, kind), named as the shared
 * fits name their series (src-shared/cost/types.ts `CostFit.series`), so a curve finds its slope.
 */
import type { LossName } from '@shared/config/run-config';
import type {
  CostCrossover,
  CostEnvironment,
  CostFit,
  CostPoint,
  CostStudySettings,
  CostStudySummary,
} from '@shared/cost/types';
import { costValue } from '@shared/cost/fit';
import { blockChoiceOf, costSeriesOf } from '@shared/cost/plan';
import { formatBytes } from './format';

/** The paper's short names: the relaxed losses are "s" (spectral) BT and VICReg. */
export const COST_LOSS_LABELS: Record<LossName, string> = {
  bt: 'BT',
  vicreg: 'VICReg',
  'fft-bt': 'sBT',
  'fft-vicreg': 'sVICReg',
};

/** Which block-size choice a relaxed point was measured for (a capped fixed b included). */
export const blockChoice = (
  point: Pick<CostPoint, 'loss' | 'blockSize' | 'd'>,
  settings: Pick<CostStudySettings, 'blockSizes'>,
): 'd' | number | null => blockChoiceOf(point, settings.blockSizes);

/** What a reader sees: `sBT b=d`, `BT`, and ` step` for the whole training step. */
export function costCurveLabel(loss: LossName, choice: 'd' | number | null, kind: CostPoint['kind']): string {
  const base = choice === null ? COST_LOSS_LABELS[loss] : `${COST_LOSS_LABELS[loss]} b=${choice}`;
  return kind === 'step' ? `${base} step` : base;
}

export interface CostCurve {
  /** `${kind}:${series}`: unique within one study. */
  key: string;
  series: string;
  label: string;
  loss: LossName;
  choice: 'd' | number | null;
  kind: CostPoint['kind'];
  /** One point per d (the first measured), by increasing d. */
  points: CostPoint[];
}

/** Groups points into curves, in the order of the study's losses, then block choices, loss before step. */
export function costCurves(
  points: readonly CostPoint[],
  settings: Pick<CostStudySettings, 'blockSizes' | 'losses'>,
): CostCurve[] {
  const curves = new Map<string, CostCurve>();
  for (const point of points) {
    const choice = blockChoice(point, settings);
    const series = costSeriesOf(point, settings.blockSizes);
    const key = `${point.kind}:${series}`;
    let curve = curves.get(key);
    if (!curve) {
      curve = {
        key,
        series,
        label: costCurveLabel(point.loss, choice, point.kind),
        loss: point.loss,
        choice,
        kind: point.kind,
        points: [],
      };
      curves.set(key, curve);
    }
    if (!curve.points.some((item) => item.d === point.d)) curve.points.push(point);
  }
  const lossOrder = (loss: LossName) => {
    const index = settings.losses.indexOf(loss);
    return index < 0 ? settings.losses.length : index;
  };
  const choiceOrder = (choice: 'd' | number | null) => (choice === null || choice === 'd' ? -1 : choice);
  const list = [...curves.values()];
  for (const curve of list) curve.points.sort((a, b) => a.d - b.d);
  return list.sort(
    (a, b) =>
      lossOrder(a.loss) - lossOrder(b.loss) ||
      choiceOrder(a.choice) - choiceOrder(b.choice) ||
      (a.kind === b.kind ? 0 : a.kind === 'loss' ? -1 : 1),
  );
}

/** The measured value of a point for one chart, or null when it has none. */
export const pointValue = costValue;

/** The fit of a curve for one measure, if the study has one. */
export function curveFit(
  fits: readonly CostFit[],
  curve: Pick<CostCurve, 'series' | 'kind'>,
  measure: 'time' | 'memory',
): CostFit | undefined {
  return fits.find(
    (fit) => fit.series === curve.series && fit.kind === curve.kind && fit.measure === measure,
  );
}

/** A series name of the fits (`fft-bt b=d`) as read (`sBT b=d`). */
export function seriesLabel(series: string): string {
  const [loss, ...rest] = series.split(' ');
  const label = COST_LOSS_LABELS[loss as LossName] ?? loss;
  return [label, ...rest].join(' ');
}

/** "sBT b=d cheaper from d ≈ 1400" (rounded to 2 significant digits), or null without a crossing. */
export function crossoverLabel(crossover: CostCrossover): string | null {
  if (crossover.d === null) return null;
  return `${seriesLabel(crossover.relaxed)} cheaper than ${seriesLabel(crossover.exact)} from d ≈ ${roundD(crossover.d)}`;
}

/** 1437 -> 1400, 23871 -> 24000: a crossover is interpolated, its digits beyond two mean nothing. */
export function roundD(d: number): string {
  if (d < 100) return String(Math.round(d));
  const magnitude = 10 ** (Math.floor(Math.log10(d)) - 1);
  return String(Math.round(d / magnitude) * magnitude);
}

/** "host · webgpu · NVIDIA H200": what tells two studies' curves apart in an overlay. */
export function environmentLabel(environment: CostEnvironment | null, fallbackBackend: string): string {
  if (!environment) return fallbackBackend;
  return [environment.hostname, environment.backend, environment.device].filter(Boolean).join(' · ');
}

/** "Intel Xeon · 2 cores · 7.6 GB" for the header. */
export function machineLabel(environment: CostEnvironment): string {
  return [
    environment.cpuModel,
    `${environment.cpuCount} core${environment.cpuCount === 1 ? '' : 's'}`,
    formatBytes(environment.memoryBytes),
  ].join(' · ');
}

/** "512 … 8192 (5 values, doubling)" or the list itself when it does not double. */
export function dimsLabel(dims: readonly number[]): string {
  if (dims.length <= 3) return dims.join(', ');
  const doubling = dims.every((d, index) => index === 0 || d === dims[index - 1]! * 2);
  return `${dims[0]} … ${dims[dims.length - 1]} (${dims.length} values${doubling ? ', doubling' : ''})`;
}

/** "12 / 40 points". */
export function costProgressText(study: Pick<CostStudySummary, 'progress'>): string {
  return `${study.progress.done} / ${study.progress.total} points`;
}

/** How far the study has got; a finished one is full, a queued one unknown. */
export function costProgressPercent(study: Pick<CostStudySummary, 'progress' | 'status'>): number | null {
  if (study.status === 'completed') return 100;
  if (study.progress.total <= 0) return study.status === 'queued' ? null : 0;
  return Math.min(100, (100 * study.progress.done) / study.progress.total);
}
