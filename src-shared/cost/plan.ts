/**
 * The points a cost study measures, in the order it measures them, and the curve (series) each
 * point belongs to. Shared: the worker measures this plan, the service counts it for progress,
 * and the fits name their curves the way the Cost page does.
 */
import type { LossName } from '../config/run-config';
import type { CostBlockSize, CostPoint, CostStudySettings } from './types';

export interface CostPlanEntry {
  kind: CostPoint['kind'];
  loss: LossName;
  /** b of a relaxed loss (a fixed choice capped at d); null for the exact losses. */
  blockSize: number | null;
  d: number;
}

export const isRelaxedLoss = (loss: LossName): boolean => loss === 'fft-bt' || loss === 'fft-vicreg';

/** The exact loss a relaxed one approximates (its family): fft-bt -> bt, fft-vicreg -> vicreg. */
export const exactLossOf = (loss: LossName): LossName =>
  loss === 'fft-bt' ? 'bt' : loss === 'fft-vicreg' ? 'vicreg' : loss;

/**
 * By increasing d (so the small sizes are all in before a large one runs out of time or memory);
 * at each d the loss points in the settings' order, then the whole-step points when asked for.
 * A fixed b over d is capped at d; a choice that lands on a b already measured at that d (b = d
 * twice) is measured once.
 */
export function costPlan(
  settings: Pick<CostStudySettings, 'losses' | 'blockSizes' | 'dims' | 'step'>,
): CostPlanEntry[] {
  const dims = [...new Set(settings.dims)].sort((a, b) => a - b);
  const plan: CostPlanEntry[] = [];
  for (const d of dims) {
    const atD: CostPlanEntry[] = [];
    for (const loss of settings.losses) {
      if (!isRelaxedLoss(loss)) {
        atD.push({ kind: 'loss', loss, blockSize: null, d });
        continue;
      }
      for (const choice of settings.blockSizes) {
        const blockSize = choice === 'd' ? d : Math.min(choice, d);
        if (!atD.some((entry) => entry.loss === loss && entry.blockSize === blockSize))
          atD.push({ kind: 'loss', loss, blockSize, d });
      }
    }
    plan.push(...atD);
    if (settings.step) plan.push(...atD.map((entry) => ({ ...entry, kind: 'step' as const })));
  }
  return plan;
}

/**
 * The block-size choice a point was measured for: its b when under d, else `d` when that was a
 * choice, else the smallest fixed choice that was capped at d. Without the choices, b = d is `d`.
 */
export function blockChoiceOf(
  point: Pick<CostPoint, 'loss' | 'blockSize' | 'd'>,
  blockSizes?: readonly CostBlockSize[],
): CostBlockSize | null {
  if (!isRelaxedLoss(point.loss)) return null;
  const b = point.blockSize ?? point.d;
  if (b < point.d) return b;
  if (!blockSizes || blockSizes.includes('d')) return 'd';
  const capped = blockSizes
    .filter((choice): choice is number => typeof choice === 'number' && choice >= point.d)
    .sort((x, y) => x - y);
  return capped[0] ?? 'd';
}

/** A curve's name: `bt`, `fft-bt b=d`, `fft-bt b=128` (the kind is kept apart). */
export function costSeriesOf(
  point: Pick<CostPoint, 'loss' | 'blockSize' | 'd'>,
  blockSizes?: readonly CostBlockSize[],
): string {
  const choice = blockChoiceOf(point, blockSizes);
  return choice === null ? point.loss : `${point.loss} b=${choice}`;
}

/** What a progress line says about the point being measured: `fft-bt b=64 at d = 64 (step)`. */
export function costEntryLabel(entry: CostPlanEntry): string {
  const b = entry.blockSize === null ? '' : ` b=${entry.blockSize}`;
  return `${entry.loss}${b} at d = ${entry.d}${entry.kind === 'step' ? ' (step)' : ''}`;
}
