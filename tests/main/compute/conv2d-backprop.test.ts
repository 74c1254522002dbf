import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../../src-main/compute/wasm-kernels';
import { conv2DBackpropFilter } from '../../../src-main/compute/wasm-kernels/conv2d-backprop-filter';
import { relativeMaxError, seededValues, valuesOn } from './backend-compare';

type Shape4 = [number, number, number, number];

interface ConvCase {
  input: Shape4;
  filter: Shape4;
  stride: number | [number, number];
  pad: 'same' | 'valid';
}

const cases: ConvCase[] = [];
for (const stride of [1, 2, 3]) {
  for (const pad of ['same', 'valid'] as const) {
    cases.push({ input: [2, 9, 8, 3], filter: [3, 3, 3, 4], stride, pad });
    cases.push({ input: [3, 11, 11, 2], filter: [2, 4, 2, 5], stride, pad });
    cases.push({ input: [1, 7, 10, 1], filter: [1, 1, 1, 2], stride, pad });
  }
}
cases.push({ input: [4, 16, 16, 3], filter: [7, 7, 3, 8], stride: 2, pad: 'valid' });
cases.push({ input: [2, 12, 13, 4], filter: [3, 3, 4, 6], stride: [2, 1], pad: 'same' });
// channel counts that are multiples of 4 (the SIMD column matrix); output widths below, at and
// above a multiple of 4
for (const stride of [1, 2, 3]) {
  for (const pad of ['same', 'valid'] as const) {
    cases.push({ input: [3, 10, 11, 8], filter: [3, 3, 8, 5], stride, pad });
  }
}
cases.push({ input: [3, 6, 3, 12], filter: [2, 2, 12, 4], stride: 1, pad: 'same' });
cases.push({ input: [2, 9, 9, 4], filter: [1, 1, 4, 3], stride: 1, pad: 'valid' });

const name = (c: ConvCase) =>
  `x ${c.input.join('x')}, filter ${c.filter.join('x')}, stride ${c.stride}, ${c.pad}`;

function outputShape(c: ConvCase): Shape4 {
  const info = tf.backend_util.computeConv2DInfo(c.input, c.filter, c.stride, 1, c.pad);
  return info.outShape as Shape4;
}

describe('wasm training kernels: convolution gradients match the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  /** dW on cpu and on wasm, where `options` can force one of the forms (and cap the column matrix). */
  async function checkFilterGradient(c: ConvCase, options?: Parameters<typeof conv2DBackpropFilter>[1]) {
    const dyShape = outputShape(c);
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
    const compute = (direct: boolean) => () =>
      tf.tidy(() => {
        const x = tf.tensor4d(seededValues(tf.util.sizeFromShape(c.input), 1), c.input);
        const dy = tf.tensor4d(seededValues(tf.util.sizeFromShape(dyShape), 2), dyShape);
        if (!direct) return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs) as tf.Tensor;
        const inputs = {
          inputs: { x, dy },
          backend: tf.backend(),
          attrs: attrs as unknown as tf.NamedAttrMap,
        };
        return tf.engine().makeTensorFromTensorInfo(conv2DBackpropFilter(inputs, options));
      });
    const expected = await valuesOn('cpu', compute(false));
    const actual = await valuesOn('wasm', compute(options !== undefined));
    expect(relativeMaxError(actual, expected), name(c)).toBeLessThan(1e-5);
  }

  it.each(cases)('Conv2DBackpropFilter: $input.0 images, %#', (c) => checkFilterGradient(c));

  it.each(cases.filter((_, index) => index % 2 === 0))(
    'Conv2DBackpropFilter, convolution form: $input.0 images, %#',
    (c) => checkFilterGradient(c, { form: 'convolution' }),
  );

  it.each(cases.filter((_, index) => index % 2 === 1))(
    'Conv2DBackpropFilter, column matrix from slices: $input.0 images, %#',
    (c) => checkFilterGradient(c, { form: 'columns' }),
  );

  const simdCases = cases.filter((c) => c.input[3] % 4 === 0);
  it.each(simdCases)('Conv2DBackpropFilter, SIMD column matrix: $input.0 images, %#', (c) =>
    checkFilterGradient(c, { form: 'simd-columns' }),
  );

  it.each(simdCases)('Conv2DBackpropFilter, SIMD column matrix in chunks of 2 images: %#', (c) => {
    const info = tf.backend_util.computeConv2DInfo(c.input, c.filter, c.stride, 1, c.pad);
    const perImage = info.outHeight * info.outWidth * c.filter[0] * c.filter[1] * c.filter[2];
    return checkFilterGradient(c, { form: 'simd-columns', columnLimit: 2 * perImage });
  });

  it.each(cases)('Conv2DBackpropInput: $input.0 images, %#', async (c) => {
    const dyShape = outputShape(c);
    const compute = () =>
      tf.tidy(() => {
        const filter = tf.tensor4d(seededValues(tf.util.sizeFromShape(c.filter), 3), c.filter);
        const dy = tf.tensor4d(seededValues(tf.util.sizeFromShape(dyShape), 4), dyShape);
        return tf.engine().runKernel(
          tf.Conv2DBackpropInput,
          { dy, filter },
          {
            strides: c.stride,
            pad: c.pad,
            dataFormat: 'NHWC',
            inputShape: c.input,
          },
        ) as tf.Tensor;
      });
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    expect(relativeMaxError(actual, expected), name(c)).toBeLessThan(1e-5);
  });

  it('gives the same conv2d gradients as cpu through tf.grads, including the fused bias-relu conv', async () => {
    const compute = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(seededValues(2 * 10 * 10 * 3, 5), [2, 10, 10, 3]);
        const filter = tf.tensor4d(seededValues(3 * 3 * 3 * 4, 6), [3, 3, 3, 4]);
        const bias = tf.tensor1d(seededValues(4, 7));
        const [dx, dFilter, dBias] = tf.grads((input: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
          tf.fused
            .conv2d({
              x: input as tf.Tensor4D,
              filter: w as tf.Tensor4D,
              strides: 2,
              pad: 'same',
              bias: b,
              activation: 'relu',
            })
            .square()
            .sum(),
        )([x, filter, bias]);
        return tf.concat([dx!.flatten(), dFilter!.flatten(), dBias!.flatten()]);
      });
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('wasm', compute);
    expect(relativeMaxError(actual, expected)).toBeLessThan(1e-5);
  });

  it('registers idempotently', () => {
    const before = tf.getKernel(tf.BatchMatMul, 'wasm').kernelFunc;
    registerWasmTrainingKernels();
    expect(tf.getKernel(tf.BatchMatMul, 'wasm').kernelFunc).toBe(before);
  });
});
