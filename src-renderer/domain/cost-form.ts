/**
 * The New cost study form as plain values, and their translation into `CostStudySettings`: the
 * form speaks in a d range (from / to, doubling) or a typed list, the schema in a list of d. The
 * shared settings schema checks the result, and its messages land on the form's fields.
 */
import type { BackboneName, BackendChoice, LossName } from '@shared/config/run-config';
import { COST_LIMITS, costStudySettingsSchema } from '@shared/cost/settings-schema';
import type { CostStudySettings } from '@shared/cost/types';
import { fieldMessages } from '@shared/validation';

export type CostFormField =
  | 'name'
  | 'losses'
  | 'dims'
  | 'n'
  | 'blockSizes'
  | 'q'
  | 'permutation'
  | 'backend'
  | 'repeats'
  | 'warmup'
  | 'step';

export interface CostFormValues {
  name: string;
  losses: LossName[];
  dimsMode: 'range' | 'list';
  dimFrom: number | null;
  dimTo: number | null;
  /** Typed d values, separated by commas or spaces. */
  dimList: string;
  n: number | null;
  /** Measure the relaxed losses with one block (b = d). */
  blockD: boolean;
  /** Fixed block sizes, typed as a list. */
  blockList: string;
  q: 1 | 2;
  permutation: boolean;
  backend: BackendChoice;
  repeats: number | null;
  warmup: number | null;
  timeStep: boolean;
  backbone: BackboneName;
}

/** The losses as the form and the charts list them: each exact loss, then its relaxed one. */
export const COST_LOSS_ORDER: readonly LossName[] = ['bt', 'fft-bt', 'vicreg', 'fft-vicreg'];

/** The schema's defaults: all four losses, b = d, n = 256, d = 512 … 8192 doubling. */
export function defaultCostForm(): CostFormValues {
  return {
    name: '',
    losses: ['bt', 'fft-bt', 'vicreg', 'fft-vicreg'],
    dimsMode: 'range',
    dimFrom: 512,
    dimTo: 8192,
    dimList: '512, 1024, 2048, 4096, 8192',
    n: 256,
    blockD: true,
    blockList: '',
    q: 2,
    permutation: true,
    backend: 'auto',
    repeats: 5,
    warmup: 1,
    timeStep: false,
    backbone: 'mlp',
  };
}

/** from, 2·from, 4·from, … up to `to` (inclusive); at most a few more than the limit, so it can be refused. */
export function doublingDims(from: number, to: number): number[] {
  const dims: number[] = [];
  for (let d = from; d <= to && dims.length <= COST_LIMITS.maxDims; d *= 2) dims.push(d);
  return dims;
}

/** "512, 1024 2048" -> numbers; a word that is not a whole number is an error naming it. */
export function parseNumberList(text: string): { values: number[]; error: string | null } {
  const words = text.split(/[\s,;]+/u).filter((word) => word.length > 0);
  const bad = words.find((word) => !/^\d+$/u.test(word));
  if (bad !== undefined) return { values: [], error: `“${bad}” is not a whole number` };
  return { values: words.map(Number), error: null };
}

export interface CostFormResult {
  /** Valid settings, ready for `cost:start`; null while any field has a message. */
  settings: CostStudySettings | null;
  /** One message per form field. */
  messages: Partial<Record<CostFormField, string>>;
  /** The d values the form stands for (also when invalid), for the preview line. */
  dims: number[];
}

const FIELDS: readonly CostFormField[] = [
  'name',
  'losses',
  'dims',
  'n',
  'blockSizes',
  'q',
  'permutation',
  'backend',
  'repeats',
  'warmup',
  'step',
];

/** A schema issue's path (`dims.3`, `step.backbone`) as the form field that shows it. */
export function formFieldOf(path: string): CostFormField | null {
  const head = path.split('.')[0] as CostFormField;
  return FIELDS.includes(head) ? head : null;
}

/** Checks the form with the shared schema; messages of the form's own parsing come first. */
export function validateCostForm(values: CostFormValues): CostFormResult {
  const messages: Partial<Record<CostFormField, string>> = {};
  let dims: number[] = [];
  if (values.dimsMode === 'range') {
    if (values.dimFrom === null || values.dimTo === null) messages.dims = 'Give the first and the last d';
    else if (values.dimFrom > values.dimTo) messages.dims = 'The first d is larger than the last';
    else if (values.dimFrom < 1) messages.dims = 'd starts at 2 or more';
    else dims = doublingDims(values.dimFrom, values.dimTo);
  } else {
    const parsed = parseNumberList(values.dimList);
    if (parsed.error) messages.dims = parsed.error;
    dims = [...new Set(parsed.values)].sort((a, b) => a - b);
  }
  const fixed = parseNumberList(values.blockList);
  if (fixed.error) messages.blockSizes = fixed.error;
  const relaxed = values.losses.some((loss) => loss.startsWith('fft-'));
  const chosen: CostStudySettings['blockSizes'] = [
    ...(values.blockD ? (['d'] as const) : []),
    ...new Set(fixed.values),
  ];
  // The exact losses have no blocks: with none of the relaxed ones the choice is moot.
  const blockSizes = chosen.length === 0 && !relaxed ? ['d' as const] : chosen;
  const input = {
    name: values.name,
    // Each relaxed loss beside its exact one, whatever order they were ticked in.
    losses: COST_LOSS_ORDER.filter((loss) => values.losses.includes(loss)),
    blockSizes,
    q: values.q,
    permutation: values.permutation,
    n: values.n,
    dims,
    backend: values.backend,
    repeats: values.repeats,
    warmup: values.warmup,
    step: values.timeStep ? { backbone: values.backbone } : null,
  };
  const parsed = costStudySettingsSchema.safeParse(input);
  if (!parsed.success) {
    for (const [path, message] of Object.entries(fieldMessages(parsed.error))) {
      const field = formFieldOf(path) ?? 'name';
      messages[field] ??= readable(path, message);
    }
  }
  if (values.losses.length === 0) messages.losses = 'Pick at least one loss';
  if (blockSizes.length === 0) messages.blockSizes = 'Pick b = d or give block sizes';
  const ok = parsed.success && Object.keys(messages).length === 0;
  return { settings: ok ? parsed.data : null, messages, dims };
}

/** zod's messages in the form's words where the bare one would not say what the limit means. */
function readable(path: string, message: string): string {
  const item = /\.\d+$/u.test(path);
  if (/received null/iu.test(message)) return 'Required';
  if (path === 'dims' && /too big/iu.test(message)) return `At most ${COST_LIMITS.maxDims} values of d`;
  if (path === 'dims' && /too small/iu.test(message)) return 'Give at least one d';
  if (path.startsWith('dims') && item && /too big/iu.test(message)) return `d is at most ${COST_LIMITS.maxD}`;
  if (path.startsWith('dims') && item && /too small/iu.test(message)) return 'd is 2 or more';
  if (path === 'blockSizes' && /too big/iu.test(message)) return 'At most 4 block sizes';
  if (path.startsWith('blockSizes') && item) return `A block size is between 1 and ${COST_LIMITS.maxD}`;
  return message;
}

/** A list of the study's shape for the form's preview: "4 losses × 5 d = 20 points". */
export function costPointCount(
  settings: Pick<CostStudySettings, 'losses' | 'blockSizes' | 'dims' | 'step'>,
): number {
  const relaxed = settings.losses.filter((loss) => loss.startsWith('fft-')).length;
  const exact = settings.losses.length - relaxed;
  const curves = exact + relaxed * settings.blockSizes.length;
  return curves * settings.dims.length * (settings.step ? 2 : 1);
}
