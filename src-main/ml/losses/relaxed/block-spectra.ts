import { getFftPlan, type FftPlan } from '../../fft/plan';
import { halfSpectrumLength } from '../../fft/real';
import { BatchedFft } from '../../fft/wasm/batched-plan';
import { GroupedSpectra } from './grouped-spectra';
import type { GroupLayout } from './layout';
import { SimdSingleBlockSpectra } from './simd-block-spectra';
import { acquireBuffer, releaseBuffer } from './workspace';

/** A transform buffer: the JS plans' float64 input, or a view of the SIMD kernels' memory. */
export type RowBuffer = Float32Array | Float64Array;

/**
 * Writes row n's two real signals (length d, permuted feature order) into `target`:
 * u_j at uAt + j * stride, v_j at vAt + j * stride.
 */
export type RowSource = (row: number, target: RowBuffer, uAt: number, vAt: number, stride: number) => void;
/**
 * Receives the gradients with respect to row n's u and v (permuted order):
 * du_j = data[uAt + j * stride] * uScale, dv_j = data[vAt + j * stride] * vScale. `data` is reused.
 */
export type RowSink = (
  row: number,
  data: RowBuffer,
  uAt: number,
  vAt: number,
  stride: number,
  uScale: number,
  vScale: number,
) => void;

/**
 * 'cross': pairs (X_g, Y_h) of the two signals, all ordered pairs (BT-style).
 * 'auto': pairs (X_g, X_h) and (Y_g, Y_h) within each signal, g <= h (VICReg-style).
 */
export type PairMode = 'cross' | 'auto';

/**
 * The spectral core of the relaxed losses. Per row, one complex FFT of length b per group
 * transforms both signals (u + i v); the summed cross spectra of the pairs of groups give
 * the summaries (summaries.ts), and their gradients W are taken back to the rows by one
 * inverse FFT per (row, group). Both implementations keep the spectra for the backward pass.
 */
export interface BlockSpectra {
  transformRows(source: RowSource): void;
  /** R per pair set, layout of pairs.ts: 'cross' -> [R_xy]; 'auto' -> [R_xx, R_yy]. */
  pairSpectra(): Float64Array[];
  /** Backward pass for W (one per pair set, layout of pairs.ts); frees the spectra. */
  inverseRows(w: Float64Array[], sink: RowSink): void;
}

let simdEnabled = true;

/** Turns the WebAssembly SIMD paths off or on (tests compare them with the plain JS ones). */
export function setSimdEnabled(enabled: boolean): void {
  simdEnabled = enabled;
}

export function isSimdEnabled(): boolean {
  return simdEnabled;
}

export function createBlockSpectra(rows: number, layout: GroupLayout, mode: PairMode): BlockSpectra {
  if (layout.groups > 1) return new GroupedSpectra(rows, layout, mode);
  const simd = simdEnabled ? BatchedFft.forLength(layout.d) : null;
  return simd
    ? new SimdSingleBlockSpectra(rows, layout.d, mode)
    : new SingleBlockSpectra(rows, layout.d, mode);
}

/**
 * b = d: the O(N d log d) form, streamed row by row: the pair sums are accumulated while
 * transforming, and the raw spectrum of u + i v is kept (2 N d floats) for the backward pass.
 */
class SingleBlockSpectra implements BlockSpectra {
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
