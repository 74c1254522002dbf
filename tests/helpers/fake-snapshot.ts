import type { SnapshotData } from '@shared/inspect';

/** Deterministic snapshot numbers: values that float16 keeps exactly (multiples of 1/64 below 8). */
export function fakeSnapshot(
  n: number,
  d: number,
  featureDim: number,
  permuted: boolean,
  salt = 0,
): SnapshotData {
  const values = (count: number, offset: number) =>
    Float32Array.from({ length: count }, (_, i) => (((i * 7 + offset + salt) % 512) - 256) / 64);
  return {
    n,
    d,
    featureDim,
    z1: values(n * d, 1),
    z2: values(n * d, 2),
    h1: featureDim > 0 ? values(n * featureDim, 3) : null,
    h2: featureDim > 0 ? values(n * featureDim, 4) : null,
    permutation: permuted ? Int32Array.from({ length: d }, (_, i) => (i * 5) % d) : null,
  };
}
