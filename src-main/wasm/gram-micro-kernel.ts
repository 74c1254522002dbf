import type { FunctionBuilder, Local } from './emitter';

/**
 * The register-blocked micro-kernel of the inspector's GEMM + reduce (gram-reduce.ts): a band
 * of rows of M = L R^T against one chunk of columns, written to a scratch block.
 *
 * Factors are feature-major (row i = feature i's n values, zero-padded to `paddedN`), so each
 * entry is a dot product of two contiguous rows. The kernel keeps ROWS x COLS f32x4
 * accumulators in registers and walks k four lanes at a time, with the row offsets as constant
 * load offsets (the module is built per paddedN); the lanes are summed once per entry by a
 * 4 x 4 shuffle-add (a lone accumulator by two adds).
 *
 * TurboFan hoists all of a loop body's loads to its top and sinks the multiply-adds after
 * them, so every loaded vector and every accumulator is live at once; x64 gives wasm 15 XMM
 * registers (xmm15 is scratch), so rows x cols + rows + cols must stay <= 15 or accumulators
 * spill to the stack on every step (seen in --print-wasm-code). Hence 3 x 3, not unrolled;
 * mul + add needs one more register for the product, so the plain kernel is 2 x 4.
 * Measured side by side on the shared 2-core EPYC (GFLOP/s per core, CPU time, median of 7,
 * d = 2048): 3 x 3 x 1 22-23, 2 x 4 x 1 / 4 x 2 x 1 21-23, 3 x 4 x 2 (spills) 18, 4 x 3 x 2
 * 19.5, 3 x 3 x 2 18, 4 x 3 x 4 18, 2 x 3 x 2 14; chunks of 96-384 and bands of 256 no better.
 * Plain: 2 x 4 x 1 / 4 x 2 x 1 21, 3 x 4 x 2 18, 3 x 3 x 1 (spills) 15.
 * With `fma`, the multiply-add is f32x4.relaxed_madd (one vfmadd on x64), else mul + add.
 */

export interface MicroShape {
  rows: number;
  cols: number;
  unroll: number;
  /** Columns per chunk (default CHUNK; the callers' scratch must hold it). */
  chunk?: number;
}

export const MICRO_SHAPE: MicroShape = { rows: 3, cols: 3, unroll: 1 };
/** The shape of the kernel without FMA (mul + add). */
export const MICRO_SHAPE_PLAIN: MicroShape = { rows: 2, cols: 4, unroll: 1 };
/** Padding the callers leave after the factors and the scratch, enough for any shape tried. */
export const MICRO_PAD = 8;
/**
 * Columns per chunk (a multiple of the shape's cols): the chunk's right rows (CHUNK x paddedN
 * floats, 240 KiB at n = 512) stay in L2 while every row block of the band passes over them.
 */
export const CHUNK = 120;

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
  const chunk = shape.chunk ?? CHUNK;
  if (chunk % MICRO_COLS !== 0) throw new RangeError('micro-kernel: cols must divide the chunk');
  if (paddedN % (4 * UNROLL) !== 0)
    throw new RangeError('micro-kernel: n not a multiple of the unrolled step');
  const rowBytes = paddedN * 4;
  const strideBytes = chunk * 4;
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
              for (let c = 0; c + 4 <= MICRO_COLS; c += 4) {
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
              for (let c = MICRO_COLS - (MICRO_COLS % 4); c < MICRO_COLS; c++) {
                // a lone accumulator: add the halves, then the two lanes left
                const acc = accumulators[r]![c]!;
                f.get(acc)
                  .get(acc)
                  .get(acc)
                  .simd(0x0d, ...lanes(2, 3, 2, 3))
                  .vadd()
                  .set(pair);
                f.get(out)
                  .get(pair)
                  .extractLane(0)
                  .get(pair)
                  .extractLane(1)
                  .raw(0x92)
                  .f32Store(c * 4);
              }
            }
          },
        );
      },
    );
  };
}
