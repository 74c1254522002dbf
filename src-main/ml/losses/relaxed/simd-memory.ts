import { BatchedFft } from '../../fft/batched-plan';
import { wasmApi } from '../../../wasm/wasm-api';
import { simdPassModule, type SimdPassExports } from '../../../wasm/relaxed-passes';

/**
 * The SIMD pass kernels' instance and the per-call arrays in the WebAssembly memory they share
 * with the FFT kernels (placed after the FFT buffers, see BatchedFft.extraAt).
 */

let passes: SimdPassExports | null = null;
/** The call whose z1, z2 are in the kernels' memory (a backward pass reloads them otherwise). */
export const residency: { call: symbol | null } = { call: null };

function passKernels(): SimdPassExports | null {
  if (passes) return passes;
  const module = simdPassModule();
  const memory = BatchedFft.memory();
  if (!module || !memory || !wasmApi) return null;
  passes = new wasmApi.Instance(module, { env: { memory } }).exports as unknown as SimdPassExports;
  return passes;
}

/** Byte offsets of the per-call arrays in the kernels' memory. */
export class Layout {
  readonly at: Record<string, number> = {};
  size = 0;
  constructor(rows: number, d: number) {
    const unit = rows * d * 4;
    const column = d * 4;
    for (const name of ['z1', 'z2', 'g1', 'g2']) this.add(name, unit);
    for (const name of [
      'perm',
      'zeros',
      'ones',
      'mean1',
      'scale1',
      'mean2',
      'scale2',
      'mean1P',
      'scale1P',
      'mean2P',
    ]) {
      this.add(name, column);
    }
    for (const name of ['scale2P', 'extra1', 'extra2', 'sum1', 'product1', 'sum2', 'product2'])
      this.add(name, column);
    for (const name of ['shift1', 'slope1', 'shift2', 'slope2']) this.add(name, column);
    this.add('c4', 4 * column);
    this.add('rowDiff', rows * 16);
  }
  private add(name: string, bytes: number): void {
    this.at[name] = this.size;
    this.size += Math.ceil(bytes / 64) * 64;
  }
}

export interface Bound {
  fft: BatchedFft;
  view: Float32Array;
  kernels: SimdPassExports;
  /** Byte address of a named array. */
  at(name: string): number;
  /** Writes a float64 vector into a named float32 array. */
  put(name: string, values: ArrayLike<number>): void;
  read(name: string, length: number): Float32Array;
}

export function bind(rows: number, d: number, layout: Layout): Bound | null {
  const fft = BatchedFft.forLength(d, layout.size);
  const kernels = fft ? passKernels() : null;
  if (!fft || !kernels) return null;
  const view = fft.view;
  const at = (name: string) => fft.extraAt + layout.at[name]!;
  return {
    fft,
    view,
    kernels,
    at,
    put: (name, values) => view.set(values, at(name) / 4),
    read: (name, length) => view.subarray(at(name) / 4, at(name) / 4 + length),
  };
}
