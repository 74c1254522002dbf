import { describe, expect, it } from 'vitest';
import { lossConfigSchema } from '../../../../src-shared/config/run-config';
import { INSPECT_METRICS } from '../../../../src-shared/inspect';
import { snapshotMetrics } from '../../../../src-main/ml/inspect/metrics';
import { spectrum } from '../../../../src-main/ml/inspect/spectrum';
import { summaryView } from '../../../../src-main/ml/inspect/summaries';
import { randomSnapshot } from '../../../helpers/inspect-reference';

describe('inspector metrics of a snapshot', () => {
  const data = randomSnapshot(20, 18, 31, { featureDim: 10, permute: true, collapsed: 2 });

  it('BT family: the relaxed and exact off-diagonal terms of C, RankMe, collapsed features', async () => {
    const loss = lossConfigSchema.parse({ name: 'fft-bt', blockSize: 4, q: 1 });
    const metrics = await snapshotMetrics(data, loss);
    const view = await summaryView(data, loss);
    const spectra = await spectrum(data);
    expect(metrics).toEqual({
      [INSPECT_METRICS.offDiagonalExact]: view.exactPenalty,
      [INSPECT_METRICS.offDiagonalRelaxed]: view.relaxedPenalty,
      [INSPECT_METRICS.rankMeZ]: spectra.z.rankMe,
      [INSPECT_METRICS.rankMeBackbone]: spectra.backbone!.rankMe,
      [INSPECT_METRICS.collapsedFeatures]: 2,
    });
    expect(Object.keys(metrics).sort()).toEqual(Object.values(INSPECT_METRICS).sort());
  });

  it('VICReg family: both views summed, like covarianceZ1 + covarianceZ2; no backbone, no backbone RankMe', async () => {
    const loss = lossConfigSchema.parse({ name: 'fft-vicreg', blockSize: 5 });
    const bare = { ...data, h1: null, h2: null, featureDim: 0 };
    const metrics = await snapshotMetrics(bare, loss);
    const one = await summaryView(bare, loss, 'cov1');
    const two = await summaryView(bare, loss, 'cov2');
    expect(metrics[INSPECT_METRICS.offDiagonalRelaxed]).toBeCloseTo(
      one.relaxedPenalty + two.relaxedPenalty,
      12,
    );
    expect(metrics[INSPECT_METRICS.offDiagonalExact]).toBeCloseTo(one.exactPenalty + two.exactPenalty, 12);
    expect(metrics).not.toHaveProperty(INSPECT_METRICS.rankMeBackbone);
  });
});
