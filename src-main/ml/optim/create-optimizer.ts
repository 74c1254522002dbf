import type * as tf from '@tensorflow/tfjs';
import { Adam, AdamW } from './adam';
import { Lars } from './lars';
import type { ParameterOptimizer } from './parameter-optimizer';
import { Sgd } from './sgd';

/** The optimizer part of a run configuration (field names as in `optimizerConfigSchema`). */
export interface OptimizerSettings {
  name: 'lars' | 'sgd' | 'adamw' | 'adam';
  momentum: number;
  weightDecay: number;
  /** LARS only. */
  eta: number;
  /** LARS only: solo-learn `clip_lars_lr`. */
  clipLars: boolean;
  /** Biases and normalisation weights get no weight decay (and, with LARS, no adaptation). */
  excludeBiasAndNorm: boolean;
}

/**
 * The optimizer named in `settings` over `variables`. For Adam and AdamW, `momentum` is beta1.
 */
export function createOptimizer(
  variables: readonly tf.Variable[],
  settings: OptimizerSettings,
): ParameterOptimizer {
  const { momentum, weightDecay, excludeBiasAndNorm } = settings;
  switch (settings.name) {
    case 'lars':
      return new Lars(variables, {
        momentum,
        weightDecay,
        eta: settings.eta,
        clip: settings.clipLars,
        excludeBiasAndNorm,
      });
    case 'sgd':
      return new Sgd(variables, { momentum, weightDecay, excludeBiasAndNorm });
    case 'adamw':
      return new AdamW(variables, { beta1: momentum, weightDecay, excludeBiasAndNorm });
    case 'adam':
      return new Adam(variables, { beta1: momentum, weightDecay, excludeBiasAndNorm });
  }
}
