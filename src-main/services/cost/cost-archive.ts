/**
 * A cost study as a file (`cost export` / `cost import`), so curves measured on another machine or
 * backend can be laid over this one's. The file is checked before anything is written: a study
 * from a newer or foreign file is refused with the reason.
 */
import { z } from 'zod';
import { LOSS_NAMES } from '@shared/config/run-config';
import { costStudySettingsSchema } from '@shared/cost/settings-schema';
import type { CostPoint, CostStudyArchive, CostStudySummary } from '@shared/cost/types';
import { COST_STUDY_STATUSES } from '@shared/cost/types';
import { AppFailure } from '@shared/errors';
import type { RunStore } from '../../storage/store';

const nullableNumber = z.number().finite().nullable();

const pointSchema = z.object({
  kind: z.enum(['loss', 'step']),
  loss: z.enum(LOSS_NAMES),
  blockSize: z.number().int().positive().nullable(),
  d: z.number().int().positive(),
  n: z.number().int().positive(),
  status: z.enum(['ok', 'oom', 'error', 'skipped']),
  medianMs: nullableNumber,
  minMs: nullableNumber,
  maxMs: nullableNumber,
  peakBytes: nullableNumber,
  repeats: z.number().int().nonnegative(),
  message: z.string().nullable(),
});

const environmentSchema = z.object({
  hostname: z.string(),
  platform: z.string(),
  cpuModel: z.string(),
  cpuCount: z.number(),
  memoryBytes: z.number(),
  backend: z.string(),
  device: z.string().nullable(),
  // The WebGPU adapter's description, kept as the exporting machine wrote it.
  adapter: z.record(z.string(), z.unknown()).nullable(),
  appVersion: z.string(),
});

const archiveSchema = z.object({
  format: z.literal('decorbench-cost-study'),
  version: z.literal(1),
  study: z.object({
    name: z.string().min(1),
    status: z.enum(COST_STUDY_STATUSES),
    createdAt: z.number(),
    startedAt: z.number().nullable(),
    endedAt: z.number().nullable(),
    settings: costStudySettingsSchema,
    environment: environmentSchema.nullable(),
    progress: z.object({ done: z.number(), total: z.number(), current: z.string().nullable() }),
    error: z.string().nullable(),
  }),
  points: z.array(pointSchema),
});

export function costStudyArchive(store: RunStore, costStudyId: number): CostStudyArchive {
  const summary = store.cost.summary(costStudyId);
  if (!summary) throw new AppFailure('not-found', `Cost study ${costStudyId} does not exist`);
  const { id: _id, source: _source, ...study } = summary;
  return {
    format: 'decorbench-cost-study',
    version: 1,
    study: { ...study, progress: { ...study.progress, current: null } },
    points: store.cost.points(costStudyId),
  };
}

/**
 * Stores an exported study as a new one of source `import`. A study exported while it still ran
 * is imported as `stopped`: no worker will finish it here.
 */
export function importCostStudy(store: RunStore, input: unknown): CostStudySummary {
  const parsed = archiveSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppFailure(
      'invalid-input',
      `Not a Decorbench cost-study export (${issue.path.join('.') || 'file'}: ${issue.message})`,
    );
  }
  const { study, points } = parsed.data;
  const unfinished = study.status === 'queued' || study.status === 'running';
  return store.cost.create(
    {
      ...study,
      status: unfinished ? 'stopped' : study.status,
      source: 'import',
      environment: study.environment as CostStudyArchive['study']['environment'],
    },
    points as CostPoint[],
  );
}
