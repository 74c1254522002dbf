import { BatchedFft } from '../../fft/batched-plan';
import type { BlockSpectra, PairMode, RowSink, RowSource } from './spectra';
import { acquireBuffer, releaseBuffer } from './workspace';

/**
 * b = d a power of two: as SingleBlockSpectra, with the transforms, pair sums and gradient
 * spectra in WebAssembly SIMD, 4 rows per batch (fft/wasm). The spectra of each batch
 * (8 d floats) are copied out to a host buffer between the passes, so nothing lives in the
 * kernels' memory across calls.
 */
export class SimdSingleBlockSpectra implements BlockSpectra {
  private readonly batches: number;
  private readonly store: Float32Array;
  private readonly sums: Float64Array[];

  constructor(
    private readonly rows: number,
    private readonly d: number,
    private readonly mode: PairMode,
  ) {
    this.batches = Math.ceil(rows / 4);
    this.store = acquireBuffer(this.batches * 8 * d);
    const bins = d / 2 + 1;
    this.sums =
      mode === 'cross'
        ? [new Float64Array(2 * bins)]
        : [new Float64Array(2 * bins), new Float64Array(2 * bins)];
  }

  transformRows(source: RowSource): void {
    const { d, rows, store } = this;
    const fft = BatchedFft.forLength(d)!;
    const view = fft.view;
    const auto = this.mode === 'auto';
    view.fill(0, fft.accumulatorAt, fft.accumulatorAt + 8 * fft.bins);
    for (let batch = 0; batch < this.batches; batch++) {
      for (let lane = 0; lane < 4; lane++) {
        const n = 4 * batch + lane;
        if (n < rows) {
          source(n, view, fft.inputAt + lane, fft.inputAt + 4 + lane, 8);
        } else {
          for (let j = 0; j < d; j++) {
            view[fft.inputAt + 8 * j + lane] = 0;
            view[fft.inputAt + 8 * j + 4 + lane] = 0;
          }
        }
      }
      const resultAt = fft.execute();
      fft.accumulate(resultAt, auto);
      store.set(view.subarray(resultAt, resultAt + 8 * d), batch * 8 * d);
    }
    // add up the 4 lanes; 'auto' keeps |X|^2 sums in the real slot and |Y|^2 sums in the imaginary one
    const first = this.sums[0]!;
    const second = this.sums[1];
    for (let f = 0; f < fft.bins; f++) {
      const at = fft.accumulatorAt + 8 * f;
      const re = view[at]! + view[at + 1]! + view[at + 2]! + view[at + 3]!;
      const im = view[at + 4]! + view[at + 5]! + view[at + 6]! + view[at + 7]!;
      first[2 * f] = re;
      if (second) second[2 * f] = im;
      else first[2 * f + 1] = im;
    }
  }

  pairSpectra(): Float64Array[] {
    return this.sums;
  }

  inverseRows(w: Float64Array[], sink: RowSink): void {
    const { d, rows, store } = this;
    const fft = BatchedFft.forLength(d)!;
    const view = fft.view;
    const auto = this.mode === 'auto';
    for (let f = 0; f < fft.bins; f++) {
      // cross: W[f]; auto: the diagonal block's 2 Re W of each view
      view[fft.weightsAt + 2 * f] = auto ? 2 * w[0]![2 * f]! : w[0]![2 * f]!;
      view[fft.weightsAt + 2 * f + 1] = auto ? 2 * w[1]![2 * f]! : w[0]![2 * f + 1]!;
    }
    for (let batch = 0; batch < this.batches; batch++) {
      view.set(store.subarray(batch * 8 * d, (batch + 1) * 8 * d), fft.otherAt);
      fft.multiply(fft.otherAt, auto);
      const resultAt = fft.execute();
      for (let lane = 0; lane < 4 && 4 * batch + lane < rows; lane++) {
        sink(4 * batch + lane, view, resultAt + lane, resultAt + 4 + lane, 8, 1 / d, -1 / d);
      }
    }
    releaseBuffer(store);
  }
}
