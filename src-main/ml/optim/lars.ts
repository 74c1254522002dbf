import * as tf from '@tensorflow/tfjs';
import { isBiasOrNorm, ParameterOptimizer } from './parameter-optimizer';

export interface LarsOptions {
  /** Default 0.9. */
  momentum?: number;
  /** L2 weight decay, folded into the gradient before the LARS scaling. Default 0. */
  weightDecay?: number;
  /** Trust coefficient. Default 0.001 (solo-learn's; the paper's ImageNet-100 runs use 0.02). */
  eta?: number;
  /** Added to the denominator of the trust ratio. Default 1e-8. */
  epsilon?: number;
  /** solo-learn `clip_lars_lr`: the adaptive rate never exceeds the global rate. Default false. */
  clip?: boolean;
  /** solo-learn `exclude_bias_n_norm_lars`: rank-1 variables get plain momentum SGD, no weight decay. Default true. */
  excludeBiasAndNorm?: boolean;
}

/**
 * LARS exactly as solo-learn's (`solo/utils/lars.py`, from Lightning Bolts), per variable p with
 * gradient g at learning rate lr:
 *
 *   if p is not excluded and ||p|| > 0 and ||g|| > 0:
 *     r = eta * ||p|| / (||g|| + weightDecay * ||p|| + epsilon)
 *     if clip: r = min(r / lr, 1)
 *     d = r * (g + weightDecay * p)
 *   else: d = g
 *   v = momentum * v + d;  p = p - lr * v
 *
 * (With clipping the effective rate is min(eta * trust ratio, lr).)
 */
export class Lars extends ParameterOptimizer {
  readonly name = 'lars';
  readonly momentum: number;
  readonly weightDecay: number;
  readonly eta: number;
  readonly epsilon: number;
  readonly clip: boolean;
  readonly excludeBiasAndNorm: boolean;

  constructor(variables: readonly tf.Variable[], options: LarsOptions = {}) {
    super(variables, ['momentum']);
    this.momentum = options.momentum ?? 0.9;
    this.weightDecay = options.weightDecay ?? 0;
    this.eta = options.eta ?? 0.001;
    this.epsilon = options.epsilon ?? 1e-8;
    this.clip = options.clip ?? false;
    this.excludeBiasAndNorm = options.excludeBiasAndNorm ?? true;
    if (this.momentum < 0 || this.weightDecay < 0 || this.eta <= 0 || this.epsilon < 0) {
      throw new Error('lars: momentum, weightDecay and epsilon must be >= 0 and eta > 0');
    }
  }

  /** Whether `variable` gets the LARS adaptation and weight decay. */
  adapts(variable: tf.Variable): boolean {
    return !(this.excludeBiasAndNorm && isBiasOrNorm(variable));
  }

  protected update(index: number, variable: tf.Variable, gradient: tf.Tensor, learningRate: tf.Scalar): void {
    let direction = gradient;
    if (this.adapts(variable)) {
      const parameterNorm = tf.sqrt(tf.sum(tf.square(variable)));
      const gradientNorm = tf.sqrt(tf.sum(tf.square(gradient)));
      const denominator = tf.addN([
        gradientNorm,
        tf.mul(parameterNorm, this.weightDecay),
        tf.scalar(this.epsilon),
      ]);
      let ratio = tf.div(tf.mul(parameterNorm, this.eta), denominator);
      if (this.clip) ratio = tf.minimum(tf.div(ratio, learningRate), 1);
      const adapted = tf.logicalAnd(tf.greater(parameterNorm, 0), tf.greater(gradientNorm, 0));
      // d = gradientScale * g + parameterScale * p, with scalars chosen by `adapted`.
      const gradientScale = tf.where(adapted, ratio, tf.onesLike(ratio));
      const parameterScale = tf.where(adapted, tf.mul(ratio, this.weightDecay), tf.zerosLike(ratio));
      direction = tf.add(tf.mul(gradient, gradientScale), tf.mul(variable, parameterScale));
    }
    let velocity = direction;
    if (this.momentum !== 0) {
      const buffer = this.slot('momentum', index);
      velocity = tf.add(tf.mul(buffer, this.momentum), direction);
      buffer.assign(velocity);
    }
    variable.assign(tf.sub(variable, tf.mul(velocity, learningRate)));
  }
}
