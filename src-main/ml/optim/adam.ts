import * as tf from '@tensorflow/tfjs';
import { isBiasOrNorm, ParameterOptimizer } from './parameter-optimizer';

export interface AdamOptions {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** Default 0 for Adam, 0.01 for AdamW (PyTorch's defaults). */
  weightDecay?: number;
  /** Rank-1 variables (biases, normalisation weights) get no weight decay. Default false. */
  excludeBiasAndNorm?: boolean;
}

/**
 * Adam as `torch.optim.Adam`: weight decay is L2, added to the gradient before the moments.
 * With t the step and bias corrections c1 = 1 - beta1^t, c2 = 1 - beta2^t:
 *   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;
 *   p = p - (lr / c1) * m / (sqrt(v) / sqrt(c2) + epsilon)
 */
export class Adam extends ParameterOptimizer {
  readonly name: string;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly excludeBiasAndNorm: boolean;
  /** Decoupled weight decay (AdamW) instead of L2 in the gradient. */
  protected readonly decoupled: boolean;

  constructor(variables: readonly tf.Variable[], options: AdamOptions = {}, kind: 'adam' | 'adamw' = 'adam') {
    super(variables, ['firstMoment', 'secondMoment']);
    this.name = kind;
    this.decoupled = kind === 'adamw';
    const defaultWeightDecay = kind === 'adamw' ? 0.01 : 0;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? defaultWeightDecay;
    this.excludeBiasAndNorm = options.excludeBiasAndNorm ?? false;
    for (const [name, beta] of [
      ['beta1', this.beta1],
      ['beta2', this.beta2],
    ] as const) {
      if (!(beta >= 0 && beta < 1)) throw new Error(`${this.name}: ${name} must be in [0, 1), got ${beta}`);
    }
    if (this.weightDecay < 0 || this.epsilon < 0)
      throw new Error(`${this.name}: weightDecay and epsilon must be >= 0`);
  }

  protected update(
    index: number,
    variable: tf.Variable,
    gradient: tf.Tensor,
    learningRate: tf.Scalar,
    learningRateValue: number,
  ): void {
    const decays = this.weightDecay !== 0 && !(this.excludeBiasAndNorm && isBiasOrNorm(variable));
    let parameter: tf.Tensor = variable;
    let effectiveGradient = gradient;
    if (decays && this.decoupled) parameter = tf.mul(variable, 1 - learningRateValue * this.weightDecay);
    if (decays && !this.decoupled) effectiveGradient = tf.add(gradient, tf.mul(variable, this.weightDecay));
    const first = this.slot('firstMoment', index);
    const second = this.slot('secondMoment', index);
    const newFirst = tf.add(tf.mul(first, this.beta1), tf.mul(effectiveGradient, 1 - this.beta1));
    const newSecond = tf.add(
      tf.mul(second, this.beta2),
      tf.mul(tf.square(effectiveGradient), 1 - this.beta2),
    );
    first.assign(newFirst);
    second.assign(newSecond);
    const correction1 = 1 - this.beta1 ** this.iterations;
    const correction2 = 1 - this.beta2 ** this.iterations;
    const denominator = tf.add(tf.div(tf.sqrt(newSecond), Math.sqrt(correction2)), this.epsilon);
    const stepSize = tf.div(learningRate, correction1);
    variable.assign(tf.sub(parameter, tf.mul(tf.div(newFirst, denominator), stepSize)));
  }
}

/**
 * AdamW as `torch.optim.AdamW`: decoupled weight decay, p = p * (1 - lr * weightDecay) before
 * the Adam step. Default weight decay 0.01.
 */
export class AdamW extends Adam {
  constructor(variables: readonly tf.Variable[], options: AdamOptions = {}) {
    super(variables, options, 'adamw');
  }
}
