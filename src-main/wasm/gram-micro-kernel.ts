import type { FunctionBuilder, Local } from './emitter';

/**
 * The register-blocked micro-kernel of the inspector's GEMM + reduce (gram-reduce.ts): a band
 * of rows of M = L R^T against one chunk of columns, written to a scratch block.
 *
 * Factors are feature-major (row i = feature i's n values, zero-padded to `paddedN`), so each
 * entry is a dot product of two contiguous rows. The kernel keeps ROWS x COLS f32x4
 * accumulators in registers and walks k four lanes at a time, with the row offsets as constant
 * load offsets (the module is built per paddedN); the lanes are summed once per entry by a
 * 4 x 4 shuffle-add. Measured on the 2-core EPYC (GFLOP/s per core, min of 12): 3 x 4 unrolled
 * twice 28, 3 x 4 x 4 / 4 x 2 x 4 / 2 x 4 x 4 / 6 x 2 x 2 about 26, 2 x 8 x 2 23.
 * With `fma`, the multiply-add is f32x4.relaxed_madd (one vfmadd on x64), else mul + add.
 */

export interface MicroShape {
  rows: number;
  cols: number;
  unroll: number;
}

export const MICRO_SHAPE: MicroShape = { rows: 3, cols: 4, unroll: 2 };
/** Padding the callers leave after the factors and the scratch, enough for any shape tried. */
export const MICRO_PAD = 8;
/**
 * Columns per chunk: the chunk's right rows (CHUNK x paddedN floats, 256 KiB at n = 512) stay
 * in L2 while every row block of the band passes over them.
 */
export const CHUNK = 128;

/** Lanes of two f32x4 vectors (0-3 the first, 4-7 the second) as an i8x16.shuffle immediate. */
function lanes(...picks: number[]): number[] {
  return picks.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]);
}

/** `do { body() } while (condition())`. */
function doWhile(f: FunctionBuilder, body: () => void, condition: () => void): void {
  f.raw(0x03, 0x40);
  body();
  condition();
  f.raw(0x0d, 0, 0x0b); // br_if loop head, end
}

/** The i32 locals the micro-kernel reads (byte addresses, region-local rows and columns). */
export interface ChunkInputs {
  left: Local;
  right: Local;
  bandStart: Local;
  bandRows: Local;
  /** First column of the chunk and its width (at most CHUNK). */
  j0: Local;
  width: Local;
  /** scratch[r][c] (row stride CHUNK floats) = M[bandStart + r][j0 + c]. */
  scratch: Local;
}

/** Declares the micro-kernel's locals in `f`; the returned emitter writes one chunk's block. */
export function microKernelEmitter(
  f: FunctionBuilder,
  paddedN: number,
  fma: boolean,
  shape: MicroShape,
): (inputs: ChunkInputs) => void {
  const { rows: MICRO_ROWS, cols: MICRO_COLS, unroll: UNROLL } = shape;
  if (MICRO_COLS % 4 !== 0 || CHUNK % MICRO_COLS !== 0)
    throw new RangeError('micro-kernel: cols must be a multiple of 4 dividing CHUNK');
  if (paddedN % (4 * UNROLL) !== 0)
    throw new RangeError('micro-kernel: n not a multiple of the unrolled step');
  const rowBytes = paddedN * 4;
  const strideBytes = CHUNK * 4;
  const [colBlocks, rowBlocks, rb, cb, a, b, end, out] = f.locals('i32', 8);
  const accumulators = Array.from({ length: MICRO_ROWS }, () => f.locals('v128', MICRO_COLS) as Local[]);
  const lefts = f.locals('v128', MICRO_ROWS) as Local[];
  const rightVector = f.local('v128');
  const pair = f.local('v128');
  return ({ left, right, bandStart, bandRows, j0, width, scratch }) => {
    f.get(bandRows)
      .i32(MICRO_ROWS - 1)
      .add()
      .i32(MICRO_ROWS)
      .raw(0x6e)
      .set(rowBlocks); // div_u
    f.get(width)
      .i32(MICRO_COLS - 1)
      .add()
      .i32(MICRO_COLS)
      .raw(0x6e)
      .set(colBlocks);
    f.forRange(
      rb,
      () => f.i32(0),
      rowBlocks,
      () => {
        f.forRange(
          cb,
          () => f.i32(0),
          colBlocks,
          () => {
            f.get(bandStart).get(rb).i32(MICRO_ROWS).mul().add().i32(rowBytes).mul().get(left).add().tee(a);
            f.i32(rowBytes).add().set(end);
            f.get(j0).get(cb).i32(MICRO_COLS).mul().add().i32(rowBytes).mul().get(right).add().set(b);
            for (const row of accumulators) for (const acc of row) f.f32(0).splat().set(acc);
            doWhile(
              f,
              () => {
                for (let u = 0; u < UNROLL; u++) {
                  lefts.forEach((register, r) =>
                    f
                      .get(a)
                      .v128Load(r * rowBytes + u * 16)
                      .set(register),
                  );
                  for (let c = 0; c < MICRO_COLS; c++) {
                    f.get(b)
                      .v128Load(c * rowBytes + u * 16)
                      .set(rightVector);
                    for (let r = 0; r < MICRO_ROWS; r++) {
                      const acc = accumulators[r]![c]!;
                      if (fma) f.get(lefts[r]!).get(rightVector).get(acc).simd(0x105).set(acc);
                      else f.get(lefts[r]!).get(rightVector).vmul().get(acc).vadd().set(acc);
                    }
                  }
                }
                f.get(a)
                  .i32(16 * UNROLL)
                  .add()
                  .set(a);
                f.get(b)
                  .i32(16 * UNROLL)
                  .add()
                  .set(b);
              },
              () => f.get(a).get(end).ltU(),
            );
            // scratch[rb * MICRO_ROWS + r][cb * MICRO_COLS + c] = lane sum of the accumulator
            for (let r = 0; r < MICRO_ROWS; r++) {
              f.get(rb).i32(MICRO_ROWS).mul().i32(r).add().i32(strideBytes).mul();
              f.get(cb)
                .i32(MICRO_COLS * 4)
                .mul()
                .add()
                .get(scratch)
                .add()
                .set(out);
              for (let c = 0; c < MICRO_COLS; c += 4) {
                // four accumulators' lane sums at once: interleave, add, take halves, add
                const [p, q, r2, t] = accumulators[r]!.slice(c, c + 4) as [Local, Local, Local, Local];
                f.get(p)
                  .get(q)
                  .simd(0x0d, ...lanes(0, 4, 1, 5))
                  .get(p)
                  .get(q)
                  .simd(0x0d, ...lanes(2, 6, 3, 7));
                f.vadd().set(pair);
                f.get(r2)
                  .get(t)
                  .simd(0x0d, ...lanes(0, 4, 1, 5))
                  .get(r2)
                  .get(t)
                  .simd(0x0d, ...lanes(2, 6, 3, 7));
                f.vadd().set(rightVector);
                f.get(out)
                  .get(pair)
                  .get(rightVector)
                  .simd(0x0d, ...lanes(0, 1, 4, 5));
                f.get(pair)
                  .get(rightVector)
                  .simd(0x0d, ...lanes(2, 3, 6, 7))
                  .vadd()
                  .v128Store(c * 4);
              }
            }
          },
        );
      },
    );
  };
}
