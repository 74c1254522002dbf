import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/compute/backend';
import { registerWebGpuTrainingKernels } from '../../../../src-main/compute/webgpu-kernels';
import { Random } from '../../../../src-main/ml/random';
import { useSoftwareVulkan } from '../../../helpers/webgpu';

type Shape4 = [number, number, number, number];
type Case = { x: Shape4; filter: Shape4; strides: number; pad: 'same' | 'valid' | number };

const values = (size: number, seed: number) => {
  const random = new Random(seed);
  return Float32Array.from({ length: size }, () => random.next() * 2 - 1);
};

/** The filter gradient of conv2d(x, w) for upstream gradient dy, on the current backend. */
async function filterGradient({ x, filter, strides, pad }: Case): Promise<Float32Array> {
  const input = tf.tensor4d(
    values(
      x.reduce((a, b) => a * b),
      1,
    ),
    x,
  );
  const weights = tf.zeros(filter) as tf.Tensor4D;
  const output = tf.conv2d(input, weights, strides, pad);
  const dy = tf.tensor(values(output.size, 2), output.shape);
  const dw = tf
    .engine()
    .runKernel(
      tf.Conv2DBackpropFilter,
      { x: input, dy },
      { strides, pad, dataFormat: 'NHWC', filterShape: filter },
    ) as tf.Tensor;
  const result = (await dw.data()) as Float32Array;
  tf.dispose([input, weights, output, dy, dw]);
  return result;
}

describe('Conv2DBackpropFilter on webgpu (one split-K product per filter tap)', () => {
  beforeAll(async () => {
    useSoftwareVulkan();
    await selectBackend('webgpu'); // registers the replacement
    registerWebGpuTrainingKernels(); // a second call changes nothing
  });

  it.each<Case>([
    { x: [2, 9, 9, 8], filter: [3, 3, 8, 5], strides: 1, pad: 'same' }, // the small CNN and ResNet blocks
    { x: [2, 9, 9, 8], filter: [3, 3, 8, 5], strides: 2, pad: 'same' }, // a ResNet stage's first conv
    { x: [2, 8, 8, 8], filter: [1, 1, 8, 6], strides: 2, pad: 'valid' }, // its projection shortcut
    { x: [2, 16, 16, 8], filter: [7, 7, 8, 4], strides: 2, pad: 'same' }, // a wide filter, strided
    { x: [2, 16, 16, 3], filter: [7, 7, 3, 4], strides: 2, pad: 'same' }, // the ImageNet stem: stock
    { x: [1, 7, 6, 8], filter: [2, 3, 8, 3], strides: 1, pad: 1 }, // explicit padding: stock
  ])('matches cpu: x $x, filter $filter, stride $strides, pad $pad', async (testCase) => {
    await tf.setBackend('cpu');
    const expected = await filterGradient(testCase);
    await tf.setBackend('webgpu');
    const tensors = tf.memory().numTensors;
    const actual = await filterGradient(testCase);
    expect(tf.memory().numTensors).toBe(tensors);
    const scale = Math.max(...expected.map(Math.abs));
    const error = Math.max(...expected.map((value, i) => Math.abs(actual[i]! - value)));
    expect(actual.length).toBe(expected.length);
    expect(error / scale).toBeLessThan(1e-5);
  });

  it('is the registered kernel', () => {
    const kernel = tf.getKernel(tf.Conv2DBackpropFilter, 'webgpu')!;
    expect(kernel.kernelFunc.name).not.toBe('conv2DBackpropFilter');
  });
});
