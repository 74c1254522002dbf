import { getFftPlan } from '../../fft/plan';
import { realForward, realInverse } from '../../fft/real';

/**
 * Summary vectors of pairs of groups and the penalty on them (spec sections 4-6, 11):
 * r_gh = norm_gh * circular cross-correlation (one inverse FFT of the pair's summed cross
 * spectrum), penalty = sum over pairs of weight_gh * sum_k phi_q(r_gh[k]), where lag 0 of a
 * diagonal block (g = h) is excluded.
 */
export interface PairWeights {
  groups: number;
  blockSize: number;
  bins: number;
  /** Per ordered pair g * G + h; 0 leaves the pair out of the loss. */
  weight: Float64Array;
  /** Per ordered pair: r = norm * sum_n sum_j X_g[n, j] Y_h[n, (j + k) mod b]. */
  norm: Float64Array;
}

export interface Summaries {
  /** r_gh[k] at (g G + h) b + k (zeros for pairs left out). */
  r: Float64Array;
  /** Per ordered pair g * G + h: weight_gh * sum_k phi_q(r_gh[k]) (0 for pairs left out). */
  contributions: Float64Array;
  /** The sum of the contributions. */
  penalty: number;
}

function phi(q: 1 | 2, value: number): number {
  return q === 1 ? Math.abs(value) : value * value;
}

/** phi_q'(x): sign(x) (sign(0) = 0, as torch) or 2x. */
function phiDerivative(q: 1 | 2, value: number): number {
  return q === 1 ? Math.sign(value) : 2 * value;
}

/** r and the penalty from the pair cross spectra R (see pairs.ts). */
export function evaluateSummaries(cross: Float64Array, weights: PairWeights, q: 1 | 2): Summaries {
  const { groups: G, blockSize: b, bins: F } = weights;
  const plan = getFftPlan(b);
  const r = new Float64Array(G * G * b);
  const contributions = new Float64Array(G * G);
  const half = new Float64Array(2 * F);
  const signal = new Float64Array(b);
  let penalty = 0;
  for (let g = 0; g < G; g++) {
    for (let h = 0; h < G; h++) {
      const pair = g * G + h;
      const weight = weights.weight[pair]!;
      if (weight === 0) continue;
      half.set(cross.subarray(2 * pair * F, 2 * (pair + 1) * F));
      realInverse(plan, half, signal);
      const norm = weights.norm[pair]!;
      let sum = 0;
      for (let k = 0; k < b; k++) {
        const value = signal[k]! * norm;
        r[pair * b + k] = value;
        if (k > 0 || g !== h) sum += phi(q, value);
      }
      contributions[pair] = weight * sum;
      penalty += weight * sum;
    }
  }
  return { r, contributions, penalty };
}

/**
 * W_f[g, h] = DFT(u_gh)[f] with u_gh[k] = factor * weight * norm * phi'(r_gh[k]) (0 at the
 * excluded lag), i.e. d(factor * penalty) / d(unnormalised correlation), laid out per bin
 * for the gradient stage.
 */
export function summaryGradientSpectra(
  summaries: Summaries,
  weights: PairWeights,
  q: 1 | 2,
  factor: number,
): Float64Array {
  const { groups: G, blockSize: b, bins: F } = weights;
  const plan = getFftPlan(b);
  const w = new Float64Array(2 * F * G * G);
  const u = new Float64Array(b);
  const half = new Float64Array(2 * F);
  for (let pair = 0; pair < G * G; pair++) {
    const weight = weights.weight[pair]!;
    if (weight === 0) continue;
    const scale = factor * weight * weights.norm[pair]!;
    for (let k = 0; k < b; k++) u[k] = scale * phiDerivative(q, summaries.r[pair * b + k]!);
    if (Math.floor(pair / G) === pair % G) u[0] = 0;
    realForward(plan, u, half);
    for (let f = 0; f < F; f++) {
      w[2 * (f * G * G + pair)] = half[2 * f]!;
      w[2 * (f * G * G + pair) + 1] = half[2 * f + 1]!;
    }
  }
  return w;
}
