import { costCrossovers, fitCostCurves } from '@shared/cost/fit';
import type { CostStudyDetail, CostStudySummary } from '@shared/cost/types';
import type { RunStore } from '../../storage/store';

/** A study with its points, the fitted slope of each curve and where the relaxed losses cross the exact ones. */
export function costStudyDetail(store: RunStore, summary: CostStudySummary): CostStudyDetail {
  const points = store.cost.points(summary.id);
  const { blockSizes } = summary.settings;
  return {
    ...summary,
    points,
    fits: fitCostCurves(points, blockSizes),
    crossovers: costCrossovers(points, blockSizes),
  };
}
