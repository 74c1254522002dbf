import type * as tf from '@tensorflow/tfjs';
import { cachedComplex } from './constants';
import { stockhamPasses, stockhamTwiddles, type FftSign } from './plan';
import { stockhamPass } from './programs';

/**
 * Mixed-radix Stockham FFT of every row of x ([rows, 2 length], every prime factor of length in
 * 2, 3, 5, 7): one program run per pass, each reading one tensor and writing a fresh one (the
 * ping-pong; tfjs's buffer manager recycles the freed buffer), natural order in and out. Call
 * inside tf.tidy: the intermediate passes are left to it.
 *
 * Not fused in workgroup memory: a version running all passes of b <= 1024 in one program (commit
 * 2d501d2) was 10-20x slower on SwiftShader ([512, 1024]: 880 ms against 72 ms) and compiled for
 * 2.5 s per length; worth measuring again on a hardware GPU.
 */
export function stockhamFft(x: tf.Tensor2D, sign: FftSign): tf.Tensor2D {
  const length = x.shape[1] / 2;
  const twiddles = cachedComplex(`stockham:${length}:${sign}`, () => stockhamTwiddles(length, sign));
  let y = x;
  for (const pass of stockhamPasses(length)) y = stockhamPass(y, twiddles, pass, sign);
  return y;
}
