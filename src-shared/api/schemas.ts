import { z } from 'zod';
import { linearSettingsSchema } from '../config/linear-settings';
import { runConfigSchema } from '../config/run-config';
import { strictObject } from '../config/strict-object';
import { textField } from '../config/text-field';
import { COMPARE_LIMITS, RUN_SORT_FIELDS, X_AXES } from '../compare';
import { INSPECT_LIMITS, MATRIX_ORDERS, MATRIX_VIEWS, OVERVIEW_REDUCTIONS } from '../inspect';
import { RUN_STATUSES } from '../runs';
import { costStudySettingsSchema } from '../cost/settings-schema';
import { slurmProfileSchema } from '../cluster/profile-schema';
import { studySpecSchema } from '../study/spec-schema';
import type { CallChannel } from './channels';

const runId = z.number().int().positive();
const studyId = z.number().int().positive();
const costStudyId = z.number().int().positive();
/** Where new runs train: null for this machine, else a cluster profile's id (issue 15). */
const profileId = z.number().int().positive().nullable().optional();
const runIds = z.array(runId).min(1).max(COMPARE_LIMITS.maxRuns);
const metricName = z.string().min(1).max(200);
const snapshotId = z.number().int().positive();
const featureRange = z
  .tuple([z.number().int().min(0), z.number().int().min(1)])
  .refine(([start, end]) => start < end, 'A range is [start, end) with start < end');
const blockIndex = z.number().int().min(0).max(INSPECT_LIMITS.maxDimension);
const tag = z
  .string()
  .trim()
  .min(1, 'A tag cannot be empty')
  .max(COMPARE_LIMITS.maxTagLength)
  .regex(/^[^\s,]+$/u, 'A tag is one word (no spaces or commas)');

/** The state of a comparison, as its URL and saved comparisons keep it. */
export const compareStateSchema = strictObject({
  runIds,
  metrics: z.array(metricName).max(COMPARE_LIMITS.maxMetrics).default([]),
  xAxis: z.enum(X_AXES).default('step'),
  smoothing: z.number().min(0).max(0.99).default(0),
  logY: z.boolean().default(false),
  ignoreOutliers: z.boolean().default(false),
  groupBy: z.array(z.string().min(1).max(200)).max(8).default([]),
  band: z.enum(['minmax', 'std', 'ci95']).default('minmax'),
});

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
    profileId,
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
  'runs:query': strictObject({
    filter: z.string().max(200).optional(),
    status: z.array(z.enum(RUN_STATUSES)).optional(),
    tags: z.array(tag).max(COMPARE_LIMITS.maxTags).optional(),
    sort: z.enum(RUN_SORT_FIELDS).default('id'),
    direction: z.enum(['asc', 'desc']).default('desc'),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(2000).default(100),
  }).prefault({}),
  'runs:update': strictObject({
    runId,
    name: textField({ max: 120, required: 'Give the run a name' }).optional(),
    tags: z.array(tag).max(COMPARE_LIMITS.maxTags).optional(),
    notes: z
      .string()
      .max(COMPARE_LIMITS.maxNotesLength)
      .refine((value) => !/\p{Cs}/u.test(value), 'Contains an incomplete (lone surrogate) character')
      .optional(),
  }),
  'compare:rows': strictObject({ runIds }),
  'comparisons:list': strictObject({}).prefault({}),
  'comparisons:save': strictObject({
    /** Overwrites the comparison of this id; a new one without it. */
    id: z.number().int().positive().optional(),
    name: textField({ max: 120, required: 'Give the comparison a name' }),
    state: compareStateSchema,
  }),
  'comparisons:delete': strictObject({ id: z.number().int().positive() }),
  'evaluations:list': strictObject({ runId }),
  'evaluations:start': strictObject({
    runId,
    kind: z.enum(['linear', 'knn']),
    /** The checkpoint to evaluate; the newest good one by default. */
    checkpointStep: z.number().int().min(0).optional(),
    settings: linearSettingsSchema,
  }),
  'metrics:names': strictObject({ runId }),
  'metrics:series': strictObject({
    runId,
    names: z.array(z.string().min(1).max(200)).min(1).max(50),
    /** Only points with step > afterStep (incremental fetches). */
    afterStep: z.number().int().default(-1),
  }),
  'metrics:range': strictObject({
    runIds,
    names: z.array(metricName).min(1).max(COMPARE_LIMITS.maxMetrics),
    /** The visible range (inclusive); the whole run by default. */
    fromStep: z.number().int().min(0).optional(),
    toStep: z.number().int().min(0).optional(),
    /** About this many points per series (the chart's width in pixels, or a few thousand). */
    points: z.number().int().min(10).max(COMPARE_LIMITS.maxPoints).default(2000),
  }),
  'inspect:snapshots': strictObject({ runId }),
  'inspect:matrix': strictObject({
    snapshotId,
    view: z.enum(MATRIX_VIEWS).default('cross'),
    order: z.enum(MATRIX_ORDERS).default('original'),
    reduce: z.enum(OVERVIEW_REDUCTIONS).default('extreme'),
    maskDiagonal: z.boolean().default(false),
    /** The rectangle to show (the whole matrix by default); checked against d by the service. */
    region: strictObject({ rows: featureRange, cols: featureRange }).optional(),
    /** At most this many cells per side. */
    maxCells: z.number().int().min(1).max(INSPECT_LIMITS.maxCells).default(INSPECT_LIMITS.maxCells),
    /** Show this snapshot minus that one (same d), in this snapshot's order. */
    minusSnapshotId: snapshotId.optional(),
  }),
  /** `view`: for the VICReg family, which view's covariance (cov1 or cov2); ignored for BT. */
  'inspect:summary': strictObject({ snapshotId, view: z.enum(['cov1', 'cov2']).default('cov1') }),
  'inspect:pair': strictObject({
    snapshotId,
    g: blockIndex,
    h: blockIndex,
    view: z.enum(['cov1', 'cov2']).default('cov1'),
  }),
  'inspect:spectrum': strictObject({ snapshotId }),
  'inspect:capture': strictObject({
    runId,
    /** The checkpoint to inspect; the newest good one by default. */
    checkpointStep: z.number().int().min(0).optional(),
  }),
  'inspect:jobs': strictObject({ runId }),
  'studies:list': strictObject({}).prefault({}),
  'studies:get': strictObject({ studyId }),
  'studies:presets': strictObject({}).prefault({}),
  /** Expands and validates the grid; writes nothing. */
  'studies:preview': strictObject({ spec: studySpecSchema }),
  'studies:create': strictObject({
    spec: studySpecSchema,
    /** Queue its runs right away. */
    start: z.boolean().default(false),
    /** On a cluster profile, the study's runs go to Slurm as one job array. */
    profileId,
  }),
  /** Queues the runs that have not started (`created`). */
  'studies:start': strictObject({ studyId }),
  /** Stops every queued or running run of the study (each saves a stop checkpoint). */
  'studies:stop': strictObject({ studyId }),
  /** Resumes stopped and interrupted runs from their last good checkpoint, and queues created ones. */
  'studies:resume': strictObject({ studyId }),
  /** Starts the failed runs again (from their checkpoint when they have a good one). */
  'studies:retry': strictObject({ studyId }),
  /** Deletes the study with its runs (active ones are stopped first). */
  'studies:delete': strictObject({ studyId }),
  'studies:report': strictObject({ studyId }),
  'cost:list': strictObject({}).prefault({}),
  'cost:get': strictObject({ costStudyId }),
  'cost:start': strictObject({ settings: costStudySettingsSchema }),
  'cost:stop': strictObject({ costStudyId }),
  'cost:delete': strictObject({ costStudyId }),
  'cluster:profiles': strictObject({}).prefault({}),
  /** Adds a profile, or replaces the settings of profile `id` (runs already placed keep theirs). */
  'cluster:profile-save': strictObject({
    id: z.number().int().positive().optional(),
    settings: slurmProfileSchema,
  }),
  /** Refused while one of its runs has a job in Slurm's queue. */
  'cluster:profile-remove': strictObject({ id: z.number().int().positive() }),
  /** Checks a profile before use: Slurm's commands answer, the partition exists, the run folder is writable. */
  'cluster:check': strictObject({ settings: slurmProfileSchema }),
  'cluster:jobs': strictObject({
    runId: runId.optional(),
    limit: z.number().int().min(1).max(5000).default(500),
  }).prefault({}),
  'system:info': strictObject({}).prefault({}),
} satisfies Record<CallChannel, z.ZodType>;

/** The run configuration is validated separately so its issues map to form fields. */
export { runConfigSchema };
