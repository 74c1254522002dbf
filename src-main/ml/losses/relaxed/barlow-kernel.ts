import { createBlockSpectra, isSimdEnabled } from './block-spectra';
import { simdRelaxedKernel } from './simd-kernel';
import { inversePermutation, permuteVector, scatterRow, viewStats } from './columns';
import type { HostLossResult } from './host-op';
import { acquireBuffer } from './workspace';
import { groupLayout } from './layout';
import { evaluateSummaries, summaryGradientSpectra, type PairWeights } from './summaries';

export interface RelaxedBarlowParams {
  lambda: number;
  scale: number;
  q: 1 | 2;
  blockSize: number;
  permutation: Int32Array | null;
}

/** BatchNorm1d(affine=False) epsilon, inside the square root of the biased variance. */
const BN_EPS = 1e-5;

/**
 * sBT on host arrays (spec section 4): L = s (sum_j (c_j - 1)^2 + lambda * off), where off sums
 * phi_q over the wrapped-diagonal summaries of the G x G blocks of the permuted
 * cross-correlation, computed from per-group spectra; gradients per spec section 11.
 * Passes over the [N, d] data: statistics, transform, inverse transform, batch-norm backward.
 */
export function relaxedBarlowKernel(
  z1: Float32Array,
  z2: Float32Array,
  rows: number,
  d: number,
  params: RelaxedBarlowParams,
): HostLossResult {
  const { lambda, scale, q, permutation } = params;
  if (params.blockSize === d && isSimdEnabled()) {
    const fast = simdRelaxedKernel(z1, z2, rows, d, { kind: 'bt', lambda, scale, q, permutation });
    if (fast) return fast;
  }
  const layout = groupLayout(d, params.blockSize);
  const G = layout.groups;
  const stats = viewStats(z1, z2, rows, d);
  const stats1 = stats.z1;
  const stats2 = stats.z2;
  const mean1 = stats1.mean;
  const mean2 = stats2.mean;
  const invStd1 = inverseStd(stats1.sumSquares, rows);
  const invStd2 = inverseStd(stats2.sumSquares, rows);
  // the transforms see permuted columns (new j = old permutation[j]); c is kept in that order
  const mean1P = permuteVector(mean1, permutation);
  const mean2P = permuteVector(mean2, permutation);
  const invStd1P = permuteVector(invStd1, permutation);
  const invStd2P = permuteVector(invStd2, permutation);
  const c = new Float64Array(d);
  const spectra = createBlockSpectra(rows, layout, 'cross');
  spectra.transformRows((n, target, uAt, vAt, stride) => {
    const row = n * d;
    for (let j = 0; j < d; j++) {
      const column = permutation ? row + permutation[j]! : row + j;
      const a1 = (z1[column]! - mean1P[j]!) * invStd1P[j]!;
      const a2 = (z2[column]! - mean2P[j]!) * invStd2P[j]!;
      target[uAt + j * stride] = a1;
      target[vAt + j * stride] = a2;
      c[j]! += a1 * a2;
    }
  });
  let onDiagonal = 0;
  for (let j = 0; j < d; j++) {
    c[j]! /= rows;
    onDiagonal += (c[j]! - 1) ** 2;
  }
  const weights: PairWeights = {
    groups: G,
    blockSize: layout.blockSize,
    bins: layout.bins,
    weight: new Float64Array(G * G).fill(1),
    norm: new Float64Array(G * G).fill(1 / rows),
  };
  const [cross] = spectra.pairSpectra();
  const summaries = evaluateSummaries(cross!, weights, q);
  const offDiagonal = summaries.penalty;
  return {
    loss: scale * (onDiagonal + lambda * offDiagonal),
    terms: { onDiagonal, offDiagonal },
    summaries: { weights, views: [summaries] },
    backward(dy) {
      const w = summaryGradientSpectra(summaries, weights, q, scale * lambda);
      // diagonal term: dL/dA1[n, j] += 2 s (c_j - 1) A2[n, j] / N (and symmetrically), original order
      const diagonal = permuteVector(c, inversePermutation(permutation)).map(
        (value) => (2 * scale * (value - 1)) / rows,
      );
      const g1 = acquireBuffer(rows * d);
      const g2 = acquireBuffer(rows * d);
      const sum1 = new Float64Array(d);
      const sum2 = new Float64Array(d);
      const product1 = new Float64Array(d);
      const product2 = new Float64Array(d);
      spectra.inverseRows([w], (n, data, uAt, vAt, stride, uScale, vScale) => {
        const row = n * d;
        scatterRow(data, uAt, vAt, stride, uScale, vScale, g1, g2, row, d, permutation);
        for (let j = 0; j < d; j++) {
          const a1 = (z1[row + j]! - mean1[j]!) * invStd1[j]!;
          const a2 = (z2[row + j]! - mean2[j]!) * invStd2[j]!;
          const da1 = g1[row + j]! + diagonal[j]! * a2;
          const da2 = g2[row + j]! + diagonal[j]! * a1;
          g1[row + j] = da1;
          g2[row + j] = da2;
          sum1[j]! += da1;
          sum2[j]! += da2;
          product1[j]! += da1 * a1;
          product2[j]! += da2 * a2;
        }
      });
      batchNormBackward(g1, z1, mean1, invStd1, sum1, product1, rows, d, dy);
      batchNormBackward(g2, z2, mean2, invStd2, sum2, product2, rows, d, dy);
      return { g1, g2, transient: false };
    },
  };
}

function inverseStd(sumSquares: Float64Array, rows: number): Float64Array {
  const out = new Float64Array(sumSquares.length);
  for (let j = 0; j < out.length; j++) out[j] = 1 / Math.sqrt(sumSquares[j]! / rows + BN_EPS);
  return out;
}

/**
 * In place dA -> dZ for A = (Z - mean) / sigma with the biased variance, given the column sums
 * of dA and dA * A: dZ = (dA - mean_n dA - A mean_n(dA A)) / sigma, times dy.
 */
function batchNormBackward(
  grad: Float32Array,
  z: Float32Array,
  mean: Float64Array,
  invStd: Float64Array,
  sum: Float64Array,
  sumProduct: Float64Array,
  rows: number,
  d: number,
  dy: number,
): void {
  const shift = new Float64Array(d);
  const slope = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    shift[j] = sum[j]! / rows;
    slope[j] = (sumProduct[j]! / rows) * invStd[j]!;
  }
  for (let n = 0; n < rows; n++) {
    const row = n * d;
    for (let j = 0; j < d; j++) {
      const a = z[row + j]! - mean[j]!;
      grad[row + j] = dy * (grad[row + j]! - shift[j]! - a * slope[j]!) * invStd[j]!;
    }
  }
}
