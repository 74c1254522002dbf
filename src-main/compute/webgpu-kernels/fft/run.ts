import * as tf from '@tensorflow/tfjs';

/**
 * The one way the FFT family's WGSL runs: tfjs-backend-webgpu's runWebGPUProgram with complex
 * values as vec2<f32> (outputComponent / variableComponents 2), so a [rows, 2 b] float32 tensor is
 * rows * b complex numbers, and every length, stride or offset an i32 uniform.
 */

const WORKGROUP_SIZE = 64;

/** The part of tfjs-backend-webgpu's program contract used here (webgpu_program.ts). */
interface WebGpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  outputComponent: number;
  variableComponents: number[];
  uniforms: string;
  getUserCode(): string;
}

interface ProgramUniform {
  type: 'int32';
  data: number[];
}

/** The webgpu backend as seen from here; typed locally because the package is optional and lazy. */
interface WebGpuBackend {
  runWebGPUProgram(
    program: WebGpuProgram,
    inputs: tf.TensorInfo[],
    dtype: 'float32',
    uniforms: ProgramUniform[],
  ): tf.TensorInfo;
}

const COMPLEX_MULTIPLY = `
fn cmul(a : vec2<f32>, b : vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}`;

/** A program over `threads` invocations writing a [rows, 2 columns] output. */
export interface ProgramSpec {
  key: string;
  inputs: string[];
  uniforms: Record<string, number>;
  rows: number;
  columns: number;
  threads: number;
  body: string;
}

/**
 * Runs one program. The dispatch is flat; tfjs's reshapeDispatch folds it into 2-D or 3-D when it
 * passes maxComputeWorkgroupsPerDimension (65535), and getGlobalIndex() then unfolds it, so the
 * shader only needs the `index >= threads` guard against the rounded-up grid.
 */
export function run(spec: ProgramSpec, inputs: tf.Tensor[]): tf.Tensor2D {
  const names = Object.keys(spec.uniforms);
  const program: WebGpuProgram = {
    variableNames: spec.inputs,
    outputShape: [spec.rows, 2 * spec.columns],
    shaderKey: `decorbench_fft_${spec.key}`,
    dispatchLayout: { x: [0, 1] },
    dispatch: [Math.ceil(spec.threads / WORKGROUP_SIZE), 1, 1],
    workgroupSize: [WORKGROUP_SIZE, 1, 1],
    outputComponent: 2,
    variableComponents: spec.inputs.map(() => 2),
    uniforms: `threads : i32, ${names.map((name) => `${name} : i32, `).join('')}`,
    getUserCode: () => `${COMPLEX_MULTIPLY}
fn main(index : i32) {
  if (index >= uniforms.threads) {
    return;
  }
  ${spec.body}
}`,
  };
  const uniforms: ProgramUniform[] = [spec.threads, ...names.map((name) => spec.uniforms[name]!)].map(
    (value) => ({
      type: 'int32',
      data: [value],
    }),
  );
  const backend = tf.backend() as unknown as WebGpuBackend;
  const info = backend.runWebGPUProgram(program, inputs, 'float32', uniforms);
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor2D;
}
