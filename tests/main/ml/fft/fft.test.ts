import { describe, expect, it } from 'vitest';
import { createFftPlan, getFftPlan } from '../../../../src-main/ml/fft/plan';
import { halfSpectrumLength, realForward, realInverse } from '../../../../src-main/ml/fft/real';
import { factorize } from '../../../../src-main/ml/fft/stockham';
import { BatchedFft } from '../../../../src-main/ml/fft/batched-plan';
import { Random } from '../../../../src-main/ml/random';

/** The O(L^2) definition, X[k] = sum_j x[j] exp(-2 pi i j k / L). */
function naiveDft(x: Float64Array): Float64Array {
  const length = x.length / 2;
  const out = new Float64Array(2 * length);
  for (let k = 0; k < length; k++) {
    for (let j = 0; j < length; j++) {
      const angle = (-2 * Math.PI * ((j * k) % length)) / length;
      out[2 * k]! += x[2 * j]! * Math.cos(angle) - x[2 * j + 1]! * Math.sin(angle);
      out[2 * k + 1]! += x[2 * j]! * Math.sin(angle) + x[2 * j + 1]! * Math.cos(angle);
    }
  }
  return out;
}

const random = new Random(3);
// powers of two, every hand-written radix, generic small primes, and large primes (Bluestein)
const lengths = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 24, 25, 30, 31, 37, 48, 49, 64, 97, 100, 127, 128, 210, 256, 1009,
  1024,
];

describe('complex FFT plans', () => {
  it.each(lengths)('length %i matches the definition', (length) => {
    const x = Float64Array.from({ length: 2 * length }, () => random.normal());
    const plan = createFftPlan(length);
    plan.input.set(x);
    const out = plan.execute();
    const expected = naiveDft(x);
    let error = 0;
    for (let i = 0; i < 2 * length; i++) error = Math.max(error, Math.abs(out[i]! - expected[i]!));
    expect(error).toBeLessThan(1e-10 * Math.sqrt(length) * Math.log2(length + 1) + 1e-12);
  });

  it('factorizes into 4s, then 2, 3, 5 and other primes', () => {
    expect(factorize(8192)).toEqual([4, 4, 4, 4, 4, 4, 2]);
    expect(factorize(6144)).toEqual([4, 4, 4, 4, 4, 2, 3]);
    expect(factorize(1009)).toEqual([1009]);
    expect(factorize(1)).toEqual([]);
  });

  it('caches plans by length', () => {
    expect(getFftPlan(64)).toBe(getFftPlan(64));
  });
});

describe('real transforms', () => {
  it.each([1, 2, 7, 8, 24, 31])('length %i round-trips and has Hermitian half spectra', (length) => {
    const plan = createFftPlan(length);
    const signal = Float64Array.from({ length }, () => random.normal());
    const half = new Float64Array(2 * halfSpectrumLength(length));
    realForward(plan, signal, half);
    const full = naiveDft(
      Float64Array.from({ length: 2 * length }, (_, i) => (i % 2 === 0 ? signal[i / 2]! : 0)),
    );
    for (let i = 0; i < half.length; i++) expect(half[i]).toBeCloseTo(full[i]!, 10);
    const back = new Float64Array(length);
    realInverse(plan, half, back);
    for (let j = 0; j < length; j++) expect(back[j]).toBeCloseTo(signal[j]!, 10);
  });
});

describe('4-lane WebAssembly SIMD transforms', () => {
  it.each([4, 8, 32, 128, 1024])('length %i matches the scalar plan in every lane (float32)', (length) => {
    const fft = BatchedFft.forLength(length);
    expect(fft).not.toBeNull();
    const lanes = Array.from({ length: 4 }, () =>
      Float64Array.from({ length: 2 * length }, () => random.normal()),
    );
    for (let j = 0; j < length; j++) {
      for (let lane = 0; lane < 4; lane++) {
        fft!.view[fft!.inputAt + 8 * j + lane] = lanes[lane]![2 * j]!;
        fft!.view[fft!.inputAt + 8 * j + 4 + lane] = lanes[lane]![2 * j + 1]!;
      }
    }
    const at = fft!.execute();
    const plan = createFftPlan(length);
    for (let lane = 0; lane < 4; lane++) {
      plan.input.set(lanes[lane]!);
      const expected = plan.execute();
      for (let j = 0; j < length; j++) {
        expect(Math.abs(fft!.view[at + 8 * j + lane]! - expected[2 * j]!)).toBeLessThan(
          1e-5 * Math.sqrt(length),
        );
        expect(Math.abs(fft!.view[at + 8 * j + 4 + lane]! - expected[2 * j + 1]!)).toBeLessThan(
          1e-5 * Math.sqrt(length),
        );
      }
    }
  });

  it('is offered only for powers of two >= 4', () => {
    expect(BatchedFft.forLength(2)).toBeNull();
    expect(BatchedFft.forLength(24)).toBeNull();
  });
});
