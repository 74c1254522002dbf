import type { z } from 'zod';
import { PRESETS } from '@shared/config/presets';
import { runConfigSchema, type RunConfig } from '@shared/config/run-config';
import { fieldMessages } from '@shared/validation';
import type { ConfigField, FormValues } from './run-config-field-types';
import {
  DATASET_SCHEMAS,
  LOSS_SCHEMAS,
  shapeDefaults,
  type DatasetSource,
  type LossName,
} from './run-config-variants';

export { isLossName } from './run-config-variants';

export type { FormValue, FormValues } from './run-config-field-types';

/**
 * The preset the form starts from: the README's quickstart recipe (sBT with blocks of 8, AdamW
 * on the embedded Fashion-MNIST subset), which raises the small CNN's kNN accuracy where the
 * schema's bare defaults (LARS, b = d) lower it.
 */
export const DEFAULT_PRESET = 'quickstart';

/** The learning rate's batch-size reference of the linear scaling rule (solo-learn). */
export const REFERENCE_BATCH_SIZE = 256;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ loss: { lambda: 1 } }` -> `{ 'loss.lambda': 1 }`. */
export function flattenConfig(value: unknown, prefix = ''): FormValues {
  const values: FormValues = {};
  if (!isPlainObject(value)) return values;
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(child)) Object.assign(values, flattenConfig(child, path));
    else if (typeof child === 'string' || typeof child === 'number' || typeof child === 'boolean')
      values[path] = child;
  }
  return values;
}

/** The inverse of `flattenConfig`; `undefined` values are left out. */
export function unflattenValues(values: FormValues): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const keys = path.split('.');
    let node = root;
    for (const key of keys.slice(0, -1)) {
      if (!isPlainObject(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1] as string] = value;
  }
  return root;
}

/** A default name such as `fft-bt-0612-1432`, so repeated quick runs stay apart in the list. */
export function suggestRunName(prefix: string, nowMs: number = Date.now()): string {
  const date = new Date(nowMs);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${prefix}-${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}`;
}

/** The form's starting values: the `DEFAULT_PRESET` recipe, every schema default filled in, under a fresh name. */
export function defaultFormValues(nowMs: number = Date.now()): FormValues {
  return presetFormValues(DEFAULT_PRESET, nowMs)!;
}

/**
 * The paths whose value differs between two sets of values (the run's name aside), in the
 * order of `current` then `base`: what the reader changed since the form's starting point.
 */
export function changedPaths(base: FormValues, current: FormValues): string[] {
  const paths = new Set([...Object.keys(current), ...Object.keys(base)]);
  paths.delete('name');
  return [...paths].filter((path) => current[path] !== base[path]);
}

/**
 * The values of a configuration as the form shows them: the schema fills what the
 * configuration leaves out (e.g. a run stored before a field existed). A configuration the
 * schema rejects is shown as it is, so its problems appear next to their fields.
 */
export function configFormValues(config: unknown): FormValues {
  const parsed = runConfigSchema.safeParse(config);
  return flattenConfig(parsed.success ? parsed.data : config);
}

/** The values of a preset from `PRESETS`, under a fresh name such as `cifar10-sbt-0612-1432`. */
export function presetFormValues(presetName: string, nowMs: number = Date.now()): FormValues | null {
  const preset = PRESETS[presetName];
  if (!preset) return null;
  return configFormValues({ ...preset.config, name: suggestRunName(presetName, nowMs) });
}

/** `values` without the fields under `prefix`, except those named in `keep`. */
function without(values: FormValues, prefix: string, keep: readonly string[] = []): FormValues {
  const next: FormValues = {};
  for (const [path, value] of Object.entries(values)) {
    if (!path.startsWith(prefix) || keep.includes(path)) next[path] = value;
  }
  return next;
}

/** Switches the loss: its parameters are replaced by the new variant's defaults. */
export function withLoss(values: FormValues, lossName: LossName): FormValues {
  return {
    ...without(values, 'loss.'),
    ...flattenConfig({ loss: LOSS_SCHEMAS[lossName].parse({ name: lossName }) }),
  };
}

/**
 * Switches the dataset source: the old variant's fields give way to the new variant's
 * defaults (an empty folder where one is needed). The training-image limit is about the run,
 * not the source, and stays.
 */
export function withDataset(values: FormValues, source: DatasetSource): FormValues {
  const shape = DATASET_SCHEMAS[source].shape;
  const kept = without(values, 'dataset.', 'trainLimit' in shape ? ['dataset.trainLimit'] : []);
  return { ...kept, ...flattenConfig({ dataset: { source, ...shapeDefaults(shape) } }) };
}

/**
 * The learning rate the optimizer starts from after warm-up: the base rate times
 * batch / 256 when `scaleByBatch` is on (solo-learn's linear scaling rule), else the base rate.
 * Undefined while the inputs it needs are not numbers.
 */
export function effectiveLearningRate(values: FormValues): number | undefined {
  const rate = values['optimizer.learningRate'];
  if (typeof rate !== 'number' || !Number.isFinite(rate)) return undefined;
  if (values['optimizer.scaleByBatch'] === false) return rate;
  const batchSize = values['training.batchSize'];
  if (typeof batchSize !== 'number' || !Number.isFinite(batchSize) || batchSize <= 0) return undefined;
  return (rate * batchSize) / REFERENCE_BATCH_SIZE;
}

const BOUNDS: [RegExp, string][] = [
  [/^Too small: expected number to be >=(.+)$/, 'Must be at least $1'],
  [/^Too small: expected number to be >(.+)$/, 'Must be greater than $1'],
  [/^Too big: expected number to be <=(.+)$/, 'Must be at most $1'],
  [/^Too big: expected number to be <(.+)$/, 'Must be less than $1'],
];

/** Friendlier wording for zod's generic messages on number inputs; custom messages pass through. */
export function humanizeMessage(message: string): string {
  if (/expected number, received (undefined|NaN)/.test(message)) return 'Enter a number';
  if (/expected int/.test(message)) return 'Enter a whole number';
  if (/expected string, received undefined/.test(message)) return 'Required';
  for (const [pattern, replacement] of BOUNDS) {
    if (pattern.test(message)) return message.replace(pattern, replacement);
  }
  return message;
}

export interface FormValidation {
  config: RunConfig | null;
  /** One message per dotted path. */
  fields: Record<string, string>;
}

/**
 * Checks the values with the shared `runConfigSchema`, exactly as the backend will. An emptied
 * number input whose field is not optional is an error too: the schema would quietly put its
 * default back, which is not what an empty box on screen says.
 */
export function validateFormValues(values: FormValues, fields: readonly ConfigField[] = []): FormValidation {
  const messages: Record<string, string> = {};
  for (const field of fields) {
    const isNumber = field.kind === 'integer' || field.kind === 'number';
    if (isNumber && !field.optional && values[field.path] === undefined)
      messages[field.path] = 'Enter a number';
  }
  const parsed = runConfigSchema.safeParse(unflattenValues(values));
  if (parsed.success)
    return Object.keys(messages).length > 0
      ? { config: null, fields: messages }
      : { config: parsed.data, fields: {} };
  for (const [path, message] of Object.entries(fieldMessages(parsed.error as z.ZodError)))
    messages[path] ??= humanizeMessage(message);
  return { config: null, fields: messages };
}
