import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COLLAPSED_STD_FRACTION } from '../../../../src-shared/inspect';
import { symmetricEigenvalues } from '../../../../src-main/ml/inspect/eigen';
import { rankMe, spectrum, spectrumOf } from '../../../../src-main/ml/inspect/spectrum';
import { Random } from '../../../../src-main/ml/random';
import { randomSnapshot } from '../../../helpers/inspect-reference';

function hasNumpy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const numpy = hasNumpy();
if (!numpy)
  console.warn('spectrum.test: python3 with numpy is not installed; the eigvalsh comparisons are skipped');

const temp = mkdtempSync(join(tmpdir(), 'inspect-spectrum-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface NumpyJob {
  op: 'eigvalsh' | 'svd';
  rows: number;
  cols: number;
  values: number[];
}

/**
 * numpy's answers to all jobs in one python3 run (JSON through a file; a start of numpy costs
 * about half a second here): eigvalsh (largest first) of symmetric matrices, singular values.
 */
function runNumpy(jobs: NumpyJob[]): number[][] {
  const file = join(temp, 'jobs.json');
  writeFileSync(file, JSON.stringify(jobs));
  const script =
    'import json,sys,numpy as np\n' +
    'out=[]\n' +
    'for job in json.load(open(sys.argv[1])):\n' +
    '  a=np.array(job["values"],dtype=np.float64).reshape(job["rows"],job["cols"])\n' +
    '  out.append(sorted(np.linalg.eigvalsh(a).tolist(),reverse=True) if job["op"]=="eigvalsh" else np.linalg.svd(a,compute_uv=False).tolist())\n' +
    'print(json.dumps(out))\n';
  return JSON.parse(
    execFileSync('python3', ['-c', script, file], { encoding: 'utf8', maxBuffer: 1 << 26 }),
  ) as number[][];
}

function randomSymmetric(m: number): Float64Array {
  const random = new Random(m);
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j <= i; j++) a[i * m + j] = a[j * m + i] = random.normal() * (i === j ? 3 : 1);
  return a;
}

const EIGEN_SIDES = [1, 2, 7, 40, 121];
const SPECTRUM_SHAPES: [number, number][] = [
  [24, 40],
  [50, 9],
];
const spectrumData = (n: number, width: number) => randomSnapshot(n, width, 3);

let answers: number[][] | undefined;
/** numpy's eigvalsh of EIGEN_SIDES' matrices, then per SPECTRUM_SHAPES covariance eigvalsh and svd. */
function numpyAnswers(): number[][] {
  answers ??= runNumpy([
    ...EIGEN_SIDES.map((m) => ({
      op: 'eigvalsh' as const,
      rows: m,
      cols: m,
      values: Array.from(randomSymmetric(m)),
    })),
    ...SPECTRUM_SHAPES.flatMap(([n, width]) => {
      const data = spectrumData(n, width);
      return [
        {
          op: 'eigvalsh' as const,
          rows: width,
          cols: width,
          values: Array.from(covariance(data.z1, n, width)),
        },
        { op: 'svd' as const, rows: n, cols: width, values: Array.from(data.z1) },
      ];
    }),
  ]);
  return answers;
}

/** Covariance of an n x w float32 matrix in float64 (w x w, unbiased). */
function covariance(x: Float32Array, n: number, w: number): Float64Array {
  const mean = new Float64Array(w);
  for (let s = 0; s < n; s++) for (let j = 0; j < w; j++) mean[j]! += x[s * w + j]! / n;
  const out = new Float64Array(w * w);
  for (let i = 0; i < w; i++)
    for (let j = 0; j < w; j++) {
      let sum = 0;
      for (let s = 0; s < n; s++) sum += (x[s * w + i]! - mean[i]!) * (x[s * w + j]! - mean[j]!);
      out[i * w + j] = sum / (n - 1);
    }
  return out;
}

describe('symmetric eigenvalues (Householder + implicit QL)', () => {
  it('a diagonal matrix and a known 2 x 2', () => {
    expect(Array.from(symmetricEigenvalues(Float64Array.from([3, 0, 0, 0, -1, 0, 0, 0, 2]), 3))).toEqual([
      3, 2, -1,
    ]);
    const values = symmetricEigenvalues(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(1, 14);
  });

  it.skipIf(!numpy).each(EIGEN_SIDES.map((m, index) => [m, index]))(
    'random symmetric matrix of side %i against numpy eigvalsh',
    (m, index) => {
      const expected = numpyAnswers()[index]!;
      const actual = symmetricEigenvalues(randomSymmetric(m), m);
      const scale = Math.max(...expected.map(Math.abs));
      expected.forEach((value, k) => expect(Math.abs(actual[k]! - value)).toBeLessThan(1e-12 * scale));
    },
  );

  it('rows with nothing left of the diagonal (skipped reflections between fused steps)', () => {
    // B dense, spread over every other index of a side-2k matrix whose other rows are diagonal only:
    // its eigenvalues are B's and those diagonal entries
    const k = 12;
    const b = randomSymmetric(k);
    const m = 2 * k;
    const a = new Float64Array(m * m);
    for (let i = 0; i < k; i++) {
      a[2 * i * m + 2 * i] = 10 + i;
      for (let j = 0; j < k; j++) a[(2 * i + 1) * m + 2 * j + 1] = b[i * k + j]!;
    }
    const expected = [...symmetricEigenvalues(b.slice(), k), ...Array.from({ length: k }, (_, i) => 10 + i)];
    expected.sort((x, y) => y - x);
    const actual = symmetricEigenvalues(a, m);
    expected.forEach((value, index) => expect(actual[index]).toBeCloseTo(value, 11));
  });

  it('repeated and zero eigenvalues (a rank-deficient Gram)', () => {
    // X X^T with X 6 x 2: eigenvalues of X^T X, then four zeros
    const x = [1, 0, 0, 1, 1, 1, 2, -1, 0, 3, -1, 0];
    const m = 6;
    const a = new Float64Array(m * m);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) a[i * m + j] = x[2 * i]! * x[2 * j]! + x[2 * i + 1]! * x[2 * j + 1]!;
    const values = symmetricEigenvalues(a, m);
    // X^T X = [[7, -1], [-1, 12]]: (19 +- sqrt(29)) / 2
    expect(values[0]).toBeCloseTo((19 + Math.sqrt(29)) / 2, 12);
    expect(values[1]).toBeCloseTo((19 - Math.sqrt(29)) / 2, 12);
    for (let k = 2; k < m; k++) expect(Math.abs(values[k]!)).toBeLessThan(1e-12);
  });
});

describe('RankMe', () => {
  it('k equal singular values give k; one gives 1; scale does not matter', () => {
    // up to the 1e-7 added to every p_k (relative 2.7e-4 at k = 512)
    for (const k of [1, 2, 5, 64, 512])
      expect(Math.abs(rankMe(new Array<number>(k).fill(3.5)) / k - 1)).toBeLessThan(1e-3);
    expect(rankMe([7, 0, 0, 0])).toBeCloseTo(1, 4);
    expect(rankMe([4, 4, 0, 0, 0, 0])).toBeCloseTo(2, 4);
    expect(rankMe([1, 2, 3])).toBeCloseTo(rankMe([10, 20, 30]), 12);
    // a known non-uniform spectrum: p = (1/2, 1/4, 1/4) -> exp(1.5 log 2) = 2^1.5
    expect(rankMe([2, 1, 1])).toBeCloseTo(2 ** 1.5, 5);
    expect(rankMe([0, 0])).toBe(0);
  });
});

describe('snapshot spectrum', () => {
  it.skipIf(!numpy).each(SPECTRUM_SHAPES.map(([n, width], index) => [n, width, index]))(
    'n = %i, width %i: covariance eigenvalues against numpy (through the smaller Gram)',
    async (n, width, index) => {
      const data = spectrumData(n, width);
      const part = await spectrumOf(data.z1, n, width);
      expect(part.width).toBe(width);
      expect(part.eigenvalues.length).toBe(Math.min(n, width));
      const expected = numpyAnswers()[EIGEN_SIDES.length + 2 * index]!;
      const scale = expected[0]!;
      part.eigenvalues.forEach((value, k) =>
        expect(Math.abs(value - expected[k]!)).toBeLessThan(2e-5 * scale),
      );
      // the Gram through n has one zero eigenvalue (centred), numpy's covariance width - n + 1 of them
      for (let k = part.eigenvalues.length; k < width; k++)
        expect(Math.abs(expected[k]!)).toBeLessThan(1e-9 * scale);
      // RankMe of the uncentred matrix (column means up to 8 here, well above the spread)
      const sigma = numpyAnswers()[EIGEN_SIDES.length + 2 * index + 1]!;
      const total = sigma.reduce((a, b) => a + b, 0);
      const entropy = sigma.reduce((sum, value) => {
        const p = value / total + 1e-7;
        return sum - p * Math.log(p);
      }, 0);
      expect(part.rankMe).toBeCloseTo(Math.exp(entropy), 5);
    },
  );

  it('RankMe of a matrix with k equal orthogonal directions is k; collapsed features are counted', async () => {
    const n = 32;
    const width = 12;
    // columns 0..3 are orthogonal with equal norms, the other columns zero
    const x = new Float32Array(n * width);
    for (let s = 0; s < n; s++) for (let k = 0; k < 4; k++) x[s * width + k] = s % 4 === k ? 2 : 0;
    const part = await spectrumOf(x, n, width);
    expect(part.rankMe).toBeCloseTo(4, 3);
    expect(part.collapsed).toBe(8);
    expect(part.stdHistogram.counts.reduce((a, b) => a + b, 0)).toBe(width);
  });

  it('the std histogram has log-spaced edges covering every feature; the collapsed count uses the RMS', async () => {
    const data = randomSnapshot(64, 30, 4, { featureDim: 20, collapsed: 3 });
    const result = await spectrum(data);
    const { edges, counts } = result.z.stdHistogram;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
    const ratios = edges.slice(1).map((edge, k) => edge / edges[k]!);
    ratios.forEach((ratio) => expect(ratio).toBeCloseTo(ratios[0]!, 9));
    expect(result.z.collapsed).toBe(3);
    expect(COLLAPSED_STD_FRACTION).toBe(0.01);
    expect(result.backbone?.width).toBe(20);
    expect(result.backbone!.rankMe).toBeGreaterThan(1);
    expect(result.backbone!.rankMe).toBeLessThanOrEqual(20);
    expect((await spectrum({ ...data, h1: null, h2: null, featureDim: 0 })).backbone).toBeNull();
  });
});
