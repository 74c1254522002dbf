import type { LossConfig } from '@shared/config/run-config';
import type { MatrixRegion, MatrixView } from '@shared/inspect';
import { relaxedBarlowKernel } from '../losses/relaxed/barlow-kernel';
import { groupLayout } from '../losses/relaxed/layout';
import type { PairWeights, Summaries } from '../losses/relaxed/summaries';
import { relaxedVicregKernel } from '../losses/relaxed/vicreg-kernel';
import { exactPenalty, type LossFamily } from './penalties';
import type { SnapshotData } from './snapshot-data';

/**
 * What the relaxed loss sees at a snapshot (spec sections 4-6): the summary vectors r_gh of
 * the run's b and q under the snapshot's permutation, produced by the loss's own kernels
 * (relaxed/barlow-kernel.ts, relaxed/vicreg-kernel.ts), so they are the loss's numbers, not
 * a re-derivation; and the same off-diagonal term with b = 1 (no relaxation) from the exact
 * matrix. For the exact losses the summaries use b = d, q = 2 and no permutation.
 */

export { exactPenalty, type LossFamily };

export interface Relaxation {
  family: LossFamily;
  blockSize: number;
  groups: number;
  q: 1 | 2;
  /** The snapshot's permutation when the loss permutes and the snapshot holds one. */
  permutation: Int32Array | null;
}

export function lossFamily(loss: LossConfig): LossFamily {
  return loss.name === 'bt' || loss.name === 'fft-bt' ? 'bt' : 'vicreg';
}

export function relaxationOf(data: SnapshotData, loss: LossConfig): Relaxation {
  const family = lossFamily(loss);
  const { d } = data;
  if (loss.name === 'bt' || loss.name === 'vicreg')
    return { family, blockSize: d, groups: 1, q: 2, permutation: null };
  const blockSize = loss.blockSize ?? d;
  if (blockSize < 1 || blockSize > d)
    throw new Error(`inspector: block size ${blockSize} is not in [1, d = ${d}]`);
  const permutation = loss.permutation === 'batch' ? data.permutation : null;
  return { family, blockSize, groups: Math.ceil(d / blockSize), q: loss.q, permutation };
}

/** The summaries of r_gh over all pairs: G^2 b float64 values; beyond this the loss itself is impractical. */
const MAX_SUMMARY_VALUES = 1 << 25;

interface LossSummaries {
  weights: PairWeights;
  /** BT: [C]; VICReg: [K of view 1, K of view 2]. */
  views: Summaries[];
}

const cache = new WeakMap<SnapshotData, Map<string, LossSummaries>>();

/** The loss kernel's forward pass on the snapshot; only its summaries are kept. */
export function lossSummaries(data: SnapshotData, relaxation: Relaxation): LossSummaries {
  const { family, blockSize, q, permutation, groups } = relaxation;
  const key = `${family}:${blockSize}:${q}:${permutation ? 'p' : '-'}`;
  let entries = cache.get(data);
  if (!entries) cache.set(data, (entries = new Map()));
  const cached = entries.get(key);
  if (cached) return cached;
  if (groups * groups * blockSize > MAX_SUMMARY_VALUES)
    throw new Error(`inspector: b = ${blockSize} gives ${groups} x ${groups} block pairs, too many to show`);
  const { z1, z2, n, d } = data;
  // weights 1 and scale 1: the summaries and their penalty do not depend on them
  const result =
    family === 'bt'
      ? relaxedBarlowKernel(z1, z2, n, d, { lambda: 1, scale: 1, q, blockSize, permutation })
      : relaxedVicregKernel(z1, z2, n, d, {
          simWeight: 1,
          varWeight: 1,
          covWeight: 1,
          scale: 1,
          q,
          blockSize,
          permutation,
        });
  if (!result.summaries) throw new Error('inspector: the loss kernel returned no summaries');
  entries.set(key, result.summaries);
  return result.summaries;
}

/** Which summaries a view selects: C for the BT family, K of view 1 or 2 for VICReg. */
function viewIndex(family: LossFamily, view: MatrixView): number {
  if (family === 'bt') {
    if (view !== 'cross') throw new Error(`inspector: the BT-family summaries are of 'cross', not '${view}'`);
    return 0;
  }
  if (view === 'cov1') return 0;
  if (view === 'cov2') return 1;
  throw new Error(`inspector: the VICReg-family summaries are of 'cov1' or 'cov2', not '${view}'`);
}

export function defaultSummaryView(loss: LossConfig): MatrixView {
  return lossFamily(loss) === 'bt' ? 'cross' : 'cov1';
}

export interface SummaryViewResult {
  family: LossFamily;
  view: MatrixView;
  blockSize: number;
  groups: number;
  q: 1 | 2;
  permuted: boolean;
  /** G x G row-major: weight_gh * sum_k phi_q(r_gh[k]) (0 for pairs the loss leaves out). */
  contributions: Float32Array;
  relaxedPenalty: number;
  exactPenalty: number;
  /** r_gh[k] at (g G + h) b + k, as the loss weights them (zeros for pairs left out). */
  raw: Float64Array;
}

export async function summaryView(
  data: SnapshotData,
  loss: LossConfig,
  view: MatrixView = defaultSummaryView(loss),
  signal?: AbortSignal,
): Promise<SummaryViewResult> {
  const relaxation = relaxationOf(data, loss);
  const index = viewIndex(relaxation.family, view);
  const summaries = lossSummaries(data, relaxation).views[index]!;
  return {
    family: relaxation.family,
    view,
    blockSize: relaxation.blockSize,
    groups: relaxation.groups,
    q: relaxation.q,
    permuted: relaxation.permutation !== null,
    contributions: Float32Array.from(summaries.contributions),
    relaxedPenalty: summaries.penalty,
    exactPenalty: await exactPenalty(data, relaxation.family, view, relaxation.q, signal),
    raw: summaries.r,
  };
}

export interface SummaryPairResult {
  /** r_gh[k], k = 0..b-1, as the loss weights them. */
  r: Float32Array;
  /** Lag 0 is left out of the penalty (diagonal blocks). */
  lagZeroExcluded: boolean;
  /** The block in the permuted order, clipped to d. */
  region: MatrixRegion;
  blockSize: number;
}

/**
 * One block pair's summary vector. The VICReg family computes only pairs g <= h (K is
 * symmetric); for g > h this returns r_gh[k] = r_hg[(b - k) mod b], the same wrapped
 * diagonals read from the other side, so the vector matches the block shown.
 */
export function summaryPair(
  data: SnapshotData,
  loss: LossConfig,
  g: number,
  h: number,
  view: MatrixView = defaultSummaryView(loss),
): SummaryPairResult {
  const relaxation = relaxationOf(data, loss);
  const { groups: G, blockSize: b } = relaxation;
  for (const index of [g, h])
    if (!Number.isInteger(index) || index < 0 || index >= G)
      throw new Error(`inspector: block ${index} is not in [0, ${G})`);
  const summaries = lossSummaries(data, relaxation).views[viewIndex(relaxation.family, view)]!;
  const r = new Float32Array(b);
  if (relaxation.family === 'vicreg' && g > h) {
    const source = (h * G + g) * b;
    for (let k = 0; k < b; k++) r[k] = summaries.r[source + ((b - k) % b)]!;
  } else {
    const source = (g * G + h) * b;
    for (let k = 0; k < b; k++) r[k] = summaries.r[source + k]!;
  }
  const layout = groupLayout(data.d, b);
  const end = (index: number) => Math.min((index + 1) * b, layout.d);
  return {
    r,
    lagZeroExcluded: g === h,
    region: { rows: [g * b, end(g)], cols: [h * b, end(h)] },
    blockSize: b,
  };
}
