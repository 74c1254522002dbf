import type * as tf from '@tensorflow/tfjs';
import { butterflyWgsl } from './butterfly';
import type { FftSign } from './plan';
import { run } from './run';

/**
 * The FFT family's global-memory programs: one Stockham pass, and Bluestein's elementwise steps.
 * Lengths, strides and offsets are uniforms, so there is one shader per radix and direction (a
 * handful of compiles, whatever the lengths), and the shaderKey names exactly what the text
 * depends on.
 */

/**
 * One Stockham pass of radix R over every row of x ([rows, 2 length]) with the twiddles of all
 * passes in `twiddles` ([count, 2]); see StockhamPass for the index map. One invocation per
 * butterfly; consecutive invocations take consecutive k, so loads and stores are contiguous once
 * stride > 1.
 */
export function stockhamPass(
  x: tf.Tensor2D,
  twiddles: tf.Tensor,
  pass: { radix: number; stride: number; twiddleOffset: number },
  sign: FftSign,
): tf.Tensor2D {
  const { radix } = pass;
  const rows = x.shape[0];
  const length = x.shape[1] / 2;
  const inputs = Array.from({ length: radix }, (_, r) => `x${r}`);
  const butterfly = butterflyWgsl(radix, sign, inputs);
  const loads = inputs.map((name, r) => `let ${name} = X[srcBase + stride * (q + ${r} * span)];`);
  const stores = butterfly.outputs.map((name, t) =>
    t === 0
      ? `result[dstBase] = ${name};`
      : `result[dstBase + ${t} * stride] = cmul(${name}, W[twBase + ${t - 1}]);`,
  );
  const body = `
  let stride = uniforms.stride;
  let perRow = uniforms.length / ${radix};
  let span = perRow / stride;
  let row = index / perRow;
  let inRow = index - row * perRow;
  let q = inRow / stride;
  let k = inRow - q * stride;
  let srcBase = row * uniforms.length + k;
  ${loads.join('\n  ')}
  ${butterfly.lines.join('\n  ')}
  let dstBase = row * uniforms.length + k + stride * ${radix} * q;
  let twBase = uniforms.twiddleOffset + q * ${radix - 1};
  ${stores.join('\n  ')}`;
  return run(
    {
      key: `stockham_r${radix}_${sign === -1 ? 'forward' : 'inverse'}`,
      inputs: ['X', 'W'],
      uniforms: { length, stride: pass.stride, twiddleOffset: pass.twiddleOffset },
      rows,
      columns: length,
      threads: (rows * length) / radix,
      body,
    },
    [x, twiddles],
  );
}

/** Bluestein's first step: a_n = x_n c_n for n < length, zero up to `size` ([rows, 2 size]). */
export function chirpPad(x: tf.Tensor2D, chirp: tf.Tensor, size: number): tf.Tensor2D {
  const rows = x.shape[0];
  const length = x.shape[1] / 2;
  const body = `
  let row = index / uniforms.padded;
  let n = index - row * uniforms.padded;
  var value = vec2<f32>(0.0, 0.0);
  if (n < uniforms.length) {
    value = cmul(X[row * uniforms.length + n], C[n]);
  }
  result[index] = value;`;
  return run(
    {
      key: 'bluestein_pad',
      inputs: ['X', 'C'],
      uniforms: { length, padded: size },
      rows,
      columns: size,
      threads: rows * size,
      body,
    },
    [x, chirp],
  );
}

/** Every row of a ([rows, 2 size]) times the filter spectrum h ([size, 2]). */
export function spectrumProduct(a: tf.Tensor2D, h: tf.Tensor): tf.Tensor2D {
  const rows = a.shape[0];
  const size = a.shape[1] / 2;
  const body = `
  let f = index - (index / uniforms.padded) * uniforms.padded;
  result[index] = cmul(A[index], H[f]);`;
  return run(
    {
      key: 'bluestein_product',
      inputs: ['A', 'H'],
      uniforms: { padded: size },
      rows,
      columns: size,
      threads: rows * size,
      body,
    },
    [a, h],
  );
}

/** Bluestein's last step: y_k = a_k c_k for k < length ([rows, 2 length]). */
export function chirpCrop(a: tf.Tensor2D, chirp: tf.Tensor, length: number): tf.Tensor2D {
  const rows = a.shape[0];
  const size = a.shape[1] / 2;
  const body = `
  let row = index / uniforms.length;
  let k = index - row * uniforms.length;
  result[index] = cmul(A[row * uniforms.padded + k], C[k]);`;
  return run(
    {
      key: 'bluestein_crop',
      inputs: ['A', 'C'],
      uniforms: { length, padded: size },
      rows,
      columns: length,
      threads: rows * length,
      body,
    },
    [a, chirp],
  );
}
