import { COLLAPSED_STD_FRACTION } from '@shared/inspect';
import { viewStats } from '../losses/relaxed/columns';
import { eigenvaluesOfEach, startEigenThreads } from './eigen-pool';
import { symmetricGram } from './gram';
import type { SnapshotData } from './snapshot-data';

/**
 * The spectrum panel of a snapshot: eigenvalues of the covariance of Z1 and of the backbone
 * features H1, RankMe of each, and the per-feature standard deviations. Every matrix is the
 * smaller of the two Grams (n x n through the samples when n < width, width x width through
 * the features otherwise: the nonzero eigenvalues agree), formed by the inspector's kernel
 * and solved in float64.
 */

export interface SpectrumResult {
  /** Eigenvalues of the covariance Xc^T Xc / (n - 1), largest first, min(n, width) of them. */
  eigenvalues: Float64Array;
  /** RankMe of the uncentred matrix (Garrido et al., ICML 2023). */
  rankMe: number;
  /** Unbiased per-feature standard deviations over log-spaced bins (edges: bins + 1). */
  stdHistogram: { edges: number[]; counts: number[] };
  /** Features whose std is below COLLAPSED_STD_FRACTION of the RMS of all stds. */
  collapsed: number;
  width: number;
}

export interface SnapshotSpectrum {
  z: SpectrumResult;
  backbone: SpectrumResult | null;
}

/** The constant Garrido et al. add to the normalised singular values before the entropy. */
export const RANKME_EPS = 1e-7;

/** Bins of the standard deviation histogram. */
export const STD_HISTOGRAM_BINS = 32;

/**
 * RankMe = exp(-sum_k p_k log p_k), p_k = sigma_k / sum sigma + 1e-7 (their code's epsilon
 * placement): k equal singular values give k, one nonzero value gives ~1.
 */
export function rankMe(singularValues: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < singularValues.length; k++) total += Math.max(0, singularValues[k]!);
  if (!(total > 0)) return 0;
  let entropy = 0;
  for (let k = 0; k < singularValues.length; k++) {
    const p = Math.max(0, singularValues[k]!) / total + RANKME_EPS;
    entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}

/**
 * The smaller Gram of the centred x (n x width row-major, column means `mean`), unscaled, as
 * a symmetric float64 matrix of side min(n, width); `throughSamples` when that side is n.
 */
export async function centredGram(
  x: Float32Array,
  n: number,
  width: number,
  mean: Float64Array,
): Promise<{ side: number; gram: Float64Array; throughSamples: boolean }> {
  const throughSamples = n < width;
  const side = throughSamples ? n : width;
  const length = throughSamples ? width : n;
  const factor = new Float32Array(side * length);
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < width; j++) {
      const value = x[s * width + j]! - mean[j]!;
      factor[throughSamples ? s * width + j : j * n + s] = value;
    }
  }
  const gram = await symmetricGram({ rows: side, n: length, data: factor });
  return { side, gram, throughSamples };
}

/**
 * The uncentred Gram from the centred one, exactly, in float64 (X = Xc + 1 m^T):
 * through the samples X X^T = Xc Xc^T + a 1^T + 1 a^T + |m|^2 1 1^T with a = Xc m;
 * through the features X^T X = Xc^T Xc + n m m^T. One kernel pass serves both the
 * covariance and RankMe, and the large mean terms never meet float32 rounding.
 */
export function uncentredGram(
  centred: { side: number; gram: Float64Array; throughSamples: boolean },
  x: Float32Array,
  n: number,
  width: number,
  mean: Float64Array,
): Float64Array {
  const { side, gram, throughSamples } = centred;
  const out = new Float64Array(side * side);
  if (throughSamples) {
    const a = new Float64Array(n);
    let squares = 0;
    for (let j = 0; j < width; j++) squares += mean[j]! * mean[j]!;
    for (let s = 0; s < n; s++) {
      let sum = 0;
      for (let j = 0; j < width; j++) sum += (x[s * width + j]! - mean[j]!) * mean[j]!;
      a[s] = sum;
    }
    for (let s = 0; s < n; s++)
      for (let t = 0; t < n; t++) out[s * n + t] = gram[s * n + t]! + a[s]! + a[t]! + squares;
  } else {
    for (let i = 0; i < width; i++)
      for (let j = 0; j < width; j++) out[i * width + j] = gram[i * width + j]! + n * mean[i]! * mean[j]!;
  }
  return out;
}

/** Log-spaced histogram of positive values; values below the first edge count in the first bin. */
export function stdHistogram(stds: Float64Array, rms: number): { edges: number[]; counts: number[] } {
  if (!(rms > 0)) return { edges: [0, 1], counts: [stds.length] };
  let low = Infinity;
  let high = 0;
  for (const value of stds) {
    if (value > 0 && value < low) low = value;
    if (value > high) high = value;
  }
  low = Math.max(low, rms * 1e-6);
  if (high <= low) high = low * 2;
  const bins = STD_HISTOGRAM_BINS;
  const logLow = Math.log(low);
  const step = (Math.log(high) - logLow) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, k) => Math.exp(logLow + k * step));
  edges[0] = low;
  edges[bins] = high;
  const counts = new Array<number>(bins).fill(0);
  for (const value of stds) {
    const bin = value <= low ? 0 : Math.floor((Math.log(value) - logLow) / step);
    counts[Math.min(bins - 1, Math.max(0, bin))]!++;
  }
  return { edges, counts };
}

/** The two eigenvalue problems of one n x width matrix, and its standard deviations. */
async function prepare(x: Float32Array, n: number, width: number) {
  if (n < 2) throw new Error('inspector: the spectrum needs at least 2 probe images');
  const { mean, sumSquares } = viewStats(x, x, n, width).z1;
  const centred = await centredGram(x, n, width, mean);
  const plain = uncentredGram(centred, x, n, width, mean);
  const covariance = centred.gram.map((value) => value / (n - 1));
  return {
    problems: [
      { matrix: covariance, side: centred.side },
      { matrix: plain, side: centred.side },
    ],
    stds: sumSquares.map((value) => Math.sqrt(value / (n - 1))),
    width,
  };
}

function finish(
  stds: Float64Array,
  width: number,
  eigenvalues: Float64Array,
  plainEigenvalues: Float64Array,
): SpectrumResult {
  const singular = plainEigenvalues.map((value) => Math.sqrt(Math.max(0, value)));
  let squares = 0;
  for (const value of stds) squares += value * value;
  const rms = Math.sqrt(squares / width);
  let collapsed = 0;
  for (const value of stds) if (value < COLLAPSED_STD_FRACTION * rms) collapsed++;
  return {
    eigenvalues,
    rankMe: rankMe(singular),
    stdHistogram: stdHistogram(stds, rms),
    collapsed,
    width,
  };
}

/** Spectrum, RankMe and standard deviations of one n x width matrix. */
export async function spectrumOf(x: Float32Array, n: number, width: number): Promise<SpectrumResult> {
  const part = await prepare(x, n, width);
  const [eigenvalues, plain] = await eigenvaluesOfEach(part.problems);
  return finish(part.stds, width, eigenvalues!, plain!);
}

/** Spectra already computed per snapshot (the metrics derivation and the panel both need one). */
const computed = new WeakMap<SnapshotData, SnapshotSpectrum>();

/** The snapshot's spectrum, computed once (callers only read it). */
export async function spectrum(data: SnapshotData): Promise<SnapshotSpectrum> {
  const known = computed.get(data);
  if (known) return known;
  const result = await computeSpectrum(data);
  computed.set(data, result);
  return result;
}

/** Both parts' four eigenvalue problems are solved together, on both cores. */
async function computeSpectrum(data: SnapshotData): Promise<SnapshotSpectrum> {
  // the threads start up while the Grams are formed
  startEigenThreads(Math.min(data.n, data.d));
  const z = await prepare(data.z1, data.n, data.d);
  const h = data.h1 && data.featureDim > 0 ? await prepare(data.h1, data.n, data.featureDim) : null;
  const solved = await eigenvaluesOfEach([...z.problems, ...(h ? h.problems : [])]);
  return {
    z: finish(z.stds, z.width, solved[0]!, solved[1]!),
    backbone: h ? finish(h.stds, h.width, solved[2]!, solved[3]!) : null,
  };
}
