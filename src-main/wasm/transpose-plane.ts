import { FunctionBuilder, i32Params, type Local } from './emitter';
import { transpose4x4Emitter } from './transpose-4x4';

/**
 * Transposes a plane of 4-byte elements with WebAssembly SIMD, on the wasm backend's own heap:
 * 4 x 4 blocks moved through registers with shuffles, in 16 x 16 tiles. About 4x faster than the
 * tiled JS copy on large planes (an 8192 x 8192 weight: 50 ms against 210 ms).
 */

/**
 * Side of the square tiles (in elements) the plane is moved in. Small on purpose: rows of
 * power-of-two planes are a power of two apart, so they share cache sets (measured on
 * 8192 x 8192: 16 -> 50 ms, 32 -> 147 ms, 64 -> 182 ms).
 */
const TILE = 16;

/**
 * plane(input, output, rows, columns, inputRowStride, outputColumnStride): output[c][r] =
 * input[r][c] for r < rows, c < columns (both multiples of 4); addresses and strides in bytes.
 */
export function planeKernel(): FunctionBuilder {
  const f = new FunctionBuilder('plane', i32Params(6));
  const [input, output, rows, columns, inputStride, outputStride] = f.paramList();
  const [tile, tileEnd, rowTile, rowTileEnd, row, column, from, to] = f.locals('i32', 8);
  const transpose4x4 = transpose4x4Emitter(f);
  /** end = min(start + size, limit) */
  const tileLimit = (start: Local, size: number, limit: Local, end: Local) => {
    f.get(start).i32(size).add().tee(end).get(limit).get(end).get(limit).ltU().select().set(end);
  };
  const block = () => {
    f.get(input).get(row).get(inputStride).mul().add().get(column).i32(4).mul().add().set(from);
    f.get(output).get(column).get(outputStride).mul().add().get(row).i32(4).mul().add().set(to);
    transpose4x4(
      (register) => {
        f.get(from).v128Load(0).set(register);
        f.get(from).get(inputStride).add().set(from);
      },
      (_, push) => {
        f.get(to);
        push();
        f.v128Store(0);
        f.get(to).get(outputStride).add().set(to);
      },
    );
  };
  const zero = () => f.i32(0);
  f.forRange(
    tile,
    zero,
    columns,
    () => {
      tileLimit(tile, TILE, columns, tileEnd);
      f.forRange(
        rowTile,
        zero,
        rows,
        () => {
          tileLimit(rowTile, TILE, rows, rowTileEnd);
          f.forRange(
            row,
            () => f.get(rowTile),
            rowTileEnd,
            () => f.forRange(column, () => f.get(tile), tileEnd, block, 4),
            4,
          );
        },
        TILE,
      );
    },
    TILE,
  );
  return f;
}
