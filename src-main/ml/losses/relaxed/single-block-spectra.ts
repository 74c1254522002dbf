import { getFftPlan, type FftPlan } from '../../fft/plan';
import { halfSpectrumLength } from '../../fft/real';
import type { BlockSpectra, PairMode, RowSink, RowSource } from './spectra';
import { acquireBuffer, releaseBuffer } from './workspace';

/**
 * b = d: the O(N d log d) form, streamed row by row: the pair sums are accumulated while
 * transforming, and the raw spectrum of u + i v is kept (2 N d floats) for the backward pass.
 */
export class SingleBlockSpectra implements BlockSpectra {
  private readonly plan: FftPlan;
  private readonly bins: number;
  private readonly store: Float32Array;
  private readonly sums: Float64Array[];

  constructor(
    private readonly rows: number,
    private readonly d: number,
    private readonly mode: PairMode,
  ) {
    this.plan = getFftPlan(d);
    this.bins = halfSpectrumLength(d);
    this.store = acquireBuffer(2 * rows * d);
    this.sums =
      mode === 'cross'
        ? [new Float64Array(2 * this.bins)]
        : [new Float64Array(2 * this.bins), new Float64Array(2 * this.bins)];
  }

  transformRows(source: RowSource): void {
    const { d, bins, plan, store } = this;
    const cross = this.mode === 'cross';
    const sumXY = this.sums[0]!;
    const sumYY = this.sums[1] ?? sumXY;
    for (let n = 0; n < this.rows; n++) {
      source(n, plan.input, 0, 1, 2);
      const z = plan.execute();
      store.set(z, 2 * n * d);
      for (let f = 0; f < bins; f++) {
        const mirror = f === 0 ? 0 : d - f;
        const zr = z[2 * f]!;
        const zi = z[2 * f + 1]!;
        const wr = z[2 * mirror]!;
        const wi = z[2 * mirror + 1]!;
        // X = (Z[f] + conj Z[-f]) / 2, Y = (Z[f] - conj Z[-f]) / 2i
        const xr = 0.5 * (zr + wr);
        const xi = 0.5 * (zi - wi);
        const yr = 0.5 * (zi + wi);
        const yi = 0.5 * (wr - zr);
        if (cross) {
          sumXY[2 * f]! += xr * yr + xi * yi;
          sumXY[2 * f + 1]! += xr * yi - xi * yr;
        } else {
          sumXY[2 * f]! += xr * xr + xi * xi;
          sumYY[2 * f]! += yr * yr + yi * yi;
        }
      }
    }
  }

  pairSpectra(): Float64Array[] {
    return this.sums;
  }

  inverseRows(w: Float64Array[], sink: RowSink): void {
    const { d, bins, plan, store } = this;
    const cross = this.mode === 'cross';
    const w1 = w[0]!;
    const w2 = w[1] ?? w1;
    for (let n = 0; n < this.rows; n++) {
      const base = 2 * n * d;
      const input = plan.input;
      for (let f = 0; f < bins; f++) {
        const mirror = f === 0 ? 0 : d - f;
        const zr = store[base + 2 * f]!;
        const zi = store[base + 2 * f + 1]!;
        const wr = store[base + 2 * mirror]!;
        const wi = store[base + 2 * mirror + 1]!;
        const xr = 0.5 * (zr + wr);
        const xi = 0.5 * (zi - wi);
        const yr = 0.5 * (zi + wi);
        const yi = 0.5 * (wr - zr);
        const ar = w1[2 * f]!;
        const ai = w1[2 * f + 1]!;
        let gxr: number;
        let gxi: number;
        let gyr: number;
        let gyi: number;
        if (cross) {
          // dX = conj(W) Y, dY = W X
          gxr = ar * yr + ai * yi;
          gxi = ar * yi - ai * yr;
          gyr = ar * xr - ai * xi;
          gyi = ar * xi + ai * xr;
        } else {
          // one block with itself: dX = 2 Re(W) X
          const a = 2 * ar;
          const c = 2 * w2[2 * f]!;
          gxr = a * xr;
          gxi = a * xi;
          gyr = c * yr;
          gyi = c * yi;
        }
        // conj(V) with V[f] = dX + i dY and V[-f] = conj(dX) + i conj(dY)
        input[2 * f] = gxr - gyi;
        input[2 * f + 1] = -(gxi + gyr);
        if (f !== mirror && f !== d - f) {
          input[2 * mirror] = gxr + gyi;
          input[2 * mirror + 1] = gxi - gyr;
        }
      }
      // the forward DFT of conj(V) is d * conj(IDFT(V)) = d * (du - i dv)
      sink(n, plan.execute(), 0, 1, 2, 1 / d, -1 / d);
    }
    releaseBuffer(store);
  }
}
