import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * WGSL programs of the pair stage of the relaxed losses, on complex spectra laid out
 * [N, G, b, 2] (sample, group, bin, (re, im)); pair data [G, G, b, 2]. One invocation per
 * complex output value; adjacent invocations take adjacent bins, so every loop iteration
 * reads contiguous memory across a workgroup.
 */

const WORKGROUP = 64;

/**
 * Samples summed in registers before they join the running total: two-level summation keeps
 * the float32 error of a sum over N terms near (N / CHUNK + CHUNK) ulps instead of N.
 */
const CHUNK = 16;

function flatProgram(
  key: string,
  variableNames: string[],
  outputShape: number[],
  invocations: number,
  body: string,
): WebGPUProgram {
  return {
    variableNames,
    outputShape,
    shaderKey: key,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(invocations / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: 'invocations : i32,',
    getUserCode: () => body,
  };
}

/** WGSL: complex (re, im) products as vec2<f32>. */
const COMPLEX = /* wgsl */ `
  fn cmul(a : vec2<f32>, b : vec2<f32>) -> vec2<f32> {
    return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
  }
  fn conjMul(a : vec2<f32>, b : vec2<f32>) -> vec2<f32> {
    return vec2<f32>(a.x * b.x + a.y * b.y, a.x * b.y - a.y * b.x);
  }
`;

/**
 * R[g, h, f] = sum_n conj(X[n, g, f]) Y[n, h, f]; with `upperOnly` the pairs h < g are
 * written as 0 without being summed (X = Y, where they are the conjugates of the upper ones).
 */
export function pairProductProgram(groups: number, bins: number, upperOnly: boolean): WebGPUProgram {
  const body = /* wgsl */ `
  ${COMPLEX}
  fn main(index : i32) {
    if (index >= uniforms.invocations) { return; }
    let rows = uniforms.xShape.x;
    let G = uniforms.xShape.y;
    let b = uniforms.xShape.z;
    let f = index % b;
    let pair = index / b;
    let h = pair % G;
    let g = pair / G;
    var total = vec2<f32>(0.0, 0.0);
    if (${upperOnly} && h < g) {
      result[2 * index] = 0.0;
      result[2 * index + 1] = 0.0;
      return;
    }
    let stride = 2 * G * b;
    var xAt = 2 * (g * b + f);
    var yAt = 2 * (h * b + f);
    for (var start = 0; start < rows; start = start + ${CHUNK}) {
      var partial = vec2<f32>(0.0, 0.0);
      let stop = min(start + ${CHUNK}, rows);
      for (var n = start; n < stop; n = n + 1) {
        partial = partial + conjMul(vec2<f32>(X[xAt], X[xAt + 1]), vec2<f32>(Y[yAt], Y[yAt + 1]));
        xAt = xAt + stride;
        yAt = yAt + stride;
      }
      total = total + partial;
    }
    result[2 * index] = total.x;
    result[2 * index + 1] = total.y;
  }`;
  const invocations = groups * groups * bins;
  return flatProgram(`pairProduct_${upperOnly}`, ['X', 'Y'], [groups, groups, bins, 2], invocations, body);
}

/**
 * The two gradient programs, for D = dL/dRe R + i dL/dIm R ([G, G, b, 2]), output [N, G, b, 2]:
 * `first`:  dX[n, g, f] = sum_h Y[n, h, f] conj(D[g, h, f])
 * `second`: dY[n, h, f] = sum_g X[n, g, f] D[g, h, f]
 * With `upperOnly` only the pairs g <= h are read (the others are 0 by construction).
 */
export function pairGradientProgram(
  which: 'first' | 'second',
  rows: number,
  groups: number,
  bins: number,
  upperOnly: boolean,
): WebGPUProgram {
  // first: the loop runs over h, reading the other view's group h; second: over g
  const range = which === 'first' ? (upperOnly ? 'own' : '0') : '0';
  const stop = which === 'first' ? 'G' : upperOnly ? 'own + 1' : 'G';
  const pairIndex = which === 'first' ? 'own * G + k' : 'k * G + own';
  const term = which === 'first' ? 'conjMul(d, v)' : 'cmul(v, d)';
  const body = /* wgsl */ `
  ${COMPLEX}
  fn main(index : i32) {
    if (index >= uniforms.invocations) { return; }
    let G = uniforms.vShape.y;
    let b = uniforms.vShape.z;
    let f = index % b;
    let own = (index / b) % G;
    let n = index / (b * G);
    var total = vec2<f32>(0.0, 0.0);
    for (var k = ${range}; k < ${stop}; k = k + 1) {
      let vAt = 2 * ((n * G + k) * b + f);
      let dAt = 2 * ((${pairIndex}) * b + f);
      let v = vec2<f32>(V[vAt], V[vAt + 1]);
      let d = vec2<f32>(D[dAt], D[dAt + 1]);
      total = total + ${term};
    }
    result[2 * index] = total.x;
    result[2 * index + 1] = total.y;
  }`;
  const invocations = rows * groups * bins;
  return flatProgram(
    `pairGradient_${which}_${upperOnly}`,
    ['V', 'D'],
    [rows, groups, bins, 2],
    invocations,
    body,
  );
}
