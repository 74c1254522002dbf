import * as tf from '@tensorflow/tfjs';

/** A tfjs-layers weight initializer (the class is not exported under a public name). */
export type Initializer = ReturnType<typeof tf.initializers.randomNormal>;

/**
 * Hands out one seed per weight tensor, so a model built from the same seed always gets the same
 * initial weights, and no two layers share their random stream.
 */
export class SeedSequence {
  private next = 0;

  constructor(private readonly seed: number) {}

  /** A fresh seed derived from the base seed. */
  take(): number {
    this.next += 1;
    // Keep the seeds apart from the base seeds of other sequences (seed, seed + 1, ...).
    return (this.seed * 7919 + this.next * 104729) % 2 ** 31;
  }
}

/**
 * torchvision's ResNet convolution init, `kaiming_normal_(mode='fan_out', nonlinearity='relu')`:
 * N(0, 2 / (kernelHeight * kernelWidth * filters)). A plain (untruncated) normal, like PyTorch's.
 */
export function convolutionInitializer(
  seeds: SeedSequence,
  kernelSize: number,
  filters: number,
): Initializer {
  const stddev = Math.sqrt(2 / (kernelSize * kernelSize * filters));
  return tf.initializers.randomNormal({ mean: 0, stddev, seed: seeds.take() });
}

/** PyTorch's `nn.Linear` default init: weight and bias uniform in +-1/sqrt(fanIn). */
export function linearInitializers(
  seeds: SeedSequence,
  fanIn: number,
): { kernelInitializer: Initializer; biasInitializer: Initializer } {
  const limit = 1 / Math.sqrt(fanIn);
  return {
    kernelInitializer: tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: seeds.take() }),
    biasInitializer: tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: seeds.take() }),
  };
}
