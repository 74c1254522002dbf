import type { PlaneCopy } from './simd-transpose';

/** Typed arrays a permutation can move (wasm stores float32, int32 and bool tensors in these). */
export type PermutableArray = Float32Array | Int32Array | Uint8Array;

/** Edge of the square tiles in which a plane is transposed: 32 x 32 floats stay in L1. */
const TILE = 32;

/**
 * The shape and permutation reduced to their essentials: axes of size 1 dropped and input axes
 * that stay adjacent and in order merged, e.g. [2, 3, 4, 5] with perm [0, 3, 1, 2] becomes
 * [2, 12, 5] with perm [0, 2, 1].
 */
export function simplifyPermutation(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  const kept = shape.map((_, axis) => axis).filter((axis) => (shape[axis] as number) !== 1);
  const renumber = new Map(kept.map((axis, index) => [axis, index]));
  let sizes = kept.map((axis) => shape[axis] as number);
  let order = perm.filter((axis) => renumber.has(axis)).map((axis) => renumber.get(axis) as number);
  for (let position = 0; position + 1 < order.length;) {
    const axis = order[position] as number;
    if (order[position + 1] !== axis + 1) {
      position++;
      continue;
    }
    // input axes `axis` and `axis + 1` stay neighbours: merge them into one
    sizes = [
      ...sizes.slice(0, axis),
      (sizes[axis] as number) * (sizes[axis + 1] as number),
      ...sizes.slice(axis + 2),
    ];
    order = order
      .filter((_, index) => index !== position + 1)
      .map((value) => (value > axis ? value - 1 : value));
  }
  return { shape: sizes, perm: order };
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis] as number;
  }
  return strides;
}

/** Calls `visit(inputOffset, outputOffset)` for every index combination of `axes`. */
function forEachOffset(
  axes: readonly number[],
  shape: readonly number[],
  inputStrides: readonly number[],
  outputStrides: readonly number[],
  visit: (inputOffset: number, outputOffset: number) => void,
): void {
  const index = new Array<number>(axes.length).fill(0);
  let inputOffset = 0;
  let outputOffset = 0;
  for (;;) {
    visit(inputOffset, outputOffset);
    let level = axes.length - 1;
    for (; level >= 0; level--) {
      const axis = axes[level] as number;
      index[level] = (index[level] as number) + 1;
      inputOffset += inputStrides[axis] as number;
      outputOffset += outputStrides[axis] as number;
      if ((index[level] as number) < (shape[axis] as number)) break;
      inputOffset -= (inputStrides[axis] as number) * (shape[axis] as number);
      outputOffset -= (outputStrides[axis] as number) * (shape[axis] as number);
      index[level] = 0;
    }
    if (level < 0) return;
  }
}

/**
 * output = transpose(input, perm), cache-friendly: the plane spanned by the input's innermost
 * axis and the output's innermost axis is copied in 32x32 tiles, and when the innermost axis
 * does not move, whole rows are copied. (wasm's own Transpose walks the output with a stride
 * of the full input row, which costs tens of ns per element on large tensors.)
 */
export function permute(
  input: PermutableArray,
  shape: readonly number[],
  perm: readonly number[],
  output: PermutableArray,
  plane?: PlaneCopy,
): void {
  const simple = simplifyPermutation(shape, perm);
  const rank = simple.shape.length;
  if (rank <= 1) {
    output.set(input.subarray(0, output.length));
    return;
  }
  const sizes = simple.shape;
  const inputStrides = stridesOf(sizes);
  const outputShape = simple.perm.map((axis) => sizes[axis] as number);
  const outputStridesByPosition = stridesOf(outputShape);
  // stride in the output of each input axis
  const outputStrides = new Array<number>(rank);
  simple.perm.forEach((axis, position) => {
    outputStrides[axis] = outputStridesByPosition[position] as number;
  });
  const innermost = rank - 1;
  if (simple.perm[innermost] === innermost) {
    // The innermost axis stays (e.g. perm [1, 0, 2]): move whole rows, looping over the
    // output's second-to-last axis here rather than through the visitor.
    const rowLength = sizes[innermost] as number;
    const stepAxis = simple.perm[rank - 2] as number;
    const count = sizes[stepAxis] as number;
    const inputStep = inputStrides[stepAxis] as number;
    const outputStep = outputStrides[stepAxis] as number;
    forEachOffset(simple.perm.slice(0, -2), sizes, inputStrides, outputStrides, (inputBase, outputBase) => {
      for (let index = 0; index < count; index++) {
        const from = inputBase + index * inputStep;
        const to = outputBase + index * outputStep;
        for (let offset = 0; offset < rowLength; offset++)
          output[to + offset] = input[from + offset] as number;
      }
    });
    return;
  }
  const rowAxis = simple.perm[innermost] as number; // contiguous in the output
  const outerAxes = simple.perm.filter((axis) => axis !== innermost && axis !== rowAxis);
  const rows = sizes[rowAxis] as number;
  const columns = sizes[innermost] as number; // contiguous in the input
  const inputRowStride = inputStrides[rowAxis] as number;
  const outputColumnStride = outputStrides[innermost] as number;
  // Tiles of the [rows, columns] plane from (row0, column0) on; the output is written contiguously.
  const copyTiles = (inputBase: number, outputBase: number, firstRow: number, firstColumn: number) => {
    for (let column0 = firstColumn; column0 < columns; column0 += TILE) {
      const column1 = Math.min(column0 + TILE, columns);
      for (let row0 = firstRow; row0 < rows; row0 += TILE) {
        const row1 = Math.min(row0 + TILE, rows);
        for (let column = column0; column < column1; column++) {
          let from = inputBase + row0 * inputRowStride + column;
          let to = outputBase + column * outputColumnStride + row0;
          for (let row = row0; row < row1; row++) {
            output[to++] = input[from] as number;
            from += inputRowStride;
          }
        }
      }
    }
  };
  forEachOffset(outerAxes, sizes, inputStrides, outputStrides, (inputBase, outputBase) => {
    if (plane === undefined) {
      copyTiles(inputBase, outputBase, 0, 0);
      return;
    }
    // SIMD moves 4 x 4 blocks; the last rows and columns (fewer than 4) are copied here.
    const rows4 = rows - (rows % 4);
    const columns4 = columns - (columns % 4);
    plane(inputBase, outputBase, rows4, columns4, inputRowStride, outputColumnStride);
    if (columns4 < columns) copyTiles(inputBase, outputBase, 0, columns4);
    if (rows4 < rows) {
      for (let column = 0; column < columns4; column++) {
        for (let row = rows4; row < rows; row++) {
          output[outputBase + column * outputColumnStride + row] = input[
            inputBase + row * inputRowStride + column
          ] as number;
        }
      }
    }
  });
}
