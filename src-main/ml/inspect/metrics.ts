import type { LossConfig } from '@shared/config/run-config';
import { INSPECT_METRICS } from '@shared/inspect';
import type { SnapshotData } from './snapshot-data';
import { spectrum } from './spectrum';
import { exactPenalty } from './penalties';
import { lossSummaries, relaxationOf } from './summaries';

/**
 * The inspector's metric series at one snapshot, by INSPECT_METRICS name: the loss's
 * off-diagonal term exactly (b = 1) and relaxed (the run's b, q and the snapshot's
 * permutation), summed over both views for the VICReg family like covarianceZ1 +
 * covarianceZ2; RankMe of Z1 and of H1 (left out without backbone features); collapsed
 * features of Z1.
 */
export async function snapshotMetrics(
  data: SnapshotData,
  loss: LossConfig,
  signal?: AbortSignal,
): Promise<Record<string, number>> {
  const relaxation = relaxationOf(data, loss);
  const summaries = lossSummaries(data, relaxation);
  const relaxed = summaries.views.reduce((sum, view) => sum + view.penalty, 0);
  const views = relaxation.family === 'bt' ? (['cross'] as const) : (['cov1', 'cov2'] as const);
  let exact = 0;
  for (const view of views) exact += await exactPenalty(data, relaxation.family, view, relaxation.q, signal);
  const spectra = await spectrum(data);
  const metrics: Record<string, number> = {
    [INSPECT_METRICS.offDiagonalExact]: exact,
    [INSPECT_METRICS.offDiagonalRelaxed]: relaxed,
    [INSPECT_METRICS.rankMeZ]: spectra.z.rankMe,
    [INSPECT_METRICS.collapsedFeatures]: spectra.z.collapsed,
  };
  if (spectra.backbone) metrics[INSPECT_METRICS.rankMeBackbone] = spectra.backbone.rankMe;
  return metrics;
}
