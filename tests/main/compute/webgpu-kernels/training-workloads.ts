import * as tf from '@tensorflow/tfjs';
import { runConfigSchema, type RunConfigInput } from '@shared/config/run-config';
import type { DatasetSplits, ImageDataset } from '../../../../src-main/ml/data/image-dataset';
import { trainLinearClassifier } from '../../../../src-main/ml/eval/linear';
import { createLoss } from '../../../../src-main/ml/losses/registry';
import { Random } from '../../../../src-main/ml/random';
import { trainSelfSupervised } from '../../../../src-main/ml/train/trainer';

function randomImages(random: Random, count: number, size: number, channels: number): ImageDataset {
  const images = new Uint8Array(count * size * size * channels);
  for (let i = 0; i < images.length; i++) images[i] = Math.floor(random.next() * 256);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { images, labels, count, height: size, width: size, channels };
}

/** Random images in 10 classes: enough for every code path; nothing is learned from them. */
export function syntheticSplits(channels: 1 | 3, size: number, seed = 1): DatasetSplits {
  const random = new Random(seed);
  return {
    name: `synthetic ${size}x${size}x${channels}`,
    train: randomImages(random, 16, size, channels),
    test: randomImages(random, 10, size, channels),
    classNames: Array.from({ length: 10 }, (_, i) => `class ${i}`),
  };
}

const TINY: Partial<RunConfigInput> = {
  schedule: { warmupEpochs: 0 },
  evaluation: { bankLimit: 16, testLimit: 10 },
  inspect: { enabled: false },
};

/**
 * Tiny runs that between them reach every model, loss (the exact ones), augmentation step,
 * optimizer and evaluation of the training loop, with checkpoints and inspector snapshots.
 * ResNet-18's CIFAR stem adds no kernel to the ImageNet one's. The relaxed losses run their
 * own kernels on webgpu (src-main/compute/webgpu-kernels/fft).
 */
export const TRAINING_WORKLOADS: { config: RunConfigInput; channels: 1 | 3; size: number }[] = [
  {
    // colour jitter with hue and saturation, grayscale, solarisation; LARS; probe; snapshots
    channels: 3,
    size: 16,
    config: {
      ...TINY,
      name: 'small-cnn bt lars',
      model: { backbone: 'small-cnn', projectorHiddenDim: 32, projectorOutputDim: 16 },
      augmentation: { preset: 'bt-cifar' },
      loss: { name: 'bt' },
      optimizer: { name: 'lars', learningRate: 0.1 },
      training: { epochs: 1, batchSize: 8, maxSteps: 1 },
      inspect: { enabled: true, probeImages: 8 },
    },
  },
  {
    // the ImageNet stem (7x7 stride 2, max pool); blur; micro-batches; AdamW
    channels: 3,
    size: 16,
    config: {
      ...TINY,
      name: 'resnet18 vicreg adamw',
      model: { backbone: 'resnet18', projectorHiddenDim: 32, projectorOutputDim: 16 },
      augmentation: { preset: 'vicreg-imagenet', cropSize: 16 },
      loss: { name: 'vicreg' },
      optimizer: { name: 'adamw', learningRate: 0.001 },
      training: { epochs: 1, batchSize: 4, microBatchSize: 2, maxSteps: 1 },
    },
  },
  {
    // no augmentation; SGD
    channels: 3,
    size: 8,
    config: {
      ...TINY,
      name: 'mlp bt sgd',
      model: {
        backbone: 'mlp',
        backboneHiddenDim: 32,
        featureDim: 16,
        projectorHiddenDim: 32,
        projectorOutputDim: 16,
      },
      augmentation: { preset: 'none' },
      loss: { name: 'bt' },
      optimizer: { name: 'sgd', learningRate: 0.01 },
      training: { epochs: 1, batchSize: 8, maxSteps: 1 },
    },
  },
  {
    // grayscale images, the light preset (crop to a smaller view), Adam
    channels: 1,
    size: 16,
    config: {
      ...TINY,
      name: 'mlp vicreg adam',
      model: {
        backbone: 'mlp',
        backboneHiddenDim: 32,
        featureDim: 16,
        projectorHiddenDim: 32,
        projectorOutputDim: 16,
      },
      augmentation: { preset: 'light', cropSize: 12 },
      loss: { name: 'vicreg' },
      optimizer: { name: 'adam', learningRate: 0.001 },
      training: { epochs: 1, batchSize: 8, maxSteps: 1 },
    },
  },
];

/** Trains one workload to its end (with checkpoints and snapshots taken and dropped); returns its losses. */
export async function runWorkload(workload: (typeof TRAINING_WORKLOADS)[number]): Promise<number[]> {
  const config = runConfigSchema.parse({ ...workload.config, seed: 3 });
  const losses: number[] = [];
  await trainSelfSupervised(
    config,
    syntheticSplits(workload.channels, workload.size),
    createLoss(config.loss),
    {
      onStep: (report) => losses.push(report.loss),
      onCheckpoint: () => {},
      onSnapshot: () => {},
      shouldStop: () => false,
      log: () => {},
    },
  );
  return losses;
}

/** Linear evaluation (SGD + momentum on frozen features), as the evaluation job runs it. */
export async function runLinearEvaluation(): Promise<number> {
  const random = new Random(5);
  const features = (rows: number) =>
    tf.tensor2d(
      Float32Array.from({ length: rows * 8 }, () => random.next() - 0.5),
      [rows, 8],
    );
  const labels = (rows: number) => Int32Array.from({ length: rows }, (_, i) => i % 10);
  const train = { features: features(32), labels: labels(32) };
  const test = { features: features(16), labels: labels(16) };
  try {
    const result = await trainLinearClassifier(train, test, {
      classCount: 10,
      epochs: 2,
      batchSize: 16,
      learningRate: 0.1,
      momentum: 0.9,
      weightDecay: 1e-4,
      decayEpochs: [1],
      seed: 1,
    });
    return result.trainLoss;
  } finally {
    tf.dispose([train.features, test.features]);
  }
}
