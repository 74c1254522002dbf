import { z } from 'zod';
import { strictObject } from './strict-object';
import { textField } from './text-field';

/**
 * The run configuration: one schema validates CLI config files, API payloads and the
 * New-run form, and gives every omitted field its documented default.
 * Loss defaults follow ../shared/spec/losses.md (solo-learn / authors' CLI defaults).
 * Every object is strict: an unknown or misspelled field is an error naming the nearest known
 * field, never silently replaced by a default.
 */

export const LOSS_NAMES = ['bt', 'vicreg', 'fft-bt', 'fft-vicreg'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

export const BACKEND_NAMES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_NAMES)[number];

/** Loss weights and rates: finite (zod refuses Infinity) and below values that only overflow. */
const positive = () => z.number().positive().max(1e6);
const nonNegative = () => z.number().nonnegative().max(1e6);
const exponent = z.union([z.literal(1), z.literal(2)], { error: 'q must be 1 or 2' });
/** Block size b of the feature grouping; omitted means b = d (one group, the O(n d log d) form). */
const blockSize = z.number().int().min(1).optional();
const permutation = z.enum(['batch', 'none']);

export const btLossSchema = strictObject({
  name: z.literal('bt'),
  lambda: positive().default(0.0051),
  scale: positive().default(0.024),
});

export const vicregLossSchema = strictObject({
  name: z.literal('vicreg'),
  simWeight: nonNegative().default(25),
  varWeight: nonNegative().default(25),
  covWeight: nonNegative().default(1),
});

export const fftBtLossSchema = strictObject({
  name: z.literal('fft-bt'),
  lambda: positive().default(0.0051),
  scale: positive().default(0.024),
  q: exponent.default(2),
  blockSize,
  permutation: permutation.default('batch'),
});

export const fftVicregLossSchema = strictObject({
  name: z.literal('fft-vicreg'),
  simWeight: nonNegative().default(25),
  varWeight: nonNegative().default(25),
  covWeight: nonNegative().default(1),
  scale: positive().default(1),
  q: exponent.default(2),
  blockSize,
  permutation: permutation.default('batch'),
});

export const lossConfigSchema = z.discriminatedUnion('name', [
  btLossSchema,
  vicregLossSchema,
  fftBtLossSchema,
  fftVicregLossSchema,
]);
export type LossConfig = z.output<typeof lossConfigSchema>;

/** Use only the first N training images (quick experiments). */
const trainLimit = z.number().int().min(2).max(1e9).optional();
/** Whether the folder exists is checked where files can be seen (src-main/datasets/check-paths.ts). */
const datasetPath = textField({ max: 4096, required: 'Give the folder that holds the dataset' });

export const DATASET_SOURCES = ['embedded', 'idx', 'cifar10', 'cifar100', 'image-folder'] as const;

export const datasetConfigSchema = z.discriminatedUnion('source', [
  /** The Fashion-MNIST subset shipped in resources/ (10k train, 2k test). */
  strictObject({ source: z.literal('embedded'), trainLimit }),
  /** An MNIST-layout folder of IDX files (gzip or raw), e.g. /usr/share/datasets/fashion-mnist. */
  strictObject({ source: z.literal('idx'), path: datasetPath, trainLimit }),
  /** CIFAR-10 in its binary format (data_batch_1..5.bin, test_batch.bin). */
  strictObject({ source: z.literal('cifar10'), path: datasetPath, trainLimit }),
  /** CIFAR-100 in its binary format (train.bin, test.bin). */
  strictObject({
    source: z.literal('cifar100'),
    path: datasetPath,
    labels: z.enum(['fine', 'coarse']).default('fine'),
    trainLimit,
  }),
  /** One sub-folder of PNG/JPEG images per class; train/ and test/ (or val/) splits if present. */
  strictObject({
    source: z.literal('image-folder'),
    path: datasetPath,
    imageSize: z.number().int().min(8).max(512).default(64),
    /** Held-out share when the folder has no test/ split. */
    testFraction: z.number().gt(0).lt(1).default(0.1),
    trainLimit,
  }),
]);
export type DatasetConfig = z.output<typeof datasetConfigSchema>;

export const AUGMENTATION_PRESETS = [
  'auto',
  'bt-cifar',
  'vicreg-cifar',
  'bt-imagenet',
  'vicreg-imagenet',
  'light',
  'none',
] as const;

export const augmentationConfigSchema = strictObject({
  /**
   * `auto`: the light preset for grayscale images, else solo-learn's CIFAR preset of the loss
   * family (`bt-cifar` for BT and sBT, `vicreg-cifar` for VICReg and sVICReg). `none`: no
   * augmentation (both views are the image).
   */
  preset: z.enum(AUGMENTATION_PRESETS).default('auto'),
  /** Output size of the random resized crop; omitted = the preset's (224 for the ImageNet presets) or the image size. */
  cropSize: z.number().int().min(8).max(512).optional(),
});

export const BACKBONES = ['mlp', 'small-cnn', 'resnet18-cifar', 'resnet18', 'resnet50'] as const;
export type BackboneName = (typeof BACKBONES)[number];

export const modelConfigSchema = strictObject({
  backbone: z.enum(BACKBONES).default('small-cnn'),
  /** MLP backbone only. */
  backboneHiddenDim: z.number().int().min(8).max(8192).default(256),
  /** MLP backbone only: its feature width. */
  featureDim: z.number().int().min(2).max(8192).default(128),
  projectorHiddenDim: z.number().int().min(2).max(32768).default(512),
  /** Embedding dimension d seen by the loss. */
  projectorOutputDim: z.number().int().min(2).max(32768).default(512),
});

export const OPTIMIZERS = ['lars', 'sgd', 'adamw', 'adam'] as const;

/** The batch size at which `learningRate` applies as given (solo-learn's linear scaling rule). */
export const REFERENCE_BATCH_SIZE = 256;

export const optimizerConfigSchema = strictObject({
  name: z.enum(OPTIMIZERS).default('lars'),
  /** Base learning rate; multiplied by batchSize / 256 when `scaleByBatch` (solo-learn). */
  learningRate: positive().max(100).default(0.3),
  scaleByBatch: z.boolean().default(true),
  momentum: z.number().min(0).max(0.999).default(0.9),
  weightDecay: nonNegative().max(1).default(1e-4),
  /** LARS trust coefficient. */
  eta: positive().max(1).default(0.02),
  /** LARS: clip the adaptive rate at the global rate (solo-learn `clip_lars_lr`). */
  clipLars: z.boolean().default(true),
  /** Biases and normalisation weights get no weight decay (and, with LARS, no adaptation). */
  excludeBiasAndNorm: z.boolean().default(true),
});

export const scheduleConfigSchema = strictObject({
  /** Linear warm-up length; then cosine decay to `minLearningRate`. */
  warmupEpochs: nonNegative().max(1000).default(1),
  warmupStartLearningRate: nonNegative().max(100).default(3e-5),
  /** At most the learning rate after warm-up (checked with the run's batch scaling below). */
  minLearningRate: nonNegative().max(100).default(0),
});

export const trainingConfigSchema = strictObject({
  epochs: z.number().int().min(1).max(10000).default(10),
  batchSize: z.number().int().min(2).max(4096).default(128),
  /** Stop after this many steps even if epochs remain. */
  maxSteps: z.number().int().min(1).max(1e9).optional(),
  /**
   * Compute each step's exact gradients in micro-batches of this size, for batches whose
   * activations exceed memory (e.g. ResNet-18 at batch 256 on the wasm backend's 4 GiB heap).
   * Batch-norm then sees micro-batches, as with per-device batch-norm on several GPUs.
   */
  microBatchSize: z.number().int().min(2).max(4096).optional(),
});

export const evaluationConfigSchema = strictObject({
  /** kNN of backbone features on the held-out split (solo-learn's weighted vote, cosine). */
  knnK: z.number().int().min(1).max(1000).default(20),
  /** Softmax temperature of the vote; below 1e-3 the weights overflow to infinity. */
  knnTemperature: z.number().min(0.001).max(100).default(0.07),
  /** Evaluate every N epochs as well as at initialisation and at the end; 0 = only those two. */
  everyEpochs: z.number().int().min(0).max(10000).default(0),
  /** At most this many training images form the kNN memory bank (all by default). */
  bankLimit: z.number().int().min(10).max(1e9).optional(),
  /** At most this many held-out images are classified (all by default). */
  testLimit: z.number().int().min(10).max(1e9).optional(),
  /** solo-learn's online linear probe on detached backbone features, trained alongside. */
  onlineProbe: z.boolean().default(true),
  probeLearningRate: positive().max(10).default(0.1),
});

export const checkpointConfigSchema = strictObject({
  /** Save every N epochs (0 = not by epochs). A checkpoint is also saved at the end and on stop. */
  everyEpochs: z.number().int().min(0).max(10000).default(1),
  /** Save every N steps as well (0 = off); for long epochs. */
  everySteps: z.number().int().min(0).max(1e9).default(0),
  /** Keep the newest N checkpoints... */
  keepLast: z.number().int().min(1).max(1000).default(3),
  /** ...and the one with the best kNN top-1 accuracy. */
  keepBest: z.boolean().default(true),
});

/**
 * Decorrelation-inspector snapshots (issue 12): the projector outputs and backbone features of a
 * fixed probe batch, at initialisation, on this schedule and at the end. Taking one never draws
 * from the run's generators nor updates batch-norm statistics, so training is unchanged.
 */
export const inspectConfigSchema = strictObject({
  enabled: z.boolean().default(true),
  /** Every N epochs (0 = not by epochs); also at initialisation and at the end. */
  everyEpochs: z.number().int().min(0).max(10000).default(1),
  /** Every N steps as well (0 = off). */
  everySteps: z.number().int().min(0).max(1e9).default(0),
  /** Probe batch size n: the same images and the same two augmented views every time. */
  probeImages: z.number().int().min(8).max(4096).default(512),
  /** The probe batch's own seed (images and views), independent of the run's seed. */
  probeSeed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(20230),
  /** float16 halves the bytes; values beyond +-65504 become infinite. */
  dtype: z.enum(['float32', 'float16']).default('float32'),
  /** Store the backbone features of both views too (spectrum and RankMe of the backbone). */
  backbone: z.boolean().default(true),
});

export const runConfigSchema = strictObject({
  name: textField({ max: 120, required: 'Give the run a name' }),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
  backend: z.enum(BACKEND_NAMES).default('auto'),
  dataset: datasetConfigSchema.prefault({ source: 'embedded' }),
  augmentation: augmentationConfigSchema.prefault({}),
  model: modelConfigSchema.prefault({}),
  loss: lossConfigSchema.prefault({ name: 'fft-bt' }),
  optimizer: optimizerConfigSchema.prefault({}),
  schedule: scheduleConfigSchema.prefault({}),
  training: trainingConfigSchema.prefault({}),
  evaluation: evaluationConfigSchema.prefault({}),
  checkpoint: checkpointConfigSchema.prefault({}),
  inspect: inspectConfigSchema.prefault({}),
}).superRefine((config, context) => {
  const { loss, model, training, dataset, schedule, optimizer } = config;
  if (schedule.warmupEpochs >= training.epochs && training.epochs > 1) {
    context.addIssue({
      code: 'custom',
      path: ['schedule', 'warmupEpochs'],
      message: `The warm-up must be shorter than the run (${training.epochs} epochs)`,
    });
  }
  if ((loss.name === 'fft-bt' || loss.name === 'fft-vicreg') && loss.blockSize !== undefined) {
    if (loss.blockSize > model.projectorOutputDim) {
      context.addIssue({
        code: 'custom',
        path: ['loss', 'blockSize'],
        message: `Block size must be at most the embedding dimension d = ${model.projectorOutputDim}`,
      });
    }
  }
  const { microBatchSize, batchSize } = training;
  if (microBatchSize !== undefined && (microBatchSize > batchSize || batchSize % microBatchSize !== 0)) {
    context.addIssue({
      code: 'custom',
      path: ['training', 'microBatchSize'],
      message: `Must divide the batch size (${batchSize}) into equal micro-batches`,
    });
  }
  // The cosine decays from the (batch-scaled) rate to the minimum: a minimum above it turns
  // the decay into a climb, and such runs were seen to fail later with a -Infinity loss.
  const peakRate = optimizer.scaleByBatch
    ? (optimizer.learningRate * batchSize) / REFERENCE_BATCH_SIZE
    : optimizer.learningRate;
  if (schedule.minLearningRate > peakRate) {
    context.addIssue({
      code: 'custom',
      path: ['schedule', 'minLearningRate'],
      message: `Must be at most the learning rate after warm-up (${Number(peakRate.toPrecision(6))})`,
    });
  }
  if (dataset.trainLimit !== undefined && dataset.trainLimit < training.batchSize) {
    context.addIssue({
      code: 'custom',
      path: ['dataset', 'trainLimit'],
      message: `Use at least one batch (${training.batchSize} images)`,
    });
  }
});

/** A validated configuration with every default filled in. */
export type RunConfig = z.output<typeof runConfigSchema>;
/** What a user may write: any field with a default can be left out. */
export type RunConfigInput = z.input<typeof runConfigSchema>;
