import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../../src-main/compute/backend';
import { relaxedBarlowTwinsLoss } from '../../../../../../src-main/ml/losses/relaxed-barlow-twins';
import { relaxedVicregLoss } from '../../../../../../src-main/ml/losses/relaxed-vicreg';
import { relaxedDeviceKernels } from '../../../../../../src-main/ml/losses/relaxed/device/ops';
import { Random } from '../../../../../../src-main/ml/random';
import type { LossOutput } from '../../../../../../src-main/ml/losses/types';
import { useSoftwareVulkan } from '../../../../../helpers/webgpu';
import { randomViews, relativeMaxError } from '../../helpers';

interface Evaluated {
  loss: number;
  terms: Record<string, number>;
  grads: [number[][], number[][]];
}

type Loss = (z1: tf.Tensor2D, z2: tf.Tensor2D) => LossOutput;

/** Loss, terms and both gradients on the current backend, read back asynchronously. */
async function evaluate(loss: Loss, z1: number[][], z2: number[][]): Promise<Evaluated> {
  const names: string[] = [];
  const outputs = tf.tidy(() => {
    const terms: tf.Tensor[] = [];
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => {
      const output = loss(a as tf.Tensor2D, b as tf.Tensor2D);
      for (const [name, term] of Object.entries(output.terms)) {
        names.push(name);
        terms.push(tf.keep(term));
      }
      return output.loss;
    })([tf.tensor2d(z1), tf.tensor2d(z2)]);
    return [value, grads[0]!, grads[1]!, ...terms];
  });
  const [value, g1, g2, ...terms] = await Promise.all(outputs.map((t) => t.array()));
  tf.dispose(outputs);
  return {
    loss: value as number,
    terms: Object.fromEntries(names.map((name, i) => [name, terms[i] as number])),
    grads: [g1 as number[][], g2 as number[][]],
  };
}

// b = d, b dividing d, padding (b not dividing d, odd / prime), b = 1; q = 1, 2; permutation on/off
const CASES: [n: number, d: number, b: number, q: 1 | 2, permuted: boolean][] = [
  [12, 12, 12, 2, false],
  [12, 12, 12, 1, true],
  [9, 12, 4, 2, true],
  [9, 12, 5, 2, false],
  [9, 12, 5, 1, true],
  [20, 13, 13, 2, true],
  [10, 14, 7, 1, false],
  [8, 6, 1, 2, true],
  [8, 6, 1, 1, false],
  [64, 10, 10, 2, true],
];

describe('relaxed losses: device path (webgpu) against the host kernels (cpu)', () => {
  beforeAll(async () => {
    useSoftwareVulkan();
    await selectBackend('webgpu');
  });
  afterAll(async () => {
    await tf.setBackend('webgpu');
  });

  it('selectBackend registers the device kernels for webgpu only', () => {
    expect(relaxedDeviceKernels('webgpu')).toBeDefined();
    expect(relaxedDeviceKernels('cpu')).toBeUndefined();
  });

  it('leaves no tensor behind (after a first call, which builds the FFT constants)', async () => {
    const [z1, z2] = randomViews(6, 10, 3);
    const options = { blockSize: 4, permutation: new Random(1).permutation(10) };
    for (const loss of [relaxedBarlowTwinsLoss, relaxedVicregLoss]) {
      await evaluate((a, c) => loss(a, c, options), z1, z2);
      const before = tf.memory().numTensors;
      await evaluate((a, c) => loss(a, c, options), z1, z2);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it.each(CASES)(
    'n %i, d %i, b %i, q %i, permuted %s: loss, terms and gradients agree',
    async (n, d, b, q, permuted) => {
      const [z1, z2] = randomViews(n, d, n * 1000 + d * 10 + b);
      const permutation = permuted ? new Random(d + b).permutation(d) : null;
      const losses: [string, Loss][] = [
        ['fft-bt', (a, c) => relaxedBarlowTwinsLoss(a, c, { q, blockSize: b, permutation })],
        ['fft-vicreg', (a, c) => relaxedVicregLoss(a, c, { q, blockSize: b, permutation })],
      ];
      for (const [name, loss] of losses) {
        await tf.setBackend('webgpu');
        const device = await evaluate(loss, z1, z2);
        await tf.setBackend('cpu');
        const host = await evaluate(loss, z1, z2);
        expect(Math.abs(device.loss - host.loss) / Math.abs(host.loss), name).toBeLessThan(2e-5);
        expect(Object.keys(device.terms), name).toEqual(Object.keys(host.terms));
        for (const [term, value] of Object.entries(host.terms))
          expect(Math.abs(device.terms[term]! - value), `${name} ${term}`).toBeLessThan(
            2e-5 * Math.max(Math.abs(value), 1e-3),
          );
        expect(relativeMaxError(device.grads[0], host.grads[0]), name).toBeLessThan(1e-4);
        expect(relativeMaxError(device.grads[1], host.grads[1]), name).toBeLessThan(1e-4);
      }
    },
  );
});
