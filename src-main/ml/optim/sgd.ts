import * as tf from '@tensorflow/tfjs';
import { isBiasOrNorm, ParameterOptimizer } from './parameter-optimizer';

export interface SgdOptions {
  /** Default 0.9. */
  momentum?: number;
  /** L2 weight decay added to the gradient (PyTorch `weight_decay`). Default 0. */
  weightDecay?: number;
  nesterov?: boolean;
  /** Rank-1 variables (biases, normalisation weights) get no weight decay. Default false. */
  excludeBiasAndNorm?: boolean;
}

/**
 * SGD with momentum, as `torch.optim.SGD` (dampening 0):
 *   d = g + weightDecay * p;  v = momentum * v + d;  p = p - lr * (nesterov ? d + momentum * v : v)
 */
export class Sgd extends ParameterOptimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly excludeBiasAndNorm: boolean;

  constructor(variables: readonly tf.Variable[], options: SgdOptions = {}) {
    // Plain SGD keeps no state: at d = 8192 a momentum buffer is another 0.5 GB of the 4 GB heap.
    super(variables, (options.momentum ?? 0.9) === 0 ? [] : ['momentum']);
    this.momentum = options.momentum ?? 0.9;
    this.weightDecay = options.weightDecay ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.excludeBiasAndNorm = options.excludeBiasAndNorm ?? false;
    if (this.momentum < 0 || this.weightDecay < 0)
      throw new Error('sgd: momentum and weightDecay must be >= 0');
    if (this.nesterov && this.momentum === 0) throw new Error('sgd: Nesterov momentum needs momentum > 0');
  }

  protected update(index: number, variable: tf.Variable, gradient: tf.Tensor, learningRate: tf.Scalar): void {
    const decays = this.weightDecay !== 0 && !(this.excludeBiasAndNorm && isBiasOrNorm(variable));
    const direction = decays ? tf.add(gradient, tf.mul(variable, this.weightDecay)) : gradient;
    let velocity = direction;
    if (this.momentum !== 0) {
      const buffer = this.slot('momentum', index);
      velocity = tf.add(tf.mul(buffer, this.momentum), direction);
      buffer.assign(velocity);
      if (this.nesterov) velocity = tf.add(direction, tf.mul(velocity, this.momentum));
    }
    variable.assign(tf.sub(variable, tf.mul(velocity, learningRate)));
  }
}
