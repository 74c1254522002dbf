import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * WGSL programs of the pair stage of the relaxed losses, on complex spectra laid out
 * [N, G, b, 2] (sample, group, bin, (re, im)); pair data [G, G, b, 2]. One invocation per
 * complex output value; adjacent invocations take adjacent bins, so every loop iteration
 * reads contiguous memory across a workgroup.
 */

const WORKGROUP = 64;

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

/** Outputs per workgroup of the sliced pair product. */
const TILE = 16;

/** With this many outputs (G^2 b complex sums) one invocation per sum already fills a GPU. */
const ENOUGH_OUTPUTS = 1 << 16;

/**
 * Sample slices summed in parallel per output of the pair product: 1 when there are enough
 * outputs or few samples (then no workgroup barrier: software GPUs pay dearly for them), else
 * up to 16, keeping at least 16 samples per slice.
 */
export function pairProductSlices(rows: number, groups: number, bins: number): number {
  if (groups * groups * bins >= ENOUGH_OUTPUTS) return 1;
  let slices = 1;
  while (slices < 16 && slices * 2 * 16 <= rows) slices *= 2;
  return slices;
}

/**
 * R[g, h, f] = sum_n conj(X[n, g, f]) Y[n, h, f]; with `upperOnly` the pairs h < g are
 * written as 0 without being summed (X = Y, where they are the conjugates of the upper ones).
 * Outputs are numbered o = (g G + h) b + f, so adjacent invocations read adjacent bins. With
 * `slices` > 1 a workgroup takes 16 consecutive outputs and that many slices of the samples,
 * combined by a tree in workgroup memory: with b = d and G = 1 there are only b sums, each
 * over N samples, and one invocation per sum would leave most of a GPU idle. Slices also keep
 * float32 rounding low (N / slices terms per running sum, then a tree).
 */
export function pairProductProgram(
  rows: number,
  groups: number,
  bins: number,
  upperOnly: boolean,
): WebGPUProgram {
  const slices = pairProductSlices(rows, groups, bins);
  const size = TILE * slices;
  const outputs = groups * groups * bins;
  const reduce =
    slices === 1
      ? ''
      : /* wgsl */ `
    partials[lane] = sum;
    for (var width = ${size / 2}; width >= ${TILE}; width = width / 2) {
      workgroupBarrier();
      if (lane < width) { partials[lane] = partials[lane] + partials[lane + width]; }
    }
    sum = partials[lane];`;
  const body = /* wgsl */ `
  ${COMPLEX}
  ${slices === 1 ? '' : `var<workgroup> partials : array<vec2<f32>, ${size}>;`}

  fn main(index : i32) {
    let rows = uniforms.xShape.x;
    let G = uniforms.xShape.y;
    let b = uniforms.xShape.z;
    let lane = index % ${size};
    let output = (index / ${size}) * ${TILE} + lane % ${TILE};
    let slice = lane / ${TILE};
    let f = output % b;
    let pair = output / b;
    let h = pair % G;
    let g = pair / G;
    var sum = vec2<f32>(0.0, 0.0);
    if (output < uniforms.outputs && !(${upperOnly} && h < g)) {
      let stride = 2 * G * b;
      var xAt = 2 * (g * b + f) + slice * stride;
      var yAt = 2 * (h * b + f) + slice * stride;
      for (var n = slice; n < rows; n = n + ${slices}) {
        sum = sum + conjMul(vec2<f32>(X[xAt], X[xAt + 1]), vec2<f32>(Y[yAt], Y[yAt + 1]));
        xAt = xAt + ${slices} * stride;
        yAt = yAt + ${slices} * stride;
      }
    }${reduce}
    if (slice == 0 && output < uniforms.outputs) {
      result[2 * output] = sum.x;
      result[2 * output + 1] = sum.y;
    }
  }`;
  return {
    variableNames: ['X', 'Y'],
    outputShape: [groups, groups, bins, 2],
    shaderKey: `pairProduct_${upperOnly}_${slices}`,
    dispatchLayout: { x: [0, 1, 2, 3] },
    dispatch: [Math.ceil(outputs / TILE), 1, 1],
    workgroupSize: [size, 1, 1],
    uniforms: 'outputs : i32,',
    getUserCode: () => body,
  };
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
