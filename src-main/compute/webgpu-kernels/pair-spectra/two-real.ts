import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * Two real signals for the price of one complex FFT: for Z = fft(u + i v) along the bins axis
 * of [..., b, 2], with W[f] = Z[(b - f) mod b],
 *   fft(u) = (Z + conj(W)) / 2,   fft(v) = (Z - conj(W)) / (2 i).
 * `which` picks u ('real') or v ('imaginary'). Differentiable: the gradient program is the
 * adjoint of this linear map (each bin f reads bins f and -f, so dZ[f] gathers both).
 */
export function twoRealSpectraWebGpu(z: tf.Tensor, which: 'real' | 'imaginary'): tf.Tensor {
  if (z.rank < 2 || z.shape[z.rank - 1] !== 2 || z.dtype !== 'float32')
    throw new Error(
      `twoRealSpectraWebGpu: z must be float32 [..., b, 2], got ${z.dtype} [${z.shape.join(', ')}]`,
    );
  const bins = z.shape[z.rank - 2]!;
  const op = tf.customGrad((input) => ({
    value: run(program(which, 'forward', z.shape), input as tf.Tensor, bins),
    gradFunc: (dy: tf.Tensor) => run(program(which, 'adjoint', z.shape), dy, bins),
  }));
  return op(z) as tf.Tensor;
}

/**
 * One invocation per complex value: a = value at bin f, c = value at bin -f.
 * forward real:      (a.x + c.x, a.y - c.y) / 2
 * forward imaginary: (a.y + c.y, c.x - a.x) / 2
 * adjoint real:      (a.x + c.x, a.y - c.y) / 2   (the map is self-adjoint)
 * adjoint imaginary: (c.y - a.y, a.x + c.x) / 2
 */
const FORMULAS = {
  real: { forward: 'vec2<f32>(a.x + c.x, a.y - c.y)', adjoint: 'vec2<f32>(a.x + c.x, a.y - c.y)' },
  imaginary: { forward: 'vec2<f32>(a.y + c.y, c.x - a.x)', adjoint: 'vec2<f32>(c.y - a.y, a.x + c.x)' },
} as const;

const WORKGROUP = 64;

function program(
  which: 'real' | 'imaginary',
  direction: 'forward' | 'adjoint',
  shape: number[],
): WebGPUProgram {
  const values = shape.reduce((product, size) => product * size, 1) / 2;
  return {
    variableNames: ['Z'],
    outputShape: shape,
    shaderKey: `twoRealSpectra_${which}_${direction}`,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(values / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: 'values : i32, bins : i32,',
    getUserCode: () => /* wgsl */ `
  fn main(index : i32) {
    if (index >= uniforms.values) { return; }
    let b = uniforms.bins;
    let f = index % b;
    let mirror = index - f + (b - f) % b;
    let a = vec2<f32>(Z[2 * index], Z[2 * index + 1]);
    let c = vec2<f32>(Z[2 * mirror], Z[2 * mirror + 1]);
    let value = 0.5 * ${FORMULAS[which][direction]};
    result[2 * index] = value.x;
    result[2 * index + 1] = value.y;
  }`,
  };
}

function run(p: WebGPUProgram, input: tf.Tensor, bins: number): tf.Tensor {
  const backend = tf.backend() as WebGPUBackend;
  const values = input.size / 2;
  const info = backend.runWebGPUProgram(p, [input], 'float32', [
    { type: 'int32', data: [values] },
    { type: 'int32', data: [bins] },
  ]);
  return tf.engine().makeTensorFromTensorInfo(info);
}
