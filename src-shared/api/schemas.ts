import { z } from 'zod';
import { runConfigSchema } from '../config/run-config';
import { strictObject } from '../config/strict-object';
import { RUN_STATUSES } from '../runs';
import type { CallChannel } from './channels';

const runId = z.number().int().positive();

/**
 * Input schema of every call; everything arriving from a renderer or over HTTP is parsed with these.
 * Strict, as the run configuration: an unknown (or `__proto__`) field is refused, not dropped.
 */
export const callInputSchemas = {
  'runs:list': strictObject({
    status: z.array(z.enum(RUN_STATUSES)).optional(),
    limit: z.number().int().min(1).max(10000).default(500),
  }).prefault({}),
  'runs:get': strictObject({ runId }),
  'runs:create': strictObject({
    config: z.unknown(),
    /** Queue the run right away. */
    start: z.boolean().default(false),
  }),
  'runs:start': strictObject({ runId }),
  'runs:stop': strictObject({ runId }),
  'runs:resume': strictObject({ runId }),
  'runs:delete': strictObject({ runId }),
  'runs:logs': strictObject({
    runId,
    afterId: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(10000).default(1000),
  }),
  'evaluations:list': strictObject({ runId }),
  'evaluations:start': strictObject({
    runId,
    kind: z.enum(['linear', 'knn']),
    /** The checkpoint to evaluate; the newest good one by default. */
    checkpointStep: z.number().int().min(0).optional(),
    settings: strictObject({
      epochs: z.number().int().min(1).max(1000).optional(),
      batchSize: z.number().int().min(2).max(8192).optional(),
      learningRate: z.number().positive().max(100).optional(),
      momentum: z.number().min(0).max(0.999).optional(),
      weightDecay: z.number().min(0).max(1).optional(),
    }).prefault({}),
  }),
  'metrics:names': strictObject({ runId }),
  'metrics:series': strictObject({
    runId,
    names: z.array(z.string().min(1).max(200)).min(1).max(50),
    /** Only points with step > afterStep (incremental fetches). */
    afterStep: z.number().int().default(-1),
  }),
  'system:info': strictObject({}).prefault({}),
} satisfies Record<CallChannel, z.ZodType>;

/** The run configuration is validated separately so its issues map to form fields. */
export { runConfigSchema };
