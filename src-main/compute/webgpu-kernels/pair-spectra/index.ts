import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { pairGradientProgram, pairProductProgram } from './programs';

/**
 * The frequency-domain pair product of the relaxed losses on the webgpu backend (spec
 * section 4 step 5, section 11): for spectra X, Y of shape [N, G, b, 2] (complex, interleaved),
 * R[g, h, f] = sum_n conj(X[n, g, f]) Y[n, h, f], shape [G, G, b, 2]. O(N G^2 b).
 * Differentiable in both arguments; passing the same tensor twice (X = Y) gives the sum of both
 * gradients, as the tape adds them. `upperOnly` computes only the pairs g <= h (the others are 0
 * and carry no gradient), for X = Y where the lower ones are redundant.
 */
export function pairSpectraWebGpu(x: tf.Tensor, y: tf.Tensor, upperOnly = false): tf.Tensor {
  checkSpectra(x, 'x');
  checkSpectra(y, 'y');
  if (!x.shape.every((size, i) => size === y.shape[i]))
    throw new Error(`pairSpectraWebGpu: x and y must have the same shape, got [${x.shape}] and [${y.shape}]`);
  const [rows, groups, bins] = x.shape as [number, number, number, number];
  const op = tf.customGrad((...args) => {
    const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([a, b]);
    const value = run(pairProductProgram(rows, groups, bins, upperOnly), [a, b], groups * groups * bins);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
        const count = rows * groups * bins;
        return [
          run(pairGradientProgram('first', rows, groups, bins, upperOnly), [sb, dy], count),
          run(pairGradientProgram('second', rows, groups, bins, upperOnly), [sa, dy], count),
        ];
      },
    };
  });
  return op(x, y) as tf.Tensor;
}

function checkSpectra(t: tf.Tensor, name: string): void {
  if (t.rank !== 4 || t.shape[3] !== 2 || t.dtype !== 'float32')
    throw new Error(
      `pairSpectraWebGpu: ${name} must be float32 [N, G, b, 2], got ${t.dtype} [${t.shape.join(', ')}]`,
    );
  if (tf.getBackend() !== 'webgpu')
    throw new Error(`pairSpectraWebGpu: needs the webgpu backend, the current one is ${tf.getBackend()}`);
}

/** `count`: the program's one uniform (outputs or invocations). */
function run(program: WebGPUProgram, inputs: tf.Tensor[], count: number): tf.Tensor {
  const backend = tf.backend() as WebGPUBackend;
  const info = backend.runWebGPUProgram(program, inputs, 'float32', [{ type: 'int32', data: [count] }]);
  return tf.engine().makeTensorFromTensorInfo(info);
}
