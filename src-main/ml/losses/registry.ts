import type { LossConfig } from '@shared/config/run-config';
import type { Random } from '../random';
import { barlowTwinsLoss } from './barlow-twins';
import { relaxedBarlowTwinsLoss } from './relaxed-barlow-twins';
import { relaxedVicregLoss } from './relaxed-vicreg';
import type { LossFunction } from './types';
import { vicregLoss } from './vicreg';

export type { LossCallOptions, LossFunction, LossOutput } from './types';

/**
 * The loss of a run configuration, by name (solo-learn's method registry, for losses):
 * 'bt' and 'vicreg' are the exact baselines, 'fft-bt' (sBT) and 'fft-vicreg' (sVICReg) the
 * relaxed losses of the paper. A relaxed loss gets this step's permutation in its options.
 */
export function createLoss(config: LossConfig): LossFunction {
  switch (config.name) {
    case 'bt':
      return (z1, z2) => barlowTwinsLoss(z1, z2, { lambda: config.lambda, scale: config.scale });
    case 'vicreg':
      return (z1, z2) =>
        vicregLoss(z1, z2, {
          simWeight: config.simWeight,
          varWeight: config.varWeight,
          covWeight: config.covWeight,
        });
    case 'fft-bt':
      return (z1, z2, options) =>
        relaxedBarlowTwinsLoss(z1, z2, {
          lambda: config.lambda,
          scale: config.scale,
          q: config.q,
          blockSize: config.blockSize,
          permutation: options?.permutation ?? null,
        });
    case 'fft-vicreg':
      return (z1, z2, options) =>
        relaxedVicregLoss(z1, z2, {
          simWeight: config.simWeight,
          varWeight: config.varWeight,
          covWeight: config.covWeight,
          scale: config.scale,
          q: config.q,
          blockSize: config.blockSize,
          permutation: options?.permutation ?? null,
        });
    default:
      throw new Error(`createLoss: unknown loss name '${(config as { name: string }).name}'`);
  }
}

/**
 * This training step's feature permutation (spec section 7): a fresh uniformly random
 * permutation of 0..d-1 from the run's seeded generator when config.permutation is 'batch',
 * else null (identity, and always null for the exact losses). Draw once per step and pass
 * it to the loss, so both views and all terms share it.
 */
export function drawPermutation(config: LossConfig, d: number, random: Random): Int32Array | null {
  if (config.name !== 'fft-bt' && config.name !== 'fft-vicreg') return null;
  return config.permutation === 'batch' ? random.permutation(d) : null;
}
