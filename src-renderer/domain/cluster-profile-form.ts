/**
 * The Settings page's Slurm profile form as plain values, and their translation into
 * `SlurmProfileSettings`: the form types extra sbatch arguments one per line and numbers in number
 * inputs; the shared profile schema checks the result, and its messages land on the form's fields.
 */
import { CLUSTER_LIMITS, slurmProfileSchema } from '@shared/cluster/profile-schema';
import type { SlurmProfileSettings } from '@shared/cluster/types';
import { fieldMessages } from '@shared/validation';

export type ProfileField = keyof SlurmProfileSettings;

/** What the inputs hold: `extraArgs` as lines, a number input left empty as null. */
export type ProfileFormValues = Omit<
  SlurmProfileSettings,
  'extraArgs' | 'gpusPerJob' | 'cpusPerTask' | 'memoryGb' | 'stopGraceSeconds'
> & {
  extraArgs: string;
  gpusPerJob: number | null;
  cpusPerTask: number | null;
  memoryGb: number | null;
  stopGraceSeconds: number | null;
};

export interface ProfileFieldSpec {
  field: ProfileField;
  label: string;
  kind: 'text' | 'number' | 'lines' | 'checkbox';
  placeholder?: string;
  /** What the field becomes in the job script, or what the value must satisfy. */
  hint: string;
  min?: number;
  max?: number;
}

const NUMBER_RANGES = {
  gpusPerJob: [0, CLUSTER_LIMITS.maxGpus],
  cpusPerTask: [1, CLUSTER_LIMITS.maxCpus],
  memoryGb: [0, CLUSTER_LIMITS.maxMemoryGb],
  stopGraceSeconds: [5, 3600],
} as const satisfies Partial<Record<ProfileField, readonly [number, number]>>;

type NumberField = keyof typeof NUMBER_RANGES;
const isNumberField = (field: string): field is NumberField => field in NUMBER_RANGES;

/** The form's fields in groups, as the Settings page lays them out. */
export const PROFILE_SECTIONS: { title: string; fields: ProfileFieldSpec[] }[] = [
  {
    title: 'Slurm job',
    fields: [
      {
        field: 'name',
        label: 'Name',
        kind: 'text',
        placeholder: 'e.g. a100',
        hint: 'One word; the forms and `--placement NAME` use it.',
      },
      {
        field: 'partition',
        label: 'Partition',
        kind: 'text',
        placeholder: 'the default partition',
        hint: '`--partition`; empty for the cluster’s default (`sinfo -s` lists them).',
      },
      {
        field: 'account',
        label: 'Account',
        kind: 'text',
        placeholder: 'your default account',
        hint: '`--account`; empty for your default.',
      },
      {
        field: 'gpusPerJob',
        label: 'GPUs per job',
        kind: 'number',
        min: 0,
        max: CLUSTER_LIMITS.maxGpus,
        hint: '`--gres=gpu:N`; 0 asks for none (the run trains on CPU).',
      },
      {
        field: 'gpuType',
        label: 'GPU type',
        kind: 'text',
        placeholder: 'any',
        hint: 'In `--gres=gpu:TYPE:N`, e.g. a100; empty for any.',
      },
      {
        field: 'cpusPerTask',
        label: 'CPUs per task',
        kind: 'number',
        min: 1,
        max: CLUSTER_LIMITS.maxCpus,
        hint: '`--cpus-per-task`.',
      },
      {
        field: 'memoryGb',
        label: 'Memory (GB)',
        kind: 'number',
        min: 0,
        max: CLUSTER_LIMITS.maxMemoryGb,
        hint: '`--mem`; 0 for the partition’s default.',
      },
      {
        field: 'timeLimit',
        label: 'Time limit',
        kind: 'text',
        placeholder: 'the partition’s limit',
        hint: '`--time` as Slurm writes it: 90, 04:00:00 or 2-00:00:00.',
      },
      {
        field: 'extraArgs',
        label: 'More sbatch arguments',
        kind: 'lines',
        placeholder: '--qos=high\n--constraint=a100',
        hint: 'One option per line, passed as is (no shell quoting).',
      },
    ],
  },
  {
    title: 'On the nodes',
    fields: [
      {
        field: 'runFolder',
        label: 'Run folder',
        kind: 'text',
        placeholder: '/shared/decorbench/runs',
        hint: 'On shared storage, the same path here and on the nodes: each run’s folder (journal, checkpoints, Slurm’s output) goes in it.',
      },
      {
        field: 'nodeCommand',
        label: 'Node command',
        kind: 'text',
        placeholder: 'node',
        hint: 'How Node starts on the nodes: `node`, or a path such as /shared/node-20/bin/node.',
      },
      {
        field: 'cliPath',
        label: 'Decorbench CLI',
        kind: 'text',
        placeholder: 'this installation’s out/main/cli.js',
        hint: 'Decorbench’s built `cli.js` as the nodes see it; empty for this installation’s, which must then be on shared storage.',
      },
      {
        field: 'setup',
        label: 'Setup lines',
        kind: 'lines',
        placeholder: 'module load nodejs/20',
        hint: 'Shell lines run on the node before the worker.',
      },
    ],
  },
  {
    title: 'Stop and requeue',
    fields: [
      {
        field: 'requeue',
        label: 'Requeue after a time limit or preemption',
        kind: 'checkbox',
        hint: 'The job requeues itself and resumes from its last checkpoint.',
      },
      {
        field: 'stopGraceSeconds',
        label: 'Stop grace (s)',
        kind: 'number',
        min: 5,
        max: 3600,
        hint: 'After Stop, how long the worker has to write its checkpoint before `scancel`.',
      },
    ],
  },
];

export const PROFILE_FIELDS: readonly ProfileField[] = PROFILE_SECTIONS.flatMap((section) =>
  section.fields.map((spec) => spec.field),
);

/** The schema's defaults, with an empty name and run folder to fill in. */
export function defaultProfileForm(): ProfileFormValues {
  const { extraArgs, ...settings } = slurmProfileSchema.parse({ name: 'x', runFolder: '/x' });
  return { ...settings, name: '', runFolder: '', extraArgs: extraArgs.join('\n') };
}

/** A stored profile's settings, to edit. */
export function profileFormValues(settings: SlurmProfileSettings): ProfileFormValues {
  return { ...settings, extraArgs: settings.extraArgs.join('\n') };
}

/** Non-empty lines of the extra-arguments box, trimmed. */
export function extraArgLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** The field a schema path names: `settings.extraArgs.2` -> `extraArgs`; undefined for none of ours. */
export function profileFieldOf(path: string): ProfileField | undefined {
  const field = path.replace(/^settings\./u, '').split('.')[0] ?? '';
  return (PROFILE_FIELDS as readonly string[]).includes(field) ? (field as ProfileField) : undefined;
}

function numberMessage(field: NumberField): string {
  const [min, max] = NUMBER_RANGES[field];
  return `A whole number from ${min} to ${max}`;
}

/**
 * Checks the form with the shared schema: the settings to send, or a message per field. Numbers
 * get one plain message naming their range; an extra argument's message names its line.
 */
export function validateProfileForm(values: ProfileFormValues): {
  settings: SlurmProfileSettings | null;
  messages: Partial<Record<ProfileField, string>>;
} {
  const lines = extraArgLines(values.extraArgs);
  // An empty number input is null, and the schema would say "expected number, received null".
  const input = { ...values, extraArgs: lines };
  const parsed = slurmProfileSchema.safeParse(input);
  if (parsed.success) return { settings: parsed.data, messages: {} };
  const messages: Partial<Record<ProfileField, string>> = {};
  for (const [path, message] of Object.entries(fieldMessages(parsed.error))) {
    const field = profileFieldOf(path);
    if (!field || messages[field]) continue;
    if (isNumberField(field)) messages[field] = numberMessage(field);
    else if (field === 'extraArgs') {
      const index = Number(path.split('.')[1]);
      messages[field] = Number.isInteger(index) ? `${lines[index]}: ${message}` : message;
    } else messages[field] = message;
  }
  return { settings: null, messages };
}
