import { z } from 'zod';
import { strictObject } from './strict-object';

/**
 * The linear probe's settings a user may give, for one evaluation (evaluations:start) or for every run
 * of a study's evaluation plan; each one left out takes the run's default (defaultEvaluationSettings).
 */
export const linearSettingsSchema = strictObject({
  epochs: z.number().int().min(1).max(1000).optional(),
  batchSize: z.number().int().min(2).max(8192).optional(),
  learningRate: z.number().positive().max(100).optional(),
  momentum: z.number().min(0).max(0.999).optional(),
  weightDecay: z.number().min(0).max(1).optional(),
}).prefault({});
