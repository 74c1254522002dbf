import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import { selectBackend } from '../../../../src-main/compute/backend';
import { augmentationPreset } from '../../../../src-main/ml/augment/presets';
import { makeViews } from '../../../../src-main/ml/augment/views';
import { createLoss } from '../../../../src-main/ml/losses/registry';
import { createEncoder, type EncoderOptions } from '../../../../src-main/ml/models/create-encoder';
import { createOptimizer } from '../../../../src-main/ml/optim/create-optimizer';
import type { Gradients } from '../../../../src-main/ml/optim/parameter-optimizer';
import { Random } from '../../../../src-main/ml/random';
import { trainStep } from '../../../../src-main/ml/train/step';
import { useSoftwareVulkan } from '../../../helpers/webgpu';

const BATCH = 4;

/** What one training step computes, read back to the host. */
interface StepOutputs {
  views: Float32Array[];
  loss: number;
  gradients: Float32Array[];
  /** New minus old value of every weight (trainable ones: the optimizer's update; BN statistics). */
  updates: Float32Array[];
}

const read = (tensors: tf.Tensor[]) =>
  Promise.all(tensors.map(async (tensor) => (await tensor.data()) as Float32Array));

/** A batch of random RGB images (bytes), the same on every call. */
function images(size: number): Uint8Array {
  const random = new Random(21);
  return Uint8Array.from({ length: BATCH * size * size * 3 }, () => Math.floor(random.next() * 256));
}

/**
 * One real training step (`trainStep`: both views, the loss, gradients, a LARS update) on the
 * current backend, from the given initial weights and views. The views the backend's own
 * augmentation makes (same seed) are returned too; the step uses `inputViews` when given, so
 * both backends train on bit-identical input.
 */
async function stepOutputs(
  model: EncoderOptions,
  lossName: 'bt' | 'vicreg' | 'fft-bt',
  initialWeights: Float32Array[] | null,
  inputViews: Float32Array[] | null,
): Promise<StepOutputs & { initialWeights: Float32Array[] }> {
  const encoder = createEncoder(model);
  const weights = () => [...encoder.backbone.weights, ...encoder.projector.weights].map((w) => w.read());
  if (initialWeights)
    tf.tidy(() =>
      weights().forEach((weight, i) =>
        (weight as tf.Variable).assign(tf.tensor(initialWeights[i]!, weight.shape)),
      ),
    );
  const before = await read(weights());
  const pipelines = augmentationPreset('bt-cifar');
  const [size] = model.inputShape;
  const shape = [BATCH, size, size, 3] as const;
  const ownViews = makeViews(images(size), shape, pipelines, new Random(5));
  const viewData = await read(ownViews);
  const views = (inputViews ?? viewData).map((data) => tf.tensor4d(data, [...shape])) as [
    tf.Tensor4D,
    tf.Tensor4D,
  ];
  const variables = [...encoder.backbone.trainableWeights, ...encoder.projector.trainableWeights].map(
    (weight) => weight.read() as tf.Variable,
  );
  const settings = runConfigSchema.parse({ name: 'step', optimizer: { name: 'lars' } }).optimizer;
  const optimizer = createOptimizer(variables, settings);
  // Kept past the step (trainStep disposes the gradients) and read back afterwards: webgpu has
  // no synchronous read-back in Node.
  let gradients: tf.Tensor[] = [];
  const update = optimizer.step.bind(optimizer);
  optimizer.step = (grads: Gradients, learningRate: number) => {
    const byName = grads as tf.NamedTensorMap;
    gradients = variables.map((variable) => tf.clone(byName[variable.name]!));
    update(grads, learningRate);
  };
  const loss = runConfigSchema.parse({ name: 'step', loss: { name: lossName } }).loss;
  const result = await trainStep({
    encoder,
    optimizer,
    loss: createLoss(loss),
    views,
    permutation: null,
    learningRate: 0.3,
  });
  const after = await read(weights());
  const updates = after.map((values, i) => values.map((value, j) => value - before[i]![j]!));
  const gradientData = await read(gradients);
  tf.dispose([...ownViews, ...views, ...gradients]);
  optimizer.dispose();
  encoder.backbone.dispose();
  encoder.projector.dispose();
  return { views: viewData, loss: result.loss, gradients: gradientData, updates, initialWeights: before };
}

const maxAbs = (values: Float32Array) => values.reduce((max, value) => Math.max(max, Math.abs(value)), 0);

/**
 * The worst float32 error over a list of tensors: each tensor's largest |actual - expected| over
 * its largest |expected|, floored at 1% of the largest |expected| of all. Without the floor, a
 * gradient that is zero in exact arithmetic (a bias before batch norm, or before the loss's own
 * standardisation) would compare rounding noise with rounding noise.
 */
function worstError(actual: Float32Array[], expected: Float32Array[]): number {
  const floor = 1e-2 * Math.max(...expected.map(maxAbs));
  return Math.max(
    ...expected.map((tensor, i) => {
      const difference = tensor.reduce((max, value, j) => Math.max(max, Math.abs(actual[i]![j]! - value)), 0);
      return difference / Math.max(maxAbs(tensor), floor);
    }),
  );
}

describe('one training step on webgpu equals the cpu step', () => {
  beforeAll(async () => {
    useSoftwareVulkan();
    await selectBackend('webgpu');
  });

  // ResNet-18 on 8x8 images: the cpu backend's step takes minutes at 16x16 on a loaded 2-core machine.
  it.each([
    { backbone: 'small-cnn', loss: 'bt', size: 32 },
    { backbone: 'resnet18-cifar', loss: 'vicreg', size: 8 },
    // The relaxed loss: WGSL FFT kernels on webgpu (webgpu-kernels/fft, pair-spectra).
    { backbone: 'small-cnn', loss: 'fft-bt', size: 16 },
  ] as const)(
    '$backbone with $loss: same views, loss, gradients and update',
    async ({ backbone, loss, size }) => {
      const model: EncoderOptions = {
        backbone,
        inputShape: [size, size, 3],
        projectorHiddenDim: 64,
        projectorOutputDim: 32,
        seed: 13,
      };
      await tf.setBackend('cpu');
      const cpu = await stepOutputs(model, loss, null, null);
      await tf.setBackend('webgpu');
      // The relaxed loss keeps its FFT constants (twiddles) per backend: made here, before counting.
      const lossConfig = runConfigSchema.parse({ name: 'step', loss: { name: loss } }).loss;
      tf.tidy(() => {
        createLoss(lossConfig)(tf.ones([BATCH, 32]), tf.ones([BATCH, 32]), { permutation: null });
      });
      const tensorsBefore = tf.memory().numTensors;
      const gpu = await stepOutputs(model, loss, cpu.initialWeights, cpu.views);
      const tensorsLeft = tf.memory().numTensors - tensorsBefore;
      const errors = {
        views: worstError(gpu.views, cpu.views),
        loss: Math.abs(gpu.loss - cpu.loss) / Math.abs(cpu.loss),
        gradients: worstError(gpu.gradients, cpu.gradients),
        updates: worstError(gpu.updates, cpu.updates),
      };
      console.log(backbone, loss, cpu.loss, errors);
      expect(tensorsLeft).toBe(0);
      expect(gpu.gradients.length).toBe(cpu.gradients.length);
      expect(errors.views).toBeLessThan(1e-4);
      expect(errors.loss).toBeLessThan(1e-4);
      expect(errors.gradients).toBeLessThan(1e-3);
      expect(errors.updates).toBeLessThan(1e-3);
    },
    300_000,
  );
});
