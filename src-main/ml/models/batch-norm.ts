import * as tf from '@tensorflow/tfjs';
import { batchNormTraining } from './batch-norm-op';

/** PyTorch `BatchNorm` defaults: momentum 0.1 (tfjs counts the other way: 0.9), eps 1e-5. */
export const BATCH_NORM_MOMENTUM = 0.9;
export const BATCH_NORM_EPSILON = 1e-5;

export interface BatchNormArgs {
  name: string;
  /** Weight of the old moving statistics in each update (tfjs convention). Default 0.9. */
  momentum?: number;
  epsilon?: number;
}

type Kwargs = Parameters<tf.layers.Layer['call']>[1];

/** Open `withFrozenMovingStatistics` scopes: while any is, training mode leaves the statistics alone. */
let frozenScopes = 0;

/**
 * Runs `body` with every `BatchNorm` leaving its moving statistics as they are: training mode
 * still normalises with the batch's statistics (what the loss sees), but nothing is learned from
 * the batch. The inspector's probe forwards (issue 12) must not change the training run.
 */
export function withFrozenMovingStatistics<T>(body: () => T): T {
  frozenScopes += 1;
  try {
    return body();
  } finally {
    frozenScopes -= 1;
  }
}

/**
 * Batch normalisation over the last axis, a drop-in for tfjs-layers' `BatchNormalization`
 * (same weights, names and saved config, so a saved model loads as a stock one) that trains
 * faster and with far less memory: training mode runs `batchNormTraining` (one op with a
 * hand-written gradient). Moving statistics follow PyTorch: the variance is the unbiased one.
 */
export class BatchNorm extends tf.layers.Layer {
  static readonly className = 'BatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;
  private movingMean?: tf.LayerVariable;
  private movingVariance?: tf.LayerVariable;

  constructor(args: BatchNormArgs) {
    super({ name: args.name });
    this.supportsMasking = true;
    this.momentum = args.momentum ?? BATCH_NORM_MOMENTUM;
    this.epsilon = args.epsilon ?? BATCH_NORM_EPSILON;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null)
      throw new Error(`BatchNorm '${this.name}': the last axis of the input must be known`);
    this.inputSpec = [{ ndim: shape.length, axes: { [shape.length - 1]: channels } }];
    const ones = tf.initializers.ones();
    const zeros = tf.initializers.zeros();
    this.gamma = this.addWeight('gamma', [channels], 'float32', ones, undefined, true);
    this.beta = this.addWeight('beta', [channels], 'float32', zeros, undefined, true);
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', zeros, undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', ones, undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      const gamma = this.gamma!.read() as tf.Tensor1D;
      const beta = this.beta!.read() as tf.Tensor1D;
      if (kwargs.training !== true) {
        return tf.batchNorm(
          x,
          this.movingMean!.read(),
          this.movingVariance!.read(),
          beta,
          gamma,
          this.epsilon,
        );
      }
      const { output, mean, variance } = batchNormTraining(x, gamma, beta, this.epsilon);
      if (frozenScopes > 0) {
        tf.dispose([mean, variance]);
        return output;
      }
      const count = x.size / (x.shape[x.rank - 1] as number);
      const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
      this.updateMovingAverage(this.movingMean!, mean);
      this.updateMovingAverage(this.movingVariance!, unbiased);
      tf.dispose([mean, variance]);
      return output;
    });
  }

  private updateMovingAverage(variable: tf.LayerVariable, value: tf.Tensor): void {
    tf.tidy(() => {
      const old = variable.read();
      variable.write(tf.add(tf.mul(old, this.momentum), tf.mul(value, 1 - this.momentum)));
    });
  }

  /** The config of a stock `BatchNormalization` (axis -1, center and scale, default initializers). */
  override getConfig(): tf.serialization.ConfigDict {
    const initializer = (className: string) => ({ className, config: {} });
    return {
      axis: -1,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: true,
      scale: true,
      betaInitializer: initializer('Zeros'),
      gammaInitializer: initializer('Ones'),
      movingMeanInitializer: initializer('Zeros'),
      movingVarianceInitializer: initializer('Ones'),
      betaRegularizer: null,
      gammaRegularizer: null,
      betaConstraint: null,
      gammaConstraint: null,
      ...super.getConfig(),
    };
  }
}
