/**
 * The Slurm profile as the Settings form, `cluster profile add` and `cluster:profile-save` give it:
 * strict (a misspelled field is refused, not dropped), every value checked before anything is
 * submitted, so a typo is a message in the form rather than a job Slurm refuses later.
 */
import { z } from 'zod';
import { strictObject } from '../config/strict-object';
import { textField } from '../config/text-field';
import type { SlurmProfileSettings } from './types';

/** Slurm's `--time` forms: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
const TIME_LIMIT = /^(\d+|\d+:\d{2}|\d+:\d{2}:\d{2}|\d+-\d+|\d+-\d+:\d{2}|\d+-\d+:\d{2}:\d{2})$/u;
/** Slurm's names (partition, account, GPU type): letters, digits, `_`, `-`, `.`. */
const SLURM_NAME = /^[\w.-]*$/u;

export const CLUSTER_LIMITS = { maxGpus: 64, maxCpus: 1024, maxMemoryGb: 16384, maxExtraArgs: 32 } as const;

export const slurmProfileSchema = strictObject({
  name: textField({ max: 60, required: 'Give the profile a name' })
    .regex(
      /^[A-Za-z0-9][\w.-]*$/u,
      'One word: letters, digits, _, - and . (it is what --placement NAME takes)',
    )
    // `--placement local` means this machine: a profile of that name could never be chosen.
    .refine(
      (name) => name.toLowerCase() !== 'local',
      '"local" means this machine (--placement local); choose another name',
    ),
  partition: z
    .string()
    .trim()
    .max(100)
    .regex(SLURM_NAME, 'A partition name has no spaces or quotes')
    .default(''),
  gpusPerJob: z.number().int().min(0).max(CLUSTER_LIMITS.maxGpus).default(0),
  gpuType: z.string().trim().max(60).regex(SLURM_NAME, 'A GPU type has no spaces or quotes').default(''),
  cpusPerTask: z.number().int().min(1).max(CLUSTER_LIMITS.maxCpus).default(4),
  memoryGb: z.number().int().min(0).max(CLUSTER_LIMITS.maxMemoryGb).default(0),
  timeLimit: z
    .string()
    .trim()
    .regex(
      new RegExp(`^$|${TIME_LIMIT.source}`, 'u'),
      'A time limit as Slurm writes it: 90, 04:00:00 or 2-00:00:00',
    )
    .default(''),
  account: z
    .string()
    .trim()
    .max(100)
    .regex(SLURM_NAME, 'An account name has no spaces or quotes')
    .default(''),
  extraArgs: z
    .array(
      z
        .string()
        .trim()
        .min(1, 'An empty sbatch argument')
        .max(200)
        .regex(/^-/u, 'Each extra argument is an sbatch option, e.g. --qos=high')
        .refine((value) => !/\p{Cc}/u.test(value), 'Contains a control character'),
    )
    .max(CLUSTER_LIMITS.maxExtraArgs)
    .default([]),
  setup: z
    .string()
    .max(4000)
    .refine((value) => !/[\0\r]/u.test(value), 'Contains a NUL or carriage return')
    .default(''),
  nodeCommand: textField({ max: 500, required: 'Say how Node starts on the nodes, e.g. node' }).default(
    'node',
  ),
  cliPath: z
    .string()
    .trim()
    .max(1000)
    .refine((value) => value === '' || value.startsWith('/'), 'An absolute path, as the nodes see it')
    .default(''),
  runFolder: textField({ max: 1000, required: 'Name the shared folder for run folders' }).refine(
    (value) => value.startsWith('/'),
    'An absolute path on shared storage, the same on this machine and the nodes',
  ),
  requeue: z.boolean().default(true),
  stopGraceSeconds: z.number().int().min(5).max(3600).default(120),
}) satisfies z.ZodType<SlurmProfileSettings, unknown>;

export type SlurmProfileInput = z.input<typeof slurmProfileSchema>;
