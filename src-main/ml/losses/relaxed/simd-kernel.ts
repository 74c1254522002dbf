import type { HostLossResult } from './host-op';
import { simdBackward, type Inputs } from './simd-backward';
import { bind, Layout, residency } from './simd-memory';
import { evaluateSummaries, summaryGradientSpectra, type PairWeights } from './summaries';
import { acquireBuffer } from './workspace';

/**
 * sBT / sVICReg for b = d (one group) with every O(N d) pass and the transforms in
 * WebAssembly SIMD (simd-passes.ts, fft/wasm): the whole step for d = 8192, N = 256 is a few
 * tens of milliseconds instead of ~150 ms in plain JS. Needs d a power of two and N a
 * multiple of 4 (4 rows per batch); `simdRelaxedKernel` returns null otherwise and the
 * callers use the plain JS kernels. The spectra and statistics stay on the host between the
 * passes, and the backward pass reloads z1, z2 when another call used the kernels' memory
 * in between, so calls may interleave.
 */

export type SimdLoss =
  | { kind: 'bt'; lambda: number; scale: number; q: 1 | 2; permutation: Int32Array | null }
  | {
      kind: 'vicreg';
      simWeight: number;
      varWeight: number;
      covWeight: number;
      scale: number;
      q: 1 | 2;
      permutation: Int32Array | null;
    };

export function simdRelaxedKernel(
  z1: Float32Array,
  z2: Float32Array,
  rows: number,
  d: number,
  loss: SimdLoss,
): HostLossResult | null {
  if (rows % 4 !== 0 || d < 4 || (d & (d - 1)) !== 0) return null;
  const layout = new Layout(rows, d);
  const bound = bind(rows, d, layout);
  if (!bound) return null;
  const { fft, view, kernels: k, at, put } = bound;
  const rowBytes = d * 4;
  const auto = loss.kind === 'vicreg';
  const permutation = loss.permutation ?? Int32Array.from({ length: d }, (_, j) => j);
  view.set(z1, at('z1') / 4);
  view.set(z2, at('z2') / 4);
  const token = Symbol('relaxed loss call');
  residency.call = token;
  // statistics: column means, then centred sums of squares
  view.fill(0, at('zeros') / 4, at('zeros') / 4 + d);
  view.fill(1, at('ones') / 4, at('ones') / 4 + d);
  for (const name of ['sum1', 'sum2', 'product1', 'product2']) view.fill(0, at(name) / 4, at(name) / 4 + d);
  k.columnSums(at('z1'), rows, rowBytes, at('zeros'), at('sum1'));
  k.columnSums(at('z2'), rows, rowBytes, at('zeros'), at('sum2'));
  const mean1 = Float64Array.from(bound.read('sum1', d), (value) => value / rows);
  const mean2 = Float64Array.from(bound.read('sum2', d), (value) => value / rows);
  put('mean1', mean1);
  put('mean2', mean2);
  k.columnSquares(at('z1'), rows, rowBytes, at('mean1'), at('product1'));
  k.columnSquares(at('z2'), rows, rowBytes, at('mean2'), at('product2'));
  const squares1 = Float64Array.from(bound.read('product1', d));
  const squares2 = Float64Array.from(bound.read('product2', d));
  // BT: 1 / sqrt(biased var + 1e-5); VICReg: sqrt(unbiased var + 1e-4), gather scale 1
  const scale1 = squares1.map((value) =>
    auto ? Math.sqrt(value / (rows - 1) + 1e-4) : 1 / Math.sqrt(value / rows + 1e-5),
  );
  const scale2 = squares2.map((value) =>
    auto ? Math.sqrt(value / (rows - 1) + 1e-4) : 1 / Math.sqrt(value / rows + 1e-5),
  );
  const permuted = (values: Float64Array) => {
    const out = new Float64Array(d);
    for (let j = 0; j < d; j++) out[j] = values[permutation[j]!]!;
    return out;
  };
  new Int32Array(view.buffer, at('perm'), d).set(permutation);
  put('mean1P', permuted(mean1));
  put('mean2P', permuted(mean2));
  if (auto) {
    view.fill(1, at('scale1P') / 4, at('scale1P') / 4 + d);
    view.fill(1, at('scale2P') / 4, at('scale2P') / 4 + d);
  } else {
    put('scale1P', permuted(scale1));
    put('scale2P', permuted(scale2));
  }
  let invariance = 0;
  if (auto) {
    view.fill(0, at('rowDiff') / 4, at('rowDiff') / 4 + 4 * rows);
    k.rowSquaredDifferences(at('z1'), at('z2'), rows, rowBytes, at('rowDiff'));
    for (const value of bound.read('rowDiff', 4 * rows)) invariance += value;
    invariance /= rows * d;
  }
  // transforms, 4 rows at a time; the spectra go to a host buffer for the backward pass
  const batches = rows / 4;
  const store = acquireBuffer(batches * 8 * d);
  view.fill(0, at('c4') / 4, at('c4') / 4 + 4 * d);
  view.fill(0, fft.accumulatorAt, fft.accumulatorAt + 8 * fft.bins);
  for (let batch = 0; batch < batches; batch++) {
    k.pack(
      ...[at('z1'), at('z2'), at('perm'), at('mean1P'), at('scale1P'), at('mean2P'), at('scale2P'), at('c4')],
      ...[fft.inputAt * 4, d, batch * 4 * rowBytes, rowBytes],
    );
    const resultAt = fft.execute();
    fft.accumulate(resultAt, auto);
    store.set(view.subarray(resultAt, resultAt + 8 * d), batch * 8 * d);
  }
  const bins = fft.bins;
  const first = new Float64Array(2 * bins);
  const second = new Float64Array(2 * bins);
  for (let f = 0; f < bins; f++) {
    const a = fft.accumulatorAt + 8 * f;
    const re = view[a]! + view[a + 1]! + view[a + 2]! + view[a + 3]!;
    const im = view[a + 4]! + view[a + 5]! + view[a + 6]! + view[a + 7]!;
    if (auto) {
      first[2 * f] = re;
      second[2 * f] = im;
    } else {
      first[2 * f] = re;
      first[2 * f + 1] = im;
    }
  }
  const weights: PairWeights = {
    groups: 1,
    blockSize: d,
    bins,
    weight: new Float64Array([1]),
    norm: new Float64Array([auto ? 1 / ((rows - 1) * d) : 1 / rows]),
  };
  const summaries1 = evaluateSummaries(first, weights, loss.q);
  const summaries2 = auto ? evaluateSummaries(second, weights, loss.q) : null;
  const inputs: Inputs = { token, fft, mean1, mean2, scale1, scale2, permutation, store };

  if (loss.kind === 'bt') {
    // diagonal c_j (lane sums, permuted order) -> original order
    const c4 = bound.read('c4', 4 * d);
    const c = new Float64Array(d);
    for (let j = 0; j < d; j++)
      c[permutation[j]!] = (c4[4 * j]! + c4[4 * j + 1]! + c4[4 * j + 2]! + c4[4 * j + 3]!) / rows;
    let onDiagonal = 0;
    for (let j = 0; j < d; j++) onDiagonal += (c[j]! - 1) ** 2;
    const offDiagonal = summaries1.penalty;
    return {
      loss: loss.scale * (onDiagonal + loss.lambda * offDiagonal),
      terms: { onDiagonal, offDiagonal },
      summaries: { weights, views: [summaries1] },
      backward(dy, reload) {
        const w = summaryGradientSpectra(summaries1, weights, loss.q, loss.scale * loss.lambda);
        const diagonal = c.map((value) => (2 * loss.scale * (value - 1)) / rows);
        return simdBackward(rows, d, layout, inputs, { kind: 'bt', w, diagonal }, dy, reload);
      },
    };
  }
  const hingeSlope = (std: Float64Array) =>
    std.map((value) => (value < 1 ? (-loss.scale * loss.varWeight) / (d * (rows - 1) * value) : 0));
  const hinge = (std: Float64Array) => std.reduce((sum, value) => sum + Math.max(0, 1 - value), 0) / d;
  const terms = {
    invariance,
    varianceZ1: hinge(scale1),
    varianceZ2: hinge(scale2),
    covarianceZ1: summaries1.penalty,
    covarianceZ2: summaries2!.penalty,
  };
  return {
    loss:
      loss.scale *
      (loss.simWeight * terms.invariance +
        loss.varWeight * (terms.varianceZ1 + terms.varianceZ2) +
        loss.covWeight * (terms.covarianceZ1 + terms.covarianceZ2)),
    terms,
    summaries: { weights, views: [summaries1, summaries2!] },
    backward(dy, reload) {
      const factor = loss.scale * loss.covWeight;
      const w1 = summaryGradientSpectra(summaries1, weights, loss.q, factor);
      const w2 = summaryGradientSpectra(summaries2!, weights, loss.q, factor);
      const invarianceFactor = (2 * loss.scale * loss.simWeight) / (rows * d);
      return simdBackward(
        rows,
        d,
        layout,
        inputs,
        { kind: 'vicreg', w1, w2, hinge1: hingeSlope(scale1), hinge2: hingeSlope(scale2), invarianceFactor },
        dy,
        reload,
      );
    },
  };
}
