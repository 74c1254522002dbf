import type { RunConfigInput } from './run-config';

export interface Preset {
  description: string;
  config: RunConfigInput;
}

const CIFAR10 = { source: 'cifar10', path: 'datasets/cifar-10-batches-bin' } as const;
/** solo-learn's CIFAR recipe (scripts/pretrain/cifar/*.yaml): LARS, lr 0.3 x batch/256, wd 1e-4, 10 warm-up epochs. */
const SOLO_CIFAR = {
  model: { backbone: 'resnet18-cifar', projectorHiddenDim: 2048, projectorOutputDim: 2048 },
  optimizer: { name: 'lars', learningRate: 0.3, eta: 0.02, clipLars: true, weightDecay: 1e-4 },
  schedule: { warmupEpochs: 10 },
  training: { epochs: 1000, batchSize: 256 },
  evaluation: { everyEpochs: 10 },
} as const;
/** The paper's ImageNet-100 recipe (spec sections 8-9): ResNet-18, d = 2048, 400 epochs, batch 256. */
const IMAGENET100 = {
  dataset: { source: 'image-folder', path: 'datasets/imagenet-100', imageSize: 224 },
  model: { backbone: 'resnet18', projectorHiddenDim: 2048, projectorOutputDim: 2048 },
  optimizer: { name: 'lars', learningRate: 0.3, eta: 0.02, clipLars: true, weightDecay: 1e-4 },
  schedule: { warmupEpochs: 10 },
  training: { epochs: 400, batchSize: 256 },
  evaluation: { everyEpochs: 10, bankLimit: 20000 },
} as const;

/**
 * Named starting points. Each is a plain configuration: `npm run cli -- presets NAME` prints it
 * in full to copy, edit and pass back with `train --config FILE`. Loss hyperparameters are the
 * paper's scripts' (spec section 8) and solo-learn's.
 */
export const PRESETS: Record<string, Preset> = {
  quickstart: {
    description:
      'Embedded Fashion-MNIST subset, small CNN, FFT-relaxed Barlow Twins (sBT, block size 8, d = 256), AdamW; about 3 minutes on a 2-core CPU',
    // Measured on this data (and with a PyTorch reference): in a few epochs the one-block form
    // (b = d) and LARS lower the kNN accuracy of the small CNN below its random-initialisation
    // value (76.4%); blocks of 8, lambda 1/64 and AdamW raise it (to about 79.4% in 5 epochs).
    config: {
      name: 'quickstart',
      seed: 0,
      dataset: { source: 'embedded' },
      augmentation: { preset: 'light' },
      model: { backbone: 'small-cnn', projectorHiddenDim: 256, projectorOutputDim: 256 },
      loss: { name: 'fft-bt', lambda: 1 / 64, scale: 0.125, q: 2, blockSize: 8, permutation: 'batch' },
      optimizer: { name: 'adamw', learningRate: 3e-3, scaleByBatch: false, weightDecay: 1e-4 },
      schedule: { warmupEpochs: 1 },
      training: { epochs: 5, batchSize: 64 },
      evaluation: { everyEpochs: 1, bankLimit: 5000 },
    },
  },
  smoke: {
    description: 'A 20-step run to check that training works on this machine (seconds)',
    config: {
      name: 'smoke',
      dataset: { source: 'embedded', trainLimit: 2048 },
      augmentation: { preset: 'light' },
      model: {
        backbone: 'mlp',
        backboneHiddenDim: 64,
        featureDim: 32,
        projectorHiddenDim: 64,
        projectorOutputDim: 64,
      },
      loss: { name: 'fft-bt' },
      optimizer: { name: 'adam', learningRate: 0.001, scaleByBatch: false },
      schedule: { warmupEpochs: 0 },
      training: { epochs: 1, batchSize: 64, maxSteps: 20 },
      evaluation: { bankLimit: 1000, testLimit: 500 },
    },
  },
  'cifar10-bt': {
    description: 'CIFAR-10, ResNet-18 (CIFAR stem), Barlow Twins as solo-learn (lambda 0.0051, scale 0.1)',
    config: {
      name: 'cifar10-bt',
      dataset: CIFAR10,
      ...SOLO_CIFAR,
      loss: { name: 'bt', lambda: 0.0051, scale: 0.1 },
    },
  },
  'cifar10-vicreg': {
    description: 'CIFAR-10, ResNet-18 (CIFAR stem), VICReg as solo-learn (25 / 25 / 1)',
    config: {
      name: 'cifar10-vicreg',
      dataset: CIFAR10,
      ...SOLO_CIFAR,
      loss: { name: 'vicreg', simWeight: 25, varWeight: 25, covWeight: 1 },
    },
  },
  'cifar10-sbt': {
    description:
      "CIFAR-10, ResNet-18, FFT-relaxed Barlow Twins with the paper's d = 2048 settings (b = d, q 2, lambda 1/1024, scale 0.125)",
    config: {
      name: 'cifar10-sbt',
      dataset: CIFAR10,
      ...SOLO_CIFAR,
      loss: { name: 'fft-bt', lambda: 1 / 1024, scale: 0.125, q: 2, permutation: 'batch' },
    },
  },
  'cifar10-svicreg': {
    description:
      "CIFAR-10, ResNet-18, FFT-relaxed VICReg with the paper's d = 2048 settings (b = d, q 1, scale 0.25, 25 / 25 / 1)",
    config: {
      name: 'cifar10-svicreg',
      dataset: CIFAR10,
      ...SOLO_CIFAR,
      loss: {
        name: 'fft-vicreg',
        simWeight: 25,
        varWeight: 25,
        covWeight: 1,
        scale: 0.25,
        q: 1,
        permutation: 'batch',
      },
    },
  },
  'in100-sbt': {
    description:
      'Paper: ImageNet-100, ResNet-18, d = 2048, sBT (b = d, lambda 1/1024, scale 0.125); GPU machine with the data',
    config: {
      name: 'in100-sbt',
      ...IMAGENET100,
      augmentation: { preset: 'bt-imagenet' },
      loss: { name: 'fft-bt', lambda: 1 / 1024, scale: 0.125, q: 2, permutation: 'batch' },
    },
  },
  'in100-bt': {
    description:
      'Paper: ImageNet-100, ResNet-18, d = 2048, Barlow Twins (lambda 0.0051, scale 0.1); GPU machine with the data',
    config: {
      name: 'in100-bt',
      ...IMAGENET100,
      augmentation: { preset: 'bt-imagenet' },
      loss: { name: 'bt', lambda: 0.0051, scale: 0.1 },
    },
  },
  'in100-svicreg': {
    description:
      'Paper: ImageNet-100, ResNet-18, d = 2048, sVICReg (b = d, q 1, scale 0.25); GPU machine with the data',
    config: {
      name: 'in100-svicreg',
      ...IMAGENET100,
      augmentation: { preset: 'vicreg-imagenet' },
      loss: {
        name: 'fft-vicreg',
        simWeight: 25,
        varWeight: 25,
        covWeight: 1,
        scale: 0.25,
        q: 1,
        permutation: 'batch',
      },
    },
  },
  'in1k-sbt': {
    description:
      'Paper: ImageNet-1k, ResNet-50, d = 8192, sBT (b = d, lambda ~1/2048, scale 0.024), LARS lr 0.25 x 4, eta 0.001; GPU machine with the data',
    config: {
      name: 'in1k-sbt',
      dataset: { source: 'image-folder', path: 'datasets/imagenet', imageSize: 224 },
      augmentation: { preset: 'bt-imagenet' },
      model: { backbone: 'resnet50', projectorHiddenDim: 8192, projectorOutputDim: 8192 },
      loss: { name: 'fft-bt', lambda: 0.0004883, scale: 0.024, q: 2, permutation: 'batch' },
      // The paper's batch is 128 per GPU x 8 (effective lr 1.0); one process sees 128.
      optimizer: {
        name: 'lars',
        learningRate: 0.25 * 4,
        scaleByBatch: false,
        eta: 0.001,
        clipLars: false,
        weightDecay: 1e-6,
      },
      schedule: { warmupEpochs: 10 },
      training: { epochs: 1000, batchSize: 128 },
      evaluation: { everyEpochs: 10, bankLimit: 50000 },
    },
  },
};
