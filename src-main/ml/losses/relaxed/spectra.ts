/**
 * The contract of the relaxed losses' spectral core: what a row source writes, what a row
 * sink receives, and the BlockSpectra interface its implementations (single-block-spectra.ts,
 * simd-block-spectra.ts, grouped-spectra.ts) fulfil; block-spectra.ts picks one.
 */

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
