import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { lossConfigSchema } from '../../../../src-shared/config/run-config';
import { barlowTwinsLoss } from '../../../../src-main/ml/losses/barlow-twins';
import { relaxedBarlowTwinsLoss } from '../../../../src-main/ml/losses/relaxed-barlow-twins';
import { relaxedVicregLoss } from '../../../../src-main/ml/losses/relaxed-vicreg';
import { setSimdEnabled } from '../../../../src-main/ml/losses/relaxed/block-spectra';
import type { SnapshotData } from '../../../../src-main/ml/inspect/snapshot-data';
import { summaryPair, summaryView } from '../../../../src-main/ml/inspect/summaries';
import { phi, randomSnapshot, referenceMatrix, referenceSummaries } from '../../../helpers/inspect-reference';

/** The loss's logged terms on the snapshot's views, with the snapshot's permutation. */
function lossTerms(
  data: SnapshotData,
  run: (z1: tf.Tensor2D, z2: tf.Tensor2D) => { terms: Record<string, tf.Scalar> },
): Record<string, number> {
  return tf.tidy(() => {
    const z1 = tf.tensor2d(data.z1, [data.n, data.d]);
    const z2 = tf.tensor2d(data.z2, [data.n, data.d]);
    const { terms } = run(z1, z2);
    return Object.fromEntries(Object.entries(terms).map(([name, value]) => [name, value.dataSync()[0]!]));
  });
}

const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe('inspector summaries: what the relaxed loss sees', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });

  // d = 22, b = 6: G = 4, the last group is 4 wide and zero-padded
  const data = randomSnapshot(16, 22, 21, { permute: true });

  it.each([1, 2] as const)(
    'sBT, b = 6, q = %i: r_gh by definition, and the loss offDiagonal term',
    async (q) => {
      const loss = lossConfigSchema.parse({ name: 'fft-bt', q, blockSize: 6 });
      const view = await summaryView(data, loss);
      expect([view.family, view.view, view.blockSize, view.groups, view.q, view.permuted]).toEqual([
        'bt',
        'cross',
        6,
        4,
        q,
        true,
      ]);
      const expected = referenceSummaries(referenceMatrix(data, 'cross', 'permuted'), 22, 6);
      let error = 0;
      for (let i = 0; i < expected.length; i++)
        error = Math.max(error, Math.abs(view.raw[i]! - expected[i]!));
      expect(error).toBeLessThan(1e-5);
      // contribution of (g, h) = sum_k phi(r_gh[k]), lag 0 out of diagonal blocks
      for (let g = 0; g < 4; g++)
        for (let h = 0; h < 4; h++) {
          let sum = 0;
          for (let k = g === h ? 1 : 0; k < 6; k++) sum += phi(q, expected[(g * 4 + h) * 6 + k]!);
          expect(view.contributions[g * 4 + h]).toBeCloseTo(sum, 4);
        }
      const terms = lossTerms(data, (z1, z2) =>
        relaxedBarlowTwinsLoss(z1, z2, { q, blockSize: 6, permutation: data.permutation }),
      );
      expect(relative(view.relaxedPenalty, terms.offDiagonal!)).toBeLessThan(1e-6);
      expect(
        relative(
          view.contributions.reduce((a, b) => a + b, 0),
          terms.offDiagonal!,
        ),
      ).toBeLessThan(1e-5);
    },
  );

  it('sBT with b = 1 is exactly Barlow Twins: relaxed = exact = the BT loss offDiagonal', async () => {
    const small = randomSnapshot(12, 9, 5, { permute: true });
    const view = await summaryView(small, lossConfigSchema.parse({ name: 'fft-bt', blockSize: 1 }));
    const terms = lossTerms(small, (z1, z2) => barlowTwinsLoss(z1, z2));
    expect(relative(view.relaxedPenalty, terms.offDiagonal!)).toBeLessThan(1e-5);
    expect(relative(view.exactPenalty, terms.offDiagonal!)).toBeLessThan(1e-5);
    expect(relative(view.exactPenalty, view.relaxedPenalty)).toBeLessThan(1e-5);
  });

  it.each([true, false])('sBT with b = d (one block, SIMD %s) matches the loss', async (simd) => {
    setSimdEnabled(simd);
    try {
      const square = randomSnapshot(16, 32, 8, { permute: true });
      const view = await summaryView(square, lossConfigSchema.parse({ name: 'fft-bt' }));
      expect(view.groups).toBe(1);
      const expected = referenceSummaries(referenceMatrix(square, 'cross', 'permuted'), 32, 32);
      for (let k = 0; k < 32; k++) expect(view.raw[k]).toBeCloseTo(expected[k]!, 4);
      const terms = lossTerms(square, (z1, z2) =>
        relaxedBarlowTwinsLoss(z1, z2, { permutation: square.permutation }),
      );
      expect(relative(view.relaxedPenalty, terms.offDiagonal!)).toBeLessThan(1e-6);
    } finally {
      setSimdEnabled(true);
    }
  });

  it.each([1, 2] as const)(
    'sVICReg, b = 6, q = %i: per view, normalised and weighted as the loss',
    async (q) => {
      const loss = lossConfigSchema.parse({ name: 'fft-vicreg', q, blockSize: 6 });
      const one = await summaryView(data, loss, 'cov1');
      const two = await summaryView(data, loss, 'cov2');
      const terms = lossTerms(data, (z1, z2) =>
        relaxedVicregLoss(z1, z2, { q, blockSize: 6, permutation: data.permutation }),
      );
      expect(relative(one.relaxedPenalty, terms.covarianceZ1!)).toBeLessThan(1e-6);
      expect(relative(two.relaxedPenalty, terms.covarianceZ2!)).toBeLessThan(1e-6);
      // rho_gh = r_gh / beta_gh with beta = 4 (the last group's width) wherever the last group takes part
      const expected = referenceSummaries(referenceMatrix(data, 'cov1', 'permuted'), 22, 6);
      const pairs = 6;
      let total = 0;
      for (let g = 0; g < 4; g++)
        for (let h = 0; h < 4; h++) {
          const beta = g === 3 || h === 3 ? 4 : 6;
          const pair = summaryPair(data, loss, g, h, 'cov1');
          expect(pair.lagZeroExcluded).toBe(g === h);
          expect(pair.region).toEqual({
            rows: [g * 6, Math.min(22, g * 6 + 6)],
            cols: [h * 6, Math.min(22, h * 6 + 6)],
          });
          let sum = 0;
          for (let k = 0; k < 6; k++) {
            const rho = expected[(g * 4 + h) * 6 + k]! / beta;
            expect(pair.r[k]).toBeCloseTo(rho, 5);
            if (k > 0 || g !== h) sum += phi(q, rho);
          }
          const weight = g === h ? 1 / 4 : g < h ? 2 / pairs : 0;
          expect(one.contributions[g * 4 + h]).toBeCloseTo(weight * sum, 5);
          total += weight * sum;
        }
      expect(relative(one.relaxedPenalty, total)).toBeLessThan(1e-5);
      // b = 1: 2 / (d (d - 1)) sum_{i != j} phi(K_ij)
      const matrix = referenceMatrix(data, 'cov1');
      let exact = 0;
      for (let i = 0; i < 22; i++)
        for (let j = 0; j < 22; j++) if (i !== j) exact += phi(q, matrix[i * 22 + j]!);
      expect(relative(one.exactPenalty, (2 / (22 * 21)) * exact)).toBeLessThan(1e-5);
    },
  );

  it('exact losses are summarised with b = d, q = 2 and no permutation', async () => {
    const bt = await summaryView(data, lossConfigSchema.parse({ name: 'bt' }));
    expect([bt.blockSize, bt.groups, bt.q, bt.permuted]).toEqual([22, 1, 2, false]);
    const expected = referenceSummaries(referenceMatrix(data, 'cross', 'original'), 22, 22);
    for (let k = 0; k < 22; k++) expect(bt.raw[k]).toBeCloseTo(expected[k]!, 5);
    const terms = lossTerms(data, (z1, z2) => barlowTwinsLoss(z1, z2));
    expect(relative(bt.exactPenalty, terms.offDiagonal!)).toBeLessThan(1e-5);
    const vicreg = await summaryView(data, lossConfigSchema.parse({ name: 'vicreg' }), 'cov2');
    expect([vicreg.family, vicreg.blockSize, vicreg.permuted]).toEqual(['vicreg', 22, false]);
    // permutation 'none' ignores the stored permutation
    const none = await summaryView(
      data,
      lossConfigSchema.parse({ name: 'fft-bt', permutation: 'none', blockSize: 6 }),
    );
    expect(none.permuted).toBe(false);
  });

  it('a lower VICReg pair reads the upper one backwards; bad arguments are refused', () => {
    const loss = lossConfigSchema.parse({ name: 'fft-vicreg', blockSize: 6 });
    const upper = summaryPair(data, loss, 1, 2, 'cov2');
    const lower = summaryPair(data, loss, 2, 1, 'cov2');
    for (let k = 0; k < 6; k++) expect(lower.r[k]).toBeCloseTo(upper.r[(6 - k) % 6]!, 6);
    expect(() => summaryPair(data, loss, 4, 0, 'cov1')).toThrow(/not in \[0, 4\)/);
    expect(() => summaryPair(data, loss, 0, 0, 'cross')).toThrow(/cov1/);
  });
});
