import { z } from 'zod';

/**
 * The run configuration: one schema validates CLI config files, API payloads and the
 * New-run form, and gives every omitted field its documented default.
 * Loss defaults follow ../shared/spec/losses.md (solo-learn / authors' CLI defaults).
 */

export const LOSS_NAMES = ['bt', 'vicreg', 'fft-bt', 'fft-vicreg'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

export const BACKEND_NAMES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_NAMES)[number];

const positive = () => z.number().positive();
const nonNegative = () => z.number().nonnegative();
const exponent = z.union([z.literal(1), z.literal(2)], { error: 'q must be 1 or 2' });
/** Block size b of the feature grouping; omitted means b = d (one group, the O(n d log d) form). */
const blockSize = z.number().int().min(1).optional();
const permutation = z.enum(['batch', 'none']);

export const btLossSchema = z.object({
  name: z.literal('bt'),
  lambda: positive().default(0.0051),
  scale: positive().default(0.024),
});

export const vicregLossSchema = z.object({
  name: z.literal('vicreg'),
  simWeight: nonNegative().default(25),
  varWeight: nonNegative().default(25),
  covWeight: nonNegative().default(1),
});

export const fftBtLossSchema = z.object({
  name: z.literal('fft-bt'),
  lambda: positive().default(0.0051),
  scale: positive().default(0.024),
  q: exponent.default(2),
  blockSize,
  permutation: permutation.default('batch'),
});

export const fftVicregLossSchema = z.object({
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

export const datasetConfigSchema = z.object({
  /** `embedded`: the Fashion-MNIST subset shipped in resources/. */
  source: z.literal('embedded').default('embedded'),
  /** Use only the first N training images (quick experiments). */
  trainLimit: z.number().int().min(2).optional(),
});

export const modelConfigSchema = z.object({
  backbone: z.literal('mlp').default('mlp'),
  backboneHiddenDim: z.number().int().min(8).max(8192).default(256),
  featureDim: z.number().int().min(2).max(8192).default(128),
  projectorHiddenDim: z.number().int().min(2).max(32768).default(256),
  /** Embedding dimension d seen by the loss. */
  projectorOutputDim: z.number().int().min(2).max(32768).default(256),
});

export const optimizerConfigSchema = z.object({
  name: z.enum(['adam', 'sgd']).default('adam'),
  learningRate: positive().max(10).default(0.001),
  momentum: z.number().min(0).max(0.999).default(0.9),
});

export const trainingConfigSchema = z.object({
  epochs: z.number().int().min(1).max(10000).default(1),
  batchSize: z.number().int().min(2).max(4096).default(128),
  /** Stop after this many steps even if epochs remain. */
  maxSteps: z.number().int().min(1).optional(),
});

export const runConfigSchema = z
  .object({
    name: z.string().trim().min(1, 'Give the run a name').max(120),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
    backend: z.enum(BACKEND_NAMES).default('auto'),
    dataset: datasetConfigSchema.prefault({}),
    model: modelConfigSchema.prefault({}),
    loss: lossConfigSchema.prefault({ name: 'bt' }),
    optimizer: optimizerConfigSchema.prefault({}),
    training: trainingConfigSchema.prefault({}),
  })
  .superRefine((config, context) => {
    const { loss, model, training, dataset } = config;
    if ((loss.name === 'fft-bt' || loss.name === 'fft-vicreg') && loss.blockSize !== undefined) {
      if (loss.blockSize > model.projectorOutputDim) {
        context.addIssue({
          code: 'custom',
          path: ['loss', 'blockSize'],
          message: `Block size must be at most the embedding dimension d = ${model.projectorOutputDim}`,
        });
      }
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
