import { describe, expect, it } from 'vitest';
import { StockhamFft } from '../../../../../src-main/ml/fft/stockham';
import {
  bluesteinChirp,
  bluesteinFilterSpectrum,
  bluesteinSize,
  stockhamPasses,
  stockhamRadices,
  stockhamTwiddles,
  unitRoot,
  type FftSign,
} from '../../../../../src-main/compute/webgpu-kernels/fft/plan';
import { randomValues, referenceDft } from './reference';

/** The shaders' Stockham index map run in float64 with the plan's twiddles and a direct radix DFT. */
function simulateStockham(x: Float64Array, length: number, sign: FftSign): Float64Array {
  const twiddles = stockhamTwiddles(length, sign);
  let source = Float64Array.from(x);
  for (const { radix, stride, span, twiddleOffset } of stockhamPasses(length)) {
    const target = new Float64Array(source.length);
    for (let q = 0; q < span; q++)
      for (let k = 0; k < stride; k++)
        for (let t = 0; t < radix; t++) {
          let re = 0;
          let im = 0;
          for (let r = 0; r < radix; r++) {
            const [c, s] = unitRoot(r * t, radix, sign);
            const at = 2 * (k + stride * (q + r * span));
            re += source[at]! * c - source[at + 1]! * s;
            im += source[at]! * s + source[at + 1]! * c;
          }
          const w =
            t === 0
              ? [1, 0]
              : [
                  twiddles[2 * (twiddleOffset + q * (radix - 1) + t - 1)]!,
                  twiddles[2 * (twiddleOffset + q * (radix - 1) + t - 1) + 1]!,
                ];
          const out = 2 * (k + stride * (radix * q + t));
          target[out] = re * w[0]! - im * w[1]!;
          target[out + 1] = re * w[1]! + im * w[0]!;
        }
    source = target;
  }
  return source;
}

/** Bluestein in float64 with the plan's chirp and filter spectrum (the GPU steps, on the host). */
function simulateBluestein(x: Float64Array, length: number, sign: FftSign): Float64Array {
  const size = bluesteinSize(length);
  const chirp = bluesteinChirp(length, sign);
  const filter = bluesteinFilterSpectrum(length, sign);
  const fft = new StockhamFft(size);
  const multiply = (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): [number, number] => [
    a[2 * i]! * b[2 * j]! - a[2 * i + 1]! * b[2 * j + 1]!,
    a[2 * i]! * b[2 * j + 1]! + a[2 * i + 1]! * b[2 * j]!,
  ];
  fft.input.fill(0);
  for (let n = 0; n < length; n++) fft.input.set(multiply(x, n, chirp, n), 2 * n);
  const spectrum = Float64Array.from(fft.execute());
  // inverse FFT as conj(FFT(conj(.)))
  for (let f = 0; f < size; f++) {
    const [re, im] = multiply(spectrum, f, filter, f);
    fft.input[2 * f] = re;
    fft.input[2 * f + 1] = -im;
  }
  const convolution = fft.execute();
  const y = new Float64Array(2 * length);
  for (let k = 0; k < length; k++) {
    const conj = [convolution[2 * k]!, -convolution[2 * k + 1]!];
    y.set(multiply(conj, 0, chirp, k), 2 * k);
  }
  return y;
}

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>): number =>
  Array.from(a).reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);

describe('WebGPU FFT plan (float64, no GPU)', () => {
  it('factors lengths into radices 16, 8, 4, 2, 3, 5, 7 and sends every other prime to Bluestein', () => {
    expect(stockhamRadices(1)).toEqual([]);
    expect(stockhamRadices(8192)).toEqual([16, 16, 16, 2]);
    expect(stockhamRadices(4096)).toEqual([16, 16, 16]);
    expect(stockhamRadices(32768)).toEqual([16, 16, 16, 8]);
    expect(stockhamRadices(2048)).toEqual([16, 16, 8]);
    expect(stockhamRadices(48)).toEqual([16, 3]);
    expect(stockhamRadices(360)).toEqual([8, 3, 3, 5]);
    expect(stockhamRadices(3000)).toEqual([8, 3, 5, 5, 5]);
    for (const length of [11, 13, 97, 2310, 4093, 4095]) expect(stockhamRadices(length)).toBeNull();
    const passes = stockhamPasses(3000);
    expect(passes.map((pass) => pass.stride)).toEqual([1, 8, 24, 120, 600]);
    expect(passes.map((pass) => pass.span * pass.radix * pass.stride)).toEqual(passes.map(() => 3000));
    expect(() => stockhamPasses(22)).toThrow(/Bluestein/);
  });

  it('unit roots: exact quarter turns, exact conjugates, integer reduction of the angle', () => {
    expect(unitRoot(0, 7, -1)).toEqual([1, 0]);
    expect(unitRoot(1, 4, -1)).toEqual([0, -1]);
    expect(unitRoot(3, 4, -1)).toEqual([0, 1]);
    expect(unitRoot(6, 12, 1)).toEqual([-1, 0]);
    expect(unitRoot(1, 4, 1)).toEqual([0, 1]);
    for (const [n, d] of [
      [1, 3],
      [5, 17],
      [1234, 4093],
      [99, 8192],
    ] as const) {
      const [re, im] = unitRoot(n, d, -1);
      expect(unitRoot(n, d, 1)).toEqual([re, -im]);
      expect(unitRoot(d - n, d, -1)).toEqual([re, -im]);
      expect(unitRoot(n + 1000 * d, d, -1)).toEqual([re, im]);
      expect(re).toBeCloseTo(Math.cos((2 * Math.PI * n) / d), 15);
      expect(im).toBeCloseTo(-Math.sin((2 * Math.PI * n) / d), 15);
    }
  });

  it.each([2, 3, 7, 8, 12, 40, 96, 360, 1000, 4096])(
    'Stockham index map and twiddles give the DFT of length %i',
    (length) => {
      const x = Float64Array.from(randomValues(2 * length, length));
      for (const sign of [-1, 1] as const)
        expect(
          maxDifference(simulateStockham(x, length, sign), referenceDft(x, length, sign === 1)),
        ).toBeLessThan(1e-11);
    },
  );

  it.each([11, 13, 97, 2310, 4093])(
    'Bluestein chirp and filter spectrum give the DFT of length %i',
    (length) => {
      const x = Float64Array.from(randomValues(2 * length, length));
      expect(bluesteinSize(length)).toBeGreaterThanOrEqual(2 * length - 1);
      expect(bluesteinSize(length)).toBeLessThan(4 * length);
      for (const sign of [-1, 1] as const)
        expect(
          maxDifference(simulateBluestein(x, length, sign), referenceDft(x, length, sign === 1)),
        ).toBeLessThan(1e-10);
    },
  );

  it('the chirp is reduced exactly: c_n = exp(sign pi i n^2 / b) even where n^2 pi / b is large', () => {
    const length = 4093;
    const chirp = bluesteinChirp(length, -1);
    for (const n of [1, 2, 1000, 4092]) {
      const angle = (Math.PI * ((n * n) % (2 * length))) / length;
      expect(chirp[2 * n]).toBeCloseTo(Math.cos(angle), 14);
      expect(chirp[2 * n + 1]).toBeCloseTo(-Math.sin(angle), 14);
    }
    expect(Array.from(bluesteinChirp(length, 1))).toEqual(
      Array.from(chirp).map((v, i) => (i % 2 ? -v : v) || 0),
    );
  });
});
