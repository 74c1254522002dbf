import { z } from 'zod';
import { linearSettingsSchema } from '../config/linear-settings';
import { strictObject } from '../config/strict-object';
import { textField } from '../config/text-field';

/** Limits of a study's grid: a study is a planned set of runs, not a random search. */
export const STUDY_LIMITS = {
  maxAxes: 6,
  maxValuesPerAxis: 32,
  maxSeeds: 20,
  /** Runs a study may create (axes' values multiplied, times seeds). */
  maxRuns: 256,
} as const;

const axisScalar = z.union([z.string().min(1).max(200), z.number().finite(), z.boolean()]);
const axisValue = z.union([axisScalar, z.record(z.string(), z.unknown())]);

export const studyAxisSchema = strictObject({
  field: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/u, 'A field is a dotted path such as loss.name'),
  values: z.array(axisValue).min(1, 'Give the axis at least one value').max(STUDY_LIMITS.maxValuesPerAxis),
  labels: z.array(z.string().min(1).max(80)).optional(),
}).refine((axis) => !axis.labels || axis.labels.length === axis.values.length, {
  message: 'Give one label per value',
  path: ['labels'],
});

export const studyEvaluationPlanSchema = strictObject({
  linear: z.boolean().default(false),
  knnSweep: z.boolean().default(false),
  linearSettings: linearSettingsSchema,
}).prefault({});

/**
 * A study as a user asks for it. The base configuration is checked run by run after the grid is
 * expanded (src-shared/study/grid.ts), so each run's issues can be named.
 */
export const studySpecSchema = strictObject({
  name: textField({ max: 120, required: 'Give the study a name' }),
  description: z.string().max(2000).default(''),
  base: z.record(z.string(), z.unknown()),
  axes: z
    .array(studyAxisSchema)
    .max(STUDY_LIMITS.maxAxes)
    .default([])
    .refine(
      (axes) => new Set(axes.map((axis) => axis.field)).size === axes.length,
      'Each field can be an axis only once',
    ),
  seeds: z.number().int().min(1).max(STUDY_LIMITS.maxSeeds).default(1),
  seedStart: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1 - STUDY_LIMITS.maxSeeds)
    .default(0),
  evaluation: studyEvaluationPlanSchema,
});
