import type { z } from 'zod';
import {
  LOSS_NAMES,
  runConfigSchema,
  type LossName,
  type RunConfig,
  type RunConfigInput,
} from '@shared/config/run-config';
import { fieldMessages } from '@shared/validation';
import { LOSS_SCHEMAS, type ConfigField } from './run-config-fields';

/** The form keeps one flat value per dotted path; empty optional inputs are `undefined`. */
export type FormValue = string | number | undefined;
export type FormValues = Record<string, FormValue>;

/** A quick run on the embedded data: about 30 steps, done in seconds on a CPU. */
export const QUICK_RUN: Omit<RunConfigInput, 'name'> = {
  dataset: { source: 'embedded', trainLimit: 2048 },
  training: { epochs: 2, batchSize: 128 },
};

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
    else if (typeof child === 'string' || typeof child === 'number') values[path] = child;
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

/** A default name such as `bt-0612-1432`, so repeated quick runs stay apart in the list. */
export function suggestRunName(lossName: string, nowMs: number = Date.now()): string {
  const date = new Date(nowMs);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${lossName}-${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}`;
}

/** Form values of a quick run with every schema default filled in. */
export function defaultFormValues(nowMs: number = Date.now()): FormValues {
  return flattenConfig(runConfigSchema.parse({ ...QUICK_RUN, name: suggestRunName('bt', nowMs) }));
}

export function isLossName(value: unknown): value is LossName {
  return (LOSS_NAMES as readonly unknown[]).includes(value);
}

/** Switches the loss: its parameters are replaced by the new variant's defaults. */
export function withLoss(values: FormValues, lossName: LossName): FormValues {
  const next: FormValues = {};
  for (const [path, value] of Object.entries(values)) {
    if (!path.startsWith('loss.')) next[path] = value;
  }
  return { ...next, ...flattenConfig({ loss: LOSS_SCHEMAS[lossName].parse({ name: lossName }) }) };
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
 * input whose field is not optional is an error too: the schema would quietly put its default
 * back, which is not what an empty box on screen says.
 */
export function validateFormValues(values: FormValues, fields: readonly ConfigField[] = []): FormValidation {
  const messages: Record<string, string> = {};
  for (const field of fields) {
    if (!field.optional && field.kind !== 'text' && values[field.path] === undefined)
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
