import type * as tf from '@tensorflow/tfjs';
import { cachedComplex } from './constants';
import { FUSED_TILE, fusedStockham } from './fused';
import { stockhamPasses, stockhamTwiddles, type FftSign } from './plan';
import { stockhamPass } from './programs';

/**
 * Mixed-radix Stockham FFT of every row of x ([rows, 2 length], every prime factor of length in
 * 2, 3, 5, 7), natural order in and out. Up to FUSED_TILE all passes run in one program in
 * workgroup memory (fused.ts); above, one program run per pass, each reading one tensor and
 * writing a fresh one (the ping-pong; tfjs's buffer manager recycles the freed buffer). Call
 * inside tf.tidy: the intermediate passes are left to it.
 */
export function stockhamFft(x: tf.Tensor2D, sign: FftSign): tf.Tensor2D {
  const length = x.shape[1] / 2;
  const passes = stockhamPasses(length);
  const twiddles = cachedComplex(`stockham:${length}:${sign}`, () => stockhamTwiddles(length, sign));
  if (passes.length > 1 && length <= FUSED_TILE) return fusedStockham(x, twiddles, passes, sign);
  let y = x;
  for (const pass of passes) y = stockhamPass(y, twiddles, pass, sign);
  return y;
}
