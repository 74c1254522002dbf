import { z } from 'zod';
import { BACKEND_NAMES, LOSS_NAMES } from '../config/run-config';
import { strictObject } from '../config/strict-object';
import { textField } from '../config/text-field';

export const COST_LIMITS = { maxDims: 16, maxD: 65536, maxN: 8192, maxRepeats: 50 } as const;

/** A cost study's settings (defaults: all four losses, b = d, n = 256, d = 512 .. 8192 doubling). */
export const costStudySettingsSchema = strictObject({
  name: textField({ max: 120, required: 'Give the cost study a name' }),
  losses: z.array(z.enum(LOSS_NAMES)).min(1).default(['bt', 'fft-bt', 'vicreg', 'fft-vicreg']),
  blockSizes: z
    .array(z.union([z.literal('d'), z.number().int().min(1).max(COST_LIMITS.maxD)]))
    .min(1)
    .max(4)
    .default(['d']),
  q: z.union([z.literal(1), z.literal(2)]).default(2),
  permutation: z.boolean().default(true),
  n: z.number().int().min(2).max(COST_LIMITS.maxN).default(256),
  dims: z
    .array(z.number().int().min(2).max(COST_LIMITS.maxD))
    .min(1)
    .max(COST_LIMITS.maxDims)
    .default([512, 1024, 2048, 4096, 8192]),
  backend: z.enum(BACKEND_NAMES).default('auto'),
  repeats: z.number().int().min(1).max(COST_LIMITS.maxRepeats).default(5),
  warmup: z.number().int().min(0).max(10).default(1),
  step: strictObject({ backbone: z.string().min(1).max(60) })
    .nullable()
    .default(null),
});
