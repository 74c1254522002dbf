import type { z } from 'zod';
import {
  AUGMENTATION_PRESETS,
  BACKBONES,
  DATASET_SOURCES,
  LOSS_NAMES,
  OPTIMIZERS,
  btLossSchema,
  datasetConfigSchema,
  fftBtLossSchema,
  fftVicregLossSchema,
  vicregLossSchema,
  type BackboneName,
  type LossName,
} from '@shared/config/run-config';

export type DatasetSource = (typeof DATASET_SOURCES)[number];
export type AugmentationPresetName = (typeof AUGMENTATION_PRESETS)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type { BackboneName, LossName };

function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return (list as readonly unknown[]).includes(value);
}

export const isLossName = (value: unknown): value is LossName => isOneOf(LOSS_NAMES, value);
export const isDatasetSource = (value: unknown): value is DatasetSource => isOneOf(DATASET_SOURCES, value);
export const isBackbone = (value: unknown): value is BackboneName => isOneOf(BACKBONES, value);
export const isOptimizerName = (value: unknown): value is OptimizerName => isOneOf(OPTIMIZERS, value);
export const isAugmentationPreset = (value: unknown): value is AugmentationPresetName =>
  isOneOf(AUGMENTATION_PRESETS, value);

/** The schema of each loss variant: its keys decide which parameter fields are shown. */
export const LOSS_SCHEMAS = {
  bt: btLossSchema,
  vicreg: vicregLossSchema,
  'fft-bt': fftBtLossSchema,
  'fft-vicreg': fftVicregLossSchema,
} satisfies Record<LossName, unknown>;

type DatasetVariantSchema = (typeof datasetConfigSchema.options)[number];

/** The schema of each dataset source, taken from the shared discriminated union. */
export const DATASET_SCHEMAS = Object.fromEntries(
  DATASET_SOURCES.map((source) => {
    const schema = datasetConfigSchema.options.find((option) =>
      (option.shape.source.values as Set<string>).has(source),
    );
    if (!schema) throw new Error(`No dataset schema for source ${source}`);
    return [source, schema];
  }),
) as Record<DatasetSource, DatasetVariantSchema>;

/** The keys of a variant's schema other than its discriminator, in schema order. */
export function variantKeys(shape: Record<string, unknown>, discriminator: string): string[] {
  return Object.keys(shape).filter((key) => key !== discriminator);
}

/**
 * What each key of an object schema holds when left out: its default, nothing for optional
 * keys, and an empty string for required text (so the form shows an empty box with the
 * schema's own message, e.g. "Give the folder that holds the dataset").
 */
export function shapeDefaults(shape: Record<string, z.ZodType>): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(shape)) {
    const omitted = schema.safeParse(undefined);
    if (omitted.success) {
      if (omitted.data !== undefined) defaults[key] = omitted.data;
    } else if (schema.safeParse('x').success) {
      defaults[key] = '';
    }
  }
  return defaults;
}
