import { BatchedFft } from '../../fft/batched-plan';
import { GroupedSpectra } from './grouped-spectra';
import type { GroupLayout } from './layout';
import { SimdSingleBlockSpectra } from './simd-block-spectra';
import { SingleBlockSpectra } from './single-block-spectra';
import type { BlockSpectra, PairMode } from './spectra';

let simdEnabled = true;

/** Turns the WebAssembly SIMD paths off or on (tests compare them with the plain JS ones). */
export function setSimdEnabled(enabled: boolean): void {
  simdEnabled = enabled;
}

export function isSimdEnabled(): boolean {
  return simdEnabled;
}

/**
 * The spectral core for `rows` rows: grouped (b < d), the SIMD single block (b = d, where
 * WebAssembly SIMD runs) or the plain JS single block.
 */
export function createBlockSpectra(rows: number, layout: GroupLayout, mode: PairMode): BlockSpectra {
  if (layout.groups > 1) return new GroupedSpectra(rows, layout, mode);
  const simd = simdEnabled ? BatchedFft.forLength(layout.d) : null;
  return simd
    ? new SimdSingleBlockSpectra(rows, layout.d, mode)
    : new SingleBlockSpectra(rows, layout.d, mode);
}
