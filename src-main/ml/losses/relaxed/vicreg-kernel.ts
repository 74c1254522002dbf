import { createBlockSpectra, isSimdEnabled } from './block-spectra';
import { simdRelaxedKernel } from './simd-kernel';
import { permuteVector, scatterRow, viewStats } from './columns';
import type { HostLossResult } from './host-op';
import { acquireBuffer } from './workspace';
import { groupWidth, groupLayout, type GroupLayout } from './layout';
import { evaluateSummaries, summaryGradientSpectra, type PairWeights } from './summaries';

export interface RelaxedVicregParams {
  simWeight: number;
  varWeight: number;
  covWeight: number;
  scale: number;
  q: 1 | 2;
  blockSize: number;
  permutation: Int32Array | null;
}

/** epsilon inside the square root of the unbiased variance (solo-learn `variance_loss`). */
const VARIANCE_EPS = 1e-4;

/**
 * sVICReg on host arrays (spec section 5): s * (w_s inv + w_v (V(Z1) + V(Z2)) + w_c (Cov~(Z1) +
 * Cov~(Z2))), where Cov~ averages phi_q of the width-normalised wrapped-diagonal summaries
 * of the blocks of each view's own covariance; gradients per spec section 11.
 */
export function relaxedVicregKernel(
  z1: Float32Array,
  z2: Float32Array,
  rows: number,
  d: number,
  params: RelaxedVicregParams,
): HostLossResult {
  const { simWeight, varWeight, covWeight, scale, q, permutation } = params;
  if (params.blockSize === d && isSimdEnabled()) {
    const fast = simdRelaxedKernel(z1, z2, rows, d, {
      kind: 'vicreg',
      simWeight,
      varWeight,
      covWeight,
      scale,
      q,
      permutation,
    });
    if (fast) return fast;
  }
  const layout = groupLayout(d, params.blockSize);
  const stats = viewStats(z1, z2, rows, d);
  const stats1 = stats.z1;
  const stats2 = stats.z2;
  const invariance = stats.squaredDifference / (rows * d);
  const mean1 = stats1.mean;
  const mean2 = stats2.mean;
  const std1 = unbiasedStd(stats1.sumSquares, rows);
  const std2 = unbiasedStd(stats2.sumSquares, rows);
  const varianceZ1 = hinge(std1);
  const varianceZ2 = hinge(std2);
  const mean1P = permuteVector(mean1, permutation);
  const mean2P = permuteVector(mean2, permutation);
  const spectra = createBlockSpectra(rows, layout, 'auto');
  spectra.transformRows((n, target, uAt, vAt, stride) => {
    const row = n * d;
    for (let j = 0; j < d; j++) {
      const column = permutation ? row + permutation[j]! : row + j;
      target[uAt + j * stride] = z1[column]! - mean1P[j]!;
      target[vAt + j * stride] = z2[column]! - mean2P[j]!;
    }
  });
  const weights = vicregPairWeights(layout, rows);
  const [cross1, cross2] = spectra.pairSpectra();
  const summaries1 = evaluateSummaries(cross1!, weights, q);
  const summaries2 = evaluateSummaries(cross2!, weights, q);
  const covarianceZ1 = summaries1.penalty;
  const covarianceZ2 = summaries2.penalty;
  return {
    loss:
      scale *
      (simWeight * invariance +
        varWeight * (varianceZ1 + varianceZ2) +
        covWeight * (covarianceZ1 + covarianceZ2)),
    terms: { invariance, varianceZ1, varianceZ2, covarianceZ1, covarianceZ2 },
    summaries: { weights, views: [summaries1, summaries2] },
    backward(dy) {
      const w1 = summaryGradientSpectra(summaries1, weights, q, scale * covWeight);
      const w2 = summaryGradientSpectra(summaries2, weights, q, scale * covWeight);
      // variance hinge: dL/dZc[n, j] = -s w_v [std_j < 1] Zc[n, j] / (d (N - 1) std_j)
      const hinge1 = hingeSlope(std1, (-scale * varWeight) / (d * (rows - 1)));
      const hinge2 = hingeSlope(std2, (-scale * varWeight) / (d * (rows - 1)));
      const g1 = acquireBuffer(rows * d);
      const g2 = acquireBuffer(rows * d);
      const sum1 = new Float64Array(d);
      const sum2 = new Float64Array(d);
      spectra.inverseRows([w1, w2], (n, data, uAt, vAt, stride, uScale, vScale) => {
        const row = n * d;
        scatterRow(data, uAt, vAt, stride, uScale, vScale, g1, g2, row, d, permutation);
        for (let j = 0; j < d; j++) {
          const dc1 = g1[row + j]! + hinge1[j]! * (z1[row + j]! - mean1[j]!);
          const dc2 = g2[row + j]! + hinge2[j]! * (z2[row + j]! - mean2[j]!);
          g1[row + j] = dc1;
          g2[row + j] = dc2;
          sum1[j]! += dc1;
          sum2[j]! += dc2;
        }
      });
      // centring backward (dZ = dZc - mean_n dZc), plus the invariance term on the raw views
      const invarianceFactor = (2 * scale * simWeight) / (rows * d);
      for (let j = 0; j < d; j++) {
        sum1[j]! /= rows;
        sum2[j]! /= rows;
      }
      for (let n = 0; n < rows; n++) {
        const row = n * d;
        for (let j = 0; j < d; j++) {
          const difference = invarianceFactor * (z1[row + j]! - z2[row + j]!);
          g1[row + j] = dy * (g1[row + j]! - sum1[j]! + difference);
          g2[row + j] = dy * (g2[row + j]! - sum2[j]! - difference);
        }
      }
      return { g1, g2, transient: false };
    },
  };
}

/**
 * Pair weights of Cov~ (spec section 5): diagonal blocks averaged over G, upper off-diagonal
 * blocks averaged over P = G (G - 1) / 2 and doubled; r normalised by 1 / (N - 1) and by the
 * width beta_gh (b, or the unpadded last width when g or h is the last group).
 */
export function vicregPairWeights(layout: GroupLayout, rows: number): PairWeights {
  const G = layout.groups;
  const weight = new Float64Array(G * G);
  const norm = new Float64Array(G * G);
  const pairs = (G * (G - 1)) / 2;
  for (let g = 0; g < G; g++) {
    for (let h = g; h < G; h++) {
      weight[g * G + h] = g === h ? 1 / G : 2 / pairs;
      const beta = Math.min(groupWidth(layout, g), groupWidth(layout, h));
      norm[g * G + h] = 1 / ((rows - 1) * beta);
    }
  }
  return { groups: G, blockSize: layout.blockSize, bins: layout.bins, weight, norm };
}

function unbiasedStd(sumSquares: Float64Array, rows: number): Float64Array {
  const out = new Float64Array(sumSquares.length);
  for (let j = 0; j < out.length; j++) out[j] = Math.sqrt(sumSquares[j]! / (rows - 1) + VARIANCE_EPS);
  return out;
}

/** V(Z) = mean_j max(0, 1 - std_j). */
function hinge(std: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < std.length; j++) sum += Math.max(0, 1 - std[j]!);
  return sum / std.length;
}

function hingeSlope(std: Float64Array, factor: number): Float64Array {
  const out = new Float64Array(std.length);
  for (let j = 0; j < std.length; j++) out[j] = std[j]! < 1 ? factor / std[j]! : 0;
  return out;
}
