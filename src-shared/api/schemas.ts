import { z } from 'zod';
import { runConfigSchema } from '../config/run-config';
import { RUN_STATUSES } from '../runs';
import type { CallChannel } from './channels';

const runId = z.number().int().positive();

/** Input schema of every call; everything arriving from a renderer or over HTTP is parsed with these. */
export const callInputSchemas = {
  'runs:list': z
    .object({
      status: z.array(z.enum(RUN_STATUSES)).optional(),
      limit: z.number().int().min(1).max(10000).default(500),
    })
    .prefault({}),
  'runs:get': z.object({ runId }),
  'runs:create': z.object({
    config: z.unknown(),
    /** Queue the run right away. */
    start: z.boolean().default(false),
  }),
  'runs:start': z.object({ runId }),
  'runs:stop': z.object({ runId }),
  'runs:resume': z.object({ runId }),
  'runs:delete': z.object({ runId }),
  'runs:logs': z.object({
    runId,
    afterId: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(10000).default(1000),
  }),
  'evaluations:list': z.object({ runId }),
  'evaluations:start': z.object({
    runId,
    kind: z.enum(['linear', 'knn']),
    /** The checkpoint to evaluate; the newest good one by default. */
    checkpointStep: z.number().int().min(0).optional(),
    settings: z
      .object({
        epochs: z.number().int().min(1).max(1000).optional(),
        batchSize: z.number().int().min(2).max(8192).optional(),
        learningRate: z.number().positive().max(100).optional(),
        momentum: z.number().min(0).max(0.999).optional(),
        weightDecay: z.number().min(0).max(1).optional(),
      })
      .prefault({}),
  }),
  'metrics:names': z.object({ runId }),
  'metrics:series': z.object({
    runId,
    names: z.array(z.string().min(1).max(200)).min(1).max(50),
    /** Only points with step > afterStep (incremental fetches). */
    afterStep: z.number().int().default(-1),
  }),
  'system:info': z.object({}).prefault({}),
} satisfies Record<CallChannel, z.ZodType>;

/** The run configuration is validated separately so its issues map to form fields. */
export { runConfigSchema };
