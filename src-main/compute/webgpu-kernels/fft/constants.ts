import * as tf from '@tensorflow/tfjs';

/**
 * Float32 uploads of host-computed float64 constants (twiddles, chirps, filter spectra), kept
 * (tf.keep) so they survive the callers' tf.tidy and are reused every step. Held per backend
 * instance, as a tensor belongs to the backend it was made on, and bounded so a sweep over many
 * lengths does not keep them all.
 */
const CACHE_LIMIT = 48;
const caches = new WeakMap<object, Map<string, tf.Tensor>>();

/** The cached [values / 2, 2] tensor named `key`, built by `build` (float64) on first use. */
export function cachedComplex(key: string, build: () => Float64Array): tf.Tensor {
  const backend = tf.backend();
  let cache = caches.get(backend);
  if (!cache) {
    cache = new Map();
    caches.set(backend, cache);
  }
  const found = cache.get(key);
  if (found) {
    // most recently used last, so eviction takes the oldest
    cache.delete(key);
    cache.set(key, found);
    return found;
  }
  const values = build();
  const tensor = tf.keep(tf.tensor2d(Float32Array.from(values), [values.length / 2, 2]));
  if (cache.size >= CACHE_LIMIT) {
    const [oldestKey, oldest] = cache.entries().next().value!;
    cache.delete(oldestKey);
    oldest.dispose();
  }
  cache.set(key, tensor);
  return tensor;
}
