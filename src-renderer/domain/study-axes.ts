import { parseVaryArgument } from '@shared/study/grid';
import type { AxisValue, StudyAxis } from '@shared/study/types';
import type { ConfigField } from './run-config-field-types';

/**
 * The axes of the New-run form's Study section: which fields it offers, the loss methods a `loss`
 * axis picks from, and the drafts (what the reader typed) turned into the contract's `StudyAxis`.
 * Values are typed as the CLI's `--vary` types them (src-shared/study/grid.ts), so the same text
 * means the same grid in both.
 */

/** The field of an axis whose values replace the whole loss section (a method with its defaults). */
export const LOSS_SECTION = 'loss';

/** The fields the picker offers first; any other dotted path may be typed. */
export const COMMON_AXIS_FIELDS = [
  LOSS_SECTION,
  'loss.name',
  'loss.blockSize',
  'loss.permutation',
  'loss.q',
  'model.projectorOutputDim',
  'training.epochs',
  'training.batchSize',
  'optimizer.learningRate',
] as const;

export interface LossMethod {
  id: string;
  /** The paper's name, as the report's rows call the method. */
  label: string;
  value: { name: string; permutation?: 'none' };
}

/** The paper's methods, each a whole loss section with the schema's defaults (b = d for the relaxed ones). */
export const LOSS_METHODS: readonly LossMethod[] = [
  { id: 'bt', label: 'BT', value: { name: 'bt' } },
  { id: 'sbt', label: 'sBT', value: { name: 'fft-bt' } },
  { id: 'sbt-no-perm', label: 'sBT (no perm.)', value: { name: 'fft-bt', permutation: 'none' } },
  { id: 'vicreg', label: 'VICReg', value: { name: 'vicreg' } },
  { id: 'svicreg', label: 'sVICReg', value: { name: 'fft-vicreg' } },
  { id: 'svicreg-no-perm', label: 'sVICReg (no perm.)', value: { name: 'fft-vicreg', permutation: 'none' } },
];

/** One axis as the reader edits it. */
export interface AxisDraft {
  /** Stable identity for the list's keys. */
  key: number;
  field: string;
  /** Comma-separated values, or a JSON array (whole sections). */
  text: string;
  /** For a `loss` axis: the ticked methods (ids of LOSS_METHODS); null when its values are typed. */
  methods: string[] | null;
  /** Labels that came with a study preset, kept while `text` is still `labelsFor`. */
  labels?: string[];
  labelsFor?: string;
}

export type AxisParse = { axis: StudyAxis; error: null } | { axis: null; error: string };

const FIELD_PATTERN = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/u;

/**
 * The axis a draft describes, its values typed by the base configuration at that field (512 is a
 * number where the base has a number), or why it cannot be one yet. Checking every run is the
 * preview's job (the backend's grid); this only catches what cannot be sent.
 */
export function parseAxisDraft(draft: AxisDraft, base: unknown): AxisParse {
  const field = draft.field.trim();
  if (field === '') return { axis: null, error: 'Choose a field' };
  if (!FIELD_PATTERN.test(field)) return { axis: null, error: 'A field is a dotted path such as loss.name' };
  if (field === LOSS_SECTION && draft.methods !== null) {
    const methods = LOSS_METHODS.filter((method) => draft.methods!.includes(method.id));
    if (methods.length === 0) return { axis: null, error: 'Tick at least one loss' };
    return {
      axis: {
        field,
        values: methods.map((method) => ({ ...method.value })),
        labels: methods.map((method) => method.label),
      },
      error: null,
    };
  }
  const text = draft.text.trim();
  if (text === '') return { axis: null, error: 'Give at least one value' };
  try {
    const axis = parseVaryArgument(`${field}=${text}`, base);
    const labels = draft.labels && draft.labelsFor === draft.text ? draft.labels : undefined;
    return { axis: labels && labels.length === axis.values.length ? { ...axis, labels } : axis, error: null };
  } catch (error) {
    // The CLI's wording names its option and field (`--vary loss.q: ...`); the form shows it beside the field.
    const message = (error as Error).message;
    const prefix = [`--vary ${field}: `, `${field}: `].find((start) => message.startsWith(start));
    return { axis: null, error: prefix ? message.slice(prefix.length) : message };
  }
}

/** Every draft parsed, with a message by draft key; fields used twice are refused as the schema does. */
export function parseAxisDrafts(
  drafts: readonly AxisDraft[],
  base: unknown,
): { axes: StudyAxis[]; errors: Record<number, string> } {
  const axes: StudyAxis[] = [];
  const errors: Record<number, string> = {};
  const seen = new Set<string>();
  for (const draft of drafts) {
    const parsed = parseAxisDraft(draft, base);
    if (parsed.error !== null) errors[draft.key] = parsed.error;
    else if (seen.has(parsed.axis.field)) errors[draft.key] = 'This field is already an axis';
    else {
      seen.add(parsed.axis.field);
      axes.push(parsed.axis);
    }
  }
  return { axes, errors };
}

/** A value's JSON with its keys sorted, so `{name, permutation}` matches in any key order. */
function canonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
}

function methodOf(value: AxisValue): LossMethod | undefined {
  return LOSS_METHODS.find((method) => canonical(method.value) === canonical(value));
}

/**
 * Drafts for a study's axes (a study preset): a loss axis made of the paper's methods becomes
 * ticked methods; scalars become comma-separated text; other sections a JSON array. Their labels
 * stay with the text they came with.
 */
export function draftsFromAxes(axes: readonly StudyAxis[], firstKey = 1): AxisDraft[] {
  return axes.map((axis, index) => {
    const key = firstKey + index;
    const methods = axis.field === LOSS_SECTION ? axis.values.map(methodOf) : [];
    const presetLabels = axis.labels;
    if (axis.field === LOSS_SECTION && methods.every((method) => method !== undefined)) {
      const labelsMatch =
        !presetLabels || presetLabels.every((label, i) => label === (methods[i] as LossMethod).label);
      if (labelsMatch)
        return { key, field: axis.field, text: '', methods: methods.map((method) => method!.id) };
    }
    const scalars = axis.values.every((value) => typeof value !== 'object');
    // Sections one a line, so each method's hyperparameters can be read and edited.
    const text = scalars
      ? axis.values.map(String).join(', ')
      : `[\n${axis.values.map((value) => `  ${JSON.stringify(value)}`).join(',\n')}\n]`;
    return {
      key,
      field: axis.field,
      text,
      methods: null,
      ...(presetLabels ? { labels: [...presetLabels], labelsFor: text } : {}),
    };
  });
}

/** A fresh draft for `field`: a loss axis starts with the exact and relaxed Barlow Twins. */
export function newAxisDraft(key: number, field = ''): AxisDraft {
  return field === LOSS_SECTION
    ? { key, field, text: '', methods: ['bt', 'sbt'] }
    : { key, field, text: '', methods: null };
}

/** What to type for `field`: its choices, or an example of its kind. */
export function axisValueHint(field: string, configField: ConfigField | undefined): string {
  if (field === LOSS_SECTION) return 'Each ticked method replaces the loss section with its defaults.';
  if (field === 'loss.permutation') return 'batch, none (or on, off)';
  if (!configField) return 'Comma-separated values, or a JSON array';
  if (configField.options) return configField.options.map((option) => String(option.value)).join(', ');
  if (configField.kind === 'boolean') return 'true, false';
  if (configField.kind === 'integer') return 'Whole numbers, e.g. 512, 2048';
  if (configField.kind === 'number') return 'Numbers, e.g. 0.001, 0.003';
  return 'Comma-separated values';
}
