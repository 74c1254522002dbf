import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../../../src-main/compute/wasm-kernels';
import { createEncoder, type EncoderOptions } from '../../../../src-main/ml/models/create-encoder';
import { embed } from '../../../../src-main/ml/models/mlp-encoder';
import { Lars } from '../../../../src-main/ml/optim/lars';

/** A decorrelation-style loss of two views: invariance plus squared off-diagonal correlations. */
function toyLoss(z1: tf.Tensor2D, z2: tf.Tensor2D): tf.Scalar {
  const standardize = (z: tf.Tensor2D) => {
    const { mean, variance } = tf.moments(z, 0);
    return tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, 1e-5)));
  };
  const a = standardize(z1);
  const b = standardize(z2);
  const correlation = tf.div(tf.matMul(tf.transpose(a), b), z1.shape[0]);
  return tf.add(tf.mean(tf.square(tf.sub(a, b))), tf.mean(tf.square(correlation))) as tf.Scalar;
}

async function trainingStep(options: EncoderOptions, batch: number) {
  const encoder = createEncoder(options);
  const variables = [...encoder.backbone.trainableWeights, ...encoder.projector.trainableWeights].map(
    (weight) => weight.read() as tf.Variable,
  );
  const optimizer = new Lars(variables, { weightDecay: 1e-4, eta: 0.02, clip: true });
  const images = tf.randomUniform([batch, ...options.inputShape], 0, 1, 'float32', 9);
  const movingMean = encoder.backbone.nonTrainableWeights[0]!.read();
  const before = {
    weights: Array.from(variables[0]!.dataSync()),
    movingMean: Array.from(movingMean.dataSync()),
  };
  const tensorsBefore = tf.memory().numTensors;

  const { value, grads } = tf.variableGrads(() =>
    tf.tidy(() => {
      const view1 = tf.clipByValue(tf.add(images, tf.randomNormal(images.shape, 0, 0.1, 'float32', 1)), 0, 1);
      const view2 = tf.clipByValue(tf.add(images, tf.randomNormal(images.shape, 0, 0.1, 'float32', 2)), 0, 1);
      return toyLoss(embed(encoder, view1 as tf.Tensor4D, true), embed(encoder, view2 as tf.Tensor4D, true));
    }),
  );
  const gradients = Object.values(grads);
  expect(gradients.length).toBe(variables.length);
  const allFinite = tf.tidy(
    () => tf.all(tf.stack(gradients.map((g) => tf.all(tf.isFinite(g))))).dataSync()[0],
  );
  const gradientNorm = tf.tidy(
    () => tf.sqrt(tf.addN(gradients.map((g) => tf.sum(tf.square(g))))).dataSync()[0]!,
  );
  optimizer.step(grads, 0.1);
  const loss = value.dataSync()[0]!;
  tf.dispose([value, grads]);
  // BN moving statistics are new variables' values, not new tensors: the count is unchanged
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  const after = {
    weights: Array.from(variables[0]!.dataSync()),
    movingMean: Array.from(encoder.backbone.nonTrainableWeights[0]!.read().dataSync()),
  };
  optimizer.dispose();
  images.dispose();
  encoder.backbone.dispose();
  encoder.projector.dispose();
  return { loss, allFinite, gradientNorm, before, after };
}

describe('a real training step on wasm (tf.variableGrads + LARS, BN in training mode)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  it.each([
    { backbone: 'small-cnn', inputShape: [28, 28, 1], batch: 16 },
    { backbone: 'resnet18-cifar', inputShape: [32, 32, 3], batch: 4 },
    { backbone: 'resnet18', inputShape: [64, 64, 3], batch: 4 },
  ] as const)(
    '$backbone: finite loss and gradients, weights and BN statistics move',
    async ({ backbone, inputShape, batch }) => {
      const result = await trainingStep(
        { backbone, inputShape: [...inputShape], projectorHiddenDim: 64, projectorOutputDim: 64, seed: 11 },
        batch,
      );
      expect(Number.isFinite(result.loss)).toBe(true);
      expect(result.allFinite).toBe(1);
      expect(result.gradientNorm).toBeGreaterThan(0);
      expect(result.after.weights).not.toEqual(result.before.weights);
      expect(result.after.movingMean).not.toEqual(result.before.movingMean);
    },
  );
});
