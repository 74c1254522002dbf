/**
 * The quick measurement behind a study's estimate when no earlier run has its shape: one cost
 * study per (backbone, batch size, backend) of the grid that times the whole training step of each
 * loss at each d (src-main/workers/cost-job.ts). The estimate then reads those step points
 * (src-main/services/studies/estimate.ts), so the measurement is stored and reused like history.
 */
import type { RunConfig } from '../config/run-config';
import type { CostBlockSize, CostStudySettings } from '../cost/types';

/** Timed steps per point after one warm-up: enough for a median that estimates minutes. */
const REPEATS = 3;

/** The block size a run's relaxed loss uses (`d` for one block), or null for an exact loss. */
export function runBlockSize(config: RunConfig): CostBlockSize | null {
  const { loss } = config;
  if (loss.name !== 'fft-bt' && loss.name !== 'fft-vicreg') return null;
  return loss.blockSize === undefined || loss.blockSize === config.model.projectorOutputDim
    ? 'd'
    : loss.blockSize;
}

/** The cost-study settings that time every distinct training step of these runs. */
export function stepMeasurements(configs: readonly RunConfig[], name: string): CostStudySettings[] {
  const groups = new Map<string, RunConfig[]>();
  for (const config of configs) {
    const key = JSON.stringify([config.model.backbone, config.training.batchSize, config.backend]);
    groups.set(key, [...(groups.get(key) ?? []), config]);
  }
  return [...groups.values()].map((members) => {
    const first = members[0]!;
    const distinct = <T>(values: T[]): T[] => [...new Set(values)];
    const relaxed = members.flatMap((config) =>
      config.loss.name === 'fft-bt' || config.loss.name === 'fft-vicreg' ? [config.loss] : [],
    );
    const blockSizes = distinct(members.flatMap((config) => runBlockSize(config) ?? []));
    return {
      name: `${name}: step time of ${first.model.backbone} at batch ${first.training.batchSize}`,
      losses: distinct(members.map((config) => config.loss.name)),
      blockSizes: blockSizes.length > 0 ? blockSizes : ['d'],
      // One q and permutation per cost study: they change the loss's few element-wise ops, not the step's time.
      q: relaxed[0]?.q ?? 2,
      permutation: relaxed.length === 0 || relaxed.some((loss) => loss.permutation === 'batch'),
      n: first.training.batchSize,
      dims: distinct(members.map((config) => config.model.projectorOutputDim)).sort((a, b) => a - b),
      backend: first.backend,
      repeats: REPEATS,
      warmup: 1,
      step: { backbone: first.model.backbone },
    };
  });
}
