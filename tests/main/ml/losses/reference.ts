/**
 * Brute-force float64 references straight from the definitions of ../shared/spec/losses.md
 * sections 2-6: explicit d x d matrices and explicit wrapped-diagonal sums, O(N d^2), no FFT.
 */

export type Matrix = number[][];

export interface ReferenceParams {
  lambda?: number;
  scale?: number;
  simWeight?: number;
  varWeight?: number;
  covWeight?: number;
  q?: 1 | 2;
  blockSize?: number;
  permutation?: Int32Array | null;
}

export interface ReferenceResult {
  loss: number;
  terms: Record<string, number>;
}

const phi = (q: 1 | 2, x: number) => (q === 1 ? Math.abs(x) : x * x);

function columns(z: Matrix): number {
  return z[0]!.length;
}

function columnMean(z: Matrix, j: number): number {
  return z.reduce((sum, row) => sum + row[j]!, 0) / z.length;
}

/** BatchNorm1d(affine=False), training mode: biased variance, eps 1e-5. */
function batchNorm(z: Matrix): Matrix {
  const d = columns(z);
  const mean = Array.from({ length: d }, (_, j) => columnMean(z, j));
  const std = mean.map((m, j) =>
    Math.sqrt(z.reduce((sum, row) => sum + (row[j]! - m) ** 2, 0) / z.length + 1e-5),
  );
  return z.map((row) => row.map((value, j) => (value - mean[j]!) / std[j]!));
}

function center(z: Matrix): Matrix {
  const mean = Array.from({ length: columns(z) }, (_, j) => columnMean(z, j));
  return z.map((row) => row.map((value, j) => value - mean[j]!));
}

/** a^T b / divisor. */
function crossProduct(a: Matrix, b: Matrix, divisor: number): Matrix {
  const d = columns(a);
  const out = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let n = 0; n < a.length; n++) {
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i]![j]! += a[n]![i]! * b[n]![j]!;
  }
  return out.map((row) => row.map((value) => value / divisor));
}

function permuteColumns(z: Matrix, permutation: ArrayLike<number> | null | undefined): Matrix {
  if (!permutation) return z;
  return z.map((row) => Array.from({ length: row.length }, (_, j) => row[permutation[j]!]!));
}

/** r_gh[k] = sum_j C[g b + j, h b + (j + k) mod b], entries beyond d (padding) are 0. */
function wrappedDiagonalSums(c: Matrix, b: number, g: number, h: number): number[] {
  const d = c.length;
  const at = (i: number, j: number) => (i < d && j < d ? c[i]![j]! : 0);
  return Array.from({ length: b }, (_, k) => {
    let sum = 0;
    for (let j = 0; j < b; j++) sum += at(g * b + j, h * b + ((j + k) % b));
    return sum;
  });
}

export function referenceBarlowTwins(z1: Matrix, z2: Matrix, p: ReferenceParams = {}): ReferenceResult {
  const lambda = p.lambda ?? 0.0051;
  const scale = p.scale ?? 0.024;
  const c = crossProduct(batchNorm(z1), batchNorm(z2), z1.length);
  let onDiagonal = 0;
  let offDiagonal = 0;
  c.forEach((row, i) =>
    row.forEach((value, j) => (i === j ? (onDiagonal += (value - 1) ** 2) : (offDiagonal += value ** 2))),
  );
  return { loss: scale * (onDiagonal + lambda * offDiagonal), terms: { onDiagonal, offDiagonal } };
}

export function referenceVicreg(z1: Matrix, z2: Matrix, p: ReferenceParams = {}): ReferenceResult {
  const [simWeight, varWeight, covWeight] = [p.simWeight ?? 25, p.varWeight ?? 25, p.covWeight ?? 1];
  const invariance = invarianceTerm(z1, z2);
  const view = (z: Matrix) => {
    const k = crossProduct(center(z), center(z), z.length - 1);
    let covariance = 0;
    k.forEach((row, i) => row.forEach((value, j) => i !== j && (covariance += value ** 2)));
    return [varianceTerm(z), covariance / columns(z)] as const;
  };
  const [varianceZ1, covarianceZ1] = view(z1);
  const [varianceZ2, covarianceZ2] = view(z2);
  return {
    loss:
      simWeight * invariance +
      varWeight * (varianceZ1 + varianceZ2) +
      covWeight * (covarianceZ1 + covarianceZ2),
    terms: { invariance, varianceZ1, varianceZ2, covarianceZ1, covarianceZ2 },
  };
}

export function referenceRelaxedBarlowTwins(
  z1: Matrix,
  z2: Matrix,
  p: ReferenceParams = {},
): ReferenceResult {
  const lambda = p.lambda ?? 0.0051;
  const scale = p.scale ?? 0.024;
  const q = p.q ?? 2;
  const d = columns(z1);
  const b = p.blockSize ?? d;
  const a1 = batchNorm(z1);
  const a2 = batchNorm(z2);
  let onDiagonal = 0;
  for (let j = 0; j < d; j++)
    onDiagonal += (a1.reduce((sum, row, n) => sum + row[j]! * a2[n]![j]!, 0) / z1.length - 1) ** 2;
  const c = crossProduct(permuteColumns(a1, p.permutation), permuteColumns(a2, p.permutation), z1.length);
  const groups = Math.ceil(d / b);
  let offDiagonal = 0;
  for (let g = 0; g < groups; g++) {
    for (let h = 0; h < groups; h++) {
      wrappedDiagonalSums(c, b, g, h).forEach((r, k) => (g !== h || k > 0 ? (offDiagonal += phi(q, r)) : 0));
    }
  }
  return { loss: scale * (onDiagonal + lambda * offDiagonal), terms: { onDiagonal, offDiagonal } };
}

export function referenceRelaxedVicreg(z1: Matrix, z2: Matrix, p: ReferenceParams = {}): ReferenceResult {
  const [simWeight, varWeight, covWeight] = [p.simWeight ?? 25, p.varWeight ?? 25, p.covWeight ?? 1];
  const scale = p.scale ?? 1;
  const q = p.q ?? 2;
  const d = columns(z1);
  const b = p.blockSize ?? d;
  const groups = Math.ceil(d / b);
  const lastWidth = d - (groups - 1) * b;
  const width = (g: number) => (g === groups - 1 ? lastWidth : b);
  const pairs = (groups * (groups - 1)) / 2;
  const covariance = (z: Matrix) => {
    const zc = permuteColumns(center(z), p.permutation);
    const k = crossProduct(zc, zc, z.length - 1);
    let diagonal = 0;
    let offDiagonal = 0;
    for (let g = 0; g < groups; g++) {
      for (let h = g; h < groups; h++) {
        const beta = Math.min(width(g), width(h));
        wrappedDiagonalSums(k, b, g, h).forEach((r, lag) => {
          if (g === h && lag > 0) diagonal += phi(q, r / beta);
          if (g !== h) offDiagonal += phi(q, r / beta);
        });
      }
    }
    return diagonal / groups + (groups > 1 ? (2 * offDiagonal) / pairs : 0);
  };
  const terms = {
    invariance: invarianceTerm(z1, z2),
    varianceZ1: varianceTerm(z1),
    varianceZ2: varianceTerm(z2),
    covarianceZ1: covariance(z1),
    covarianceZ2: covariance(z2),
  };
  const loss =
    scale *
    (simWeight * terms.invariance +
      varWeight * (terms.varianceZ1 + terms.varianceZ2) +
      covWeight * (terms.covarianceZ1 + terms.covarianceZ2));
  return { loss, terms };
}

function invarianceTerm(z1: Matrix, z2: Matrix): number {
  let sum = 0;
  z1.forEach((row, n) => row.forEach((value, j) => (sum += (value - z2[n]![j]!) ** 2)));
  return sum / (z1.length * columns(z1));
}

/** mean_j max(0, 1 - sqrt(unbiased var_j + 1e-4)). */
function varianceTerm(z: Matrix): number {
  const zc = center(z);
  let sum = 0;
  for (let j = 0; j < columns(z); j++) {
    const variance = zc.reduce((acc, row) => acc + row[j]! ** 2, 0) / (z.length - 1);
    sum += Math.max(0, 1 - Math.sqrt(variance + 1e-4));
  }
  return sum / columns(z);
}

/** Central finite differences of a float64 loss with respect to both inputs. */
export function finiteDifferenceGradients(
  loss: (z1: Matrix, z2: Matrix) => number,
  z1: Matrix,
  z2: Matrix,
  step = 1e-6,
): [Matrix, Matrix] {
  const gradient = (which: 0 | 1): Matrix =>
    (which === 0 ? z1 : z2).map((row, n) =>
      row.map((_, j) => {
        const shifted = (delta: number) => {
          const copy = (which === 0 ? z1 : z2).map((r) => [...r]);
          copy[n]![j]! += delta;
          return which === 0 ? loss(copy, z2) : loss(z1, copy);
        };
        return (shifted(step) - shifted(-step)) / (2 * step);
      }),
    );
  return [gradient(0), gradient(1)];
}
