import type * as tf from '@tensorflow/tfjs';
import { butterflyWgsl } from './butterfly';
import type { FftSign, StockhamPass } from './plan';
import { run, WORKGROUP_SIZE } from './run';

/**
 * All Stockham passes of a short length in one program: a workgroup loads a tile of whole rows
 * into workgroup memory, runs every pass there (ping-pong between two arrays, a barrier between
 * passes) and writes the tile back once, so global memory is read and written once instead of
 * once per pass. Two arrays of FUSED_TILE vec2<f32> are 16 KiB, WebGPU's guaranteed
 * maxComputeWorkgroupStorageSize.
 */
export const FUSED_TILE = 1024;

/**
 * The passes' shapes are literals (the shader is per length and direction: a length-specific
 * shaderKey), so every index is computed from constants; the last pass (span 1, all twiddles 1)
 * skips its twiddle multiply.
 */
export function fusedStockham(
  x: tf.Tensor2D,
  twiddles: tf.Tensor,
  passes: StockhamPass[],
  sign: FftSign,
): tf.Tensor2D {
  const rows = x.shape[0];
  const length = x.shape[1] / 2;
  const rowsPerTile = Math.floor(FUSED_TILE / length);
  if (rowsPerTile < 1) throw new Error(`fft: length ${length} does not fit a ${FUSED_TILE}-element tile`);
  const tile = rowsPerTile * length;
  const workgroups = Math.ceil(rows / rowsPerTile);
  const buffers = ['tileA', 'tileB'];
  const passCode = passes.map((pass, p) =>
    passWgsl(pass, length, tile, sign, buffers[p % 2]!, buffers[(p + 1) % 2]!),
  );
  const last = buffers[passes.length % 2]!;
  const body = `
  let group = i32(workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x);
  let lid = i32(localIndex);
  let first = group * ${tile};
  for (var i = lid; i < ${tile}; i += ${WORKGROUP_SIZE}) {
    var value = vec2<f32>(0.0, 0.0);
    if (first + i < uniforms.total) {
      value = X[first + i];
    }
    tileA[i] = value;
  }
  workgroupBarrier();
  ${passCode.join('\n  workgroupBarrier();\n  ')}
  workgroupBarrier();
  for (var i = lid; i < ${tile}; i += ${WORKGROUP_SIZE}) {
    if (first + i < uniforms.total) {
      result[first + i] = ${last}[i];
    }
  }`;
  return run(
    {
      key: `fused_${length}_${sign === -1 ? 'forward' : 'inverse'}`,
      inputs: ['X', 'W'],
      uniforms: { total: rows * length },
      rows,
      columns: length,
      threads: workgroups * WORKGROUP_SIZE,
      body,
      declarations: buffers.map((name) => `var<workgroup> ${name} : array<vec2<f32>, ${tile}>;`).join('\n'),
      guard: false,
    },
    [x, twiddles],
  );
}

function passWgsl(
  pass: StockhamPass,
  length: number,
  tile: number,
  sign: FftSign,
  source: string,
  target: string,
): string {
  const { radix, stride, span, twiddleOffset } = pass;
  const perRow = length / radix;
  const inputs = Array.from({ length: radix }, (_, r) => `x${r}`);
  const butterfly = butterflyWgsl(radix, sign, inputs);
  const loads = inputs.map((name, r) => `let ${name} = ${source}[srcBase + ${stride * r * span}];`);
  const stores = butterfly.outputs.map((name, t) =>
    t === 0 || span === 1
      ? `${target}[dstBase + ${t * stride}] = ${name};`
      : `${target}[dstBase + ${t * stride}] = cmul(${name}, W[twBase + ${t - 1}]);`,
  );
  return `for (var i = lid; i < ${tile / radix}; i += ${WORKGROUP_SIZE}) {
    let row = i / ${perRow};
    let inRow = i - row * ${perRow};
    let q = inRow / ${stride};
    let k = inRow - q * ${stride};
    let srcBase = row * ${length} + k + ${stride} * q;
    let dstBase = row * ${length} + k + ${stride * radix} * q;
    let twBase = ${twiddleOffset} + q * ${radix - 1};
    ${loads.join('\n    ')}
    ${butterfly.lines.join('\n    ')}
    ${stores.join('\n    ')}
  }`;
}
