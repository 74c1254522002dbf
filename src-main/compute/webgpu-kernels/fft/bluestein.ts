import type * as tf from '@tensorflow/tfjs';
import { cachedComplex } from './constants';
import { bluesteinChirp, bluesteinFilterSpectrum, bluesteinSize, type FftSign } from './plan';
import { chirpCrop, chirpPad, spectrumProduct } from './programs';
import { stockhamFft } from './stockham';

/**
 * Bluestein's chirp-z FFT of every row of x ([rows, 2 length]) for lengths with a prime factor
 * above 7: chirp and pad to a power of two M >= 2 length - 1, forward Stockham FFT, product with
 * the filter's spectrum (float64 on the host, 1/M folded in), inverse Stockham FFT, crop and
 * chirp. O(M log M) with M < 4 length. Call inside tf.tidy.
 */
export function bluesteinFft(x: tf.Tensor2D, sign: FftSign): tf.Tensor2D {
  const length = x.shape[1] / 2;
  const size = bluesteinSize(length);
  const chirp = cachedComplex(`chirp:${length}:${sign}`, () => bluesteinChirp(length, sign));
  const filter = cachedComplex(`filter:${length}:${sign}`, () => bluesteinFilterSpectrum(length, sign));
  const padded = chirpPad(x, chirp, size);
  const spectrum = spectrumProduct(stockhamFft(padded, -1), filter);
  return chirpCrop(stockhamFft(spectrum, 1), chirp, length);
}
