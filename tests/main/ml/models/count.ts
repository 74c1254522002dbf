import type * as tf from '@tensorflow/tfjs';

/** Trainable parameters (BN moving statistics are not trainable). */
export function trainableParameters(model: tf.LayersModel): number {
  return model.trainableWeights.reduce(
    (sum, weight) => sum + weight.shape.reduce((product: number, size) => product * (size ?? 0), 1),
    0,
  );
}
