/**
 * `bench loss --save`: the measured grid stored as a cost study (source `bench`), in the same
 * tables as the cost-study job's, so the Cost page draws and compares it like any other.
 */
import type { LossName } from '@shared/config/run-config';
import { costStudySettingsSchema } from '@shared/cost/settings-schema';
import type { CostPoint, CostStudySettings, CostStudySummary } from '@shared/cost/types';
import type { BackendSelection } from '../../compute/backend';
import { costEnvironment } from '../../compute/measure/environment';
import { devicePeakBytes } from '../../compute/measure/loss-point';
import { readAppVersion, resolveDatabasePath } from '../../paths';
import { RunStore } from '../../storage/store';
import { UsageError } from '../command';

/** What `bench loss` measured at one configuration (the fields the store keeps). */
export interface SavedLossResult {
  loss: LossName;
  n: number;
  d: number;
  b: number | null;
  medianMs: number | null;
  minMs: number | null;
  tfPeakBytes: number | null;
  gpuPeakBytes: number | null;
  timesMs?: number[];
  repetitions: number;
  skipped?: string;
}

/** The command line's grid as cost-study settings; a usage error for what a study cannot hold. */
export function benchSettings(
  options: Omit<CostStudySettings, 'name' | 'q' | 'step'> & {
    name: string | undefined;
    qs: (1 | 2)[] | null;
  },
): CostStudySettings {
  if (options.qs && options.qs.length > 1)
    throw new UsageError('--save stores one q per study: give --q 1 or --q 2');
  const parsed = costStudySettingsSchema.safeParse({
    name:
      options.name ?? `bench loss n=${options.n} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
    losses: options.losses,
    blockSizes: options.blockSizes,
    q: options.qs?.[0] ?? 2,
    permutation: options.permutation,
    n: options.n,
    dims: options.dims,
    backend: options.backend,
    repeats: options.repeats,
    warmup: options.warmup,
    step: null,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--save: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** A measured configuration as a cost point: a size known not to fit is out of memory. */
export function benchPoint(result: SavedLossResult): CostPoint {
  const base = { kind: 'loss' as const, loss: result.loss, blockSize: result.b, d: result.d, n: result.n };
  if (result.skipped || result.medianMs === null)
    return {
      ...base,
      status: 'oom',
      medianMs: null,
      minMs: null,
      maxMs: null,
      peakBytes: null,
      repeats: result.repetitions,
      message: result.skipped ?? null,
    };
  return {
    ...base,
    status: 'ok',
    medianMs: result.medianMs,
    minMs: result.minMs,
    maxMs: result.timesMs?.length ? Math.max(...result.timesMs) : null,
    peakBytes: devicePeakBytes({ gpuPeakBytes: result.gpuPeakBytes, tfPeakBytes: result.tfPeakBytes ?? 0 }),
    repeats: result.repetitions,
    message: null,
  };
}

/** Stores the results as a completed cost study of source `bench`. */
export function saveLossBench(
  databasePath: string | undefined,
  buildDir: string,
  settings: CostStudySettings,
  selection: BackendSelection,
  results: SavedLossResult[],
  startedAt: number,
): CostStudySummary {
  const store = RunStore.open(resolveDatabasePath(databasePath));
  try {
    const points = results.map(benchPoint);
    return store.cost.create(
      {
        name: settings.name,
        status: 'completed',
        source: 'bench',
        settings,
        environment: costEnvironment(selection, readAppVersion(buildDir)),
        progress: { done: points.length, total: points.length, current: null },
        createdAt: startedAt,
        startedAt,
        endedAt: Date.now(),
      },
      points,
    );
  } finally {
    store.close();
  }
}
