import type * as tf from '@tensorflow/tfjs';

/**
 * Argument checks shared by the losses. Every message starts with the loss name and names
 * the argument, like tfjs-core's own op checks (`cosineDistance: ...`).
 */

/** Checks that z1, z2 are [N, d] with the same shape and N >= minRows; returns [N, d]. */
export function checkViews(loss: string, z1: tf.Tensor, z2: tf.Tensor, minRows = 2): [number, number] {
  if (z1.rank !== 2) throw new Error(`${loss}: z1 must be a 2-D tensor [N, d], got rank ${z1.rank}`);
  if (z2.rank !== 2) throw new Error(`${loss}: z2 must be a 2-D tensor [N, d], got rank ${z2.rank}`);
  const [n, d] = z1.shape as [number, number];
  const [n2, d2] = z2.shape as [number, number];
  if (n !== n2 || d !== d2) {
    throw new Error(`${loss}: z1 and z2 must have the same shape, got z1 [${n}, ${d}] and z2 [${n2}, ${d2}]`);
  }
  if (n < minRows)
    throw new Error(`${loss}: the batch size N (rows of z1, z2) must be at least ${minRows}, got ${n}`);
  if (d < 1) throw new Error(`${loss}: the dimension d (columns of z1, z2) must be at least 1, got ${d}`);
  if (z1.dtype !== 'float32' || z2.dtype !== 'float32') {
    throw new Error(`${loss}: z1 and z2 must be float32, got ${z1.dtype} and ${z2.dtype}`);
  }
  return [n, d];
}

export function checkFinitePositive(loss: string, name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0))
    throw new Error(`${loss}: ${name} must be a positive number, got ${value}`);
}

export function checkFiniteNonNegative(loss: string, name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new Error(`${loss}: ${name} must be a non-negative number, got ${value}`);
  }
}

export function checkExponent(loss: string, q: number): asserts q is 1 | 2 {
  if (q !== 1 && q !== 2) throw new Error(`${loss}: q must be 1 or 2, got ${q}`);
}

/** b must be an integer with 1 <= b <= d. */
export function checkBlockSize(loss: string, blockSize: number, d: number): void {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > d) {
    throw new Error(`${loss}: blockSize b must be an integer in [1, d = ${d}], got ${blockSize}`);
  }
}

/** A permutation of 0..d-1 (each index exactly once). */
export function checkPermutation(loss: string, permutation: ArrayLike<number>, d: number): void {
  if (permutation.length !== d) {
    throw new Error(`${loss}: permutation must have length d = ${d}, got ${permutation.length}`);
  }
  const seen = new Uint8Array(d);
  for (let j = 0; j < d; j++) {
    const index = permutation[j]!;
    if (!Number.isInteger(index) || index < 0 || index >= d || seen[index]) {
      throw new Error(
        `${loss}: permutation must contain each of 0..${d - 1} exactly once (bad entry ${index} at ${j})`,
      );
    }
    seen[index] = 1;
  }
}

/** The arguments both relaxed losses share: exponent q, block size b, permutation. */
export function checkRelaxedArguments(
  loss: string,
  d: number,
  options: { q?: number; blockSize?: number; permutation?: Int32Array | null },
): { q: 1 | 2; blockSize: number; permutation: Int32Array | null } {
  const q = options.q ?? 2;
  const blockSize = options.blockSize ?? d;
  const permutation = options.permutation ?? null;
  checkExponent(loss, q);
  checkBlockSize(loss, blockSize, d);
  if (permutation) checkPermutation(loss, permutation, d);
  return { q, blockSize, permutation };
}
