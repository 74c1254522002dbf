import { buildModule, FunctionBuilder, i32Params, type Local } from './emitter';

/**
 * The inspector's fused "GEMM + reduce" kernel (issue 12): one band of rows of M = L R^T,
 * M[i][j] = dot(L_i, R_j) over n, reduced into cells (signed extreme, sum of squares) and the
 * off-diagonal penalty sums, without the band ever leaving the WebAssembly memory.
 *
 * The factors are feature-major (row i = feature i's n values, zero-padded to `paddedN`, a
 * multiple of 4 * UNROLL), so each entry is a dot product of two contiguous rows. The
 * micro-kernel keeps ROWS x COLS f32x4 accumulators in registers (x64 has 16 xmm registers:
 * 8 accumulators + 2 left + 1 right leaves room for the address arithmetic) and walks k four
 * lanes at a time; the lanes are summed once per entry. Columns go in chunks of CHUNK so the
 * right rows of a chunk (CHUNK x paddedN floats) stay in L2 while every row block of the band
 * passes over them; each chunk's M block (band x CHUNK floats, the scratch) is reduced at once.
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
export const CHUNK = 128;

/** The parameters of `band`, in order (all i32 byte addresses, counts or flags). */
export const BAND_PARAMS = [
  'left', // byte address of the region's left rows (padded: MICRO_ROWS extra zero rows)
  'right', // byte address of the region's right rows (padded to a multiple of MICRO_COLS)
  'colStart', // region-local first column (a cell boundary)
  'colEnd', // region-local end column
  'bandStart', // region-local first row of the band (a cell-row boundary)
  'bandRows', // rows in the band
  'cellRows',
  'cellCols',
  'cellColsCount',
  'scratch', // byte address of this thread's scratch: roundUp(bandRows, MICRO_ROWS) x CHUNK f32
  'extreme', // byte address of the f32 cells (cellRowsCount x cellColsCount), 0 at start
  'squares', // byte address of the f64 cells' sums of squares, 0 at start
  'penalty', // byte address of this thread's two f64: sum of squares and of |x| over i != j
  'mask', // 1: entries on the diagonal are left out of the cells
  'diagonal', // r0 - c0: region-local (i, j) is on the diagonal when j = i + diagonal
] as const;

export interface GramReduceExports {
  band(...args: number[]): void;
}

/** Lanes of two f32x4 vectors (0-3 the first, 4-7 the second) as an i8x16.shuffle immediate. */
function lanes(...picks: number[]): number[] {
  return picks.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]);
}

/** Emits `a < b ? a : b` (signed) with both values read from locals. */
function min(f: FunctionBuilder, a: Local, b: Local): void {
  f.get(a).get(b).get(a).get(b).raw(0x48).select(); // i32.lt_s
}

/** `do { body() } while (counter < limit)` with the counter advanced inside body. */
function doWhile(f: FunctionBuilder, body: () => void, condition: () => void): void {
  f.raw(0x03, 0x40);
  body();
  condition();
  f.raw(0x0d, 0, 0x0b); // br_if loop head, end
}

/** `for (counter = from; counter < limit; counter++)` with signed limits that may be below from. */
function forSigned(f: FunctionBuilder, counter: Local, limit: Local, body: () => void): void {
  f.raw(0x02, 0x40, 0x03, 0x40);
  f.get(counter).get(limit).raw(0x4e, 0x0d, 1); // i32.ge_s, br_if out
  body();
  f.get(counter).i32(1).add().set(counter);
  f.raw(0x0c, 0, 0x0b, 0x0b);
}

function bandFunction(paddedN: number, fma: boolean, shape: MicroShape): FunctionBuilder {
  const { rows: MICRO_ROWS, cols: MICRO_COLS, unroll: UNROLL } = shape;
  const f = new FunctionBuilder('band', i32Params(BAND_PARAMS.length));
  const [left, right, colStart, colEnd, bandStart, bandRows, cellRows, cellCols, cellColsCount, ...rest] =
    f.paramList();
  const [scratch, extreme, squares, penalty, mask, diagonal] = rest;
  const rowBytes = paddedN * 4;
  const strideBytes = CHUNK * 4;
  const [j0, width, colBlocks, rowBlocks, rb, cb, a, b, end, out] = f.locals('i32', 10);
  const [x, i, cellBase, jd, s, e, cell, j, at, lo, hi] = f.locals('i32', 11);
  const accumulators = Array.from({ length: MICRO_ROWS }, () => f.locals('v128', MICRO_COLS) as Local[]);
  const lefts = f.locals('v128', MICRO_ROWS) as Local[];
  const rightVector = f.local('v128');
  const pair = f.local('v128');
  const [v, best, bestAbs, absolute, stored] = f.locals('f32', 5);
  const [sq, ab, rowSq, rowAb] = f.locals('f64', 4);
  const [v4, a4, m, vBest, vBestAbs, vSq, vAb] = f.locals('v128', 7) as Local[] as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const rowAt = f.local('i32');

  const gemmChunk = () => {
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

  /**
   * Scratch row x, chunk-local columns [j, hi): the cell's running extreme and sums, four
   * entries at a time into vector accumulators (folded by foldLanes), then one at a time.
   */
  const entries = () => {
    f.raw(0x02, 0x40, 0x03, 0x40);
    f.get(j).i32(4).add().get(hi).raw(0x4a, 0x0d, 1); // i32.gt_s: j + 4 > hi, out
    f.get(rowAt).get(j).i32(2).shl().add().v128Load(0).tee(v4).simd(0xe0).tee(a4); // f32x4.abs
    f.get(vBestAbs).simd(0x44).set(m); // f32x4.gt
    f.get(v4).get(vBest).get(m).simd(0x52).set(vBest); // v128.bitselect
    f.get(vBestAbs).get(a4).simd(0xeb).set(vBestAbs); // f32x4.pmax
    f.get(vSq).get(v4).get(v4).vmul().vadd().set(vSq);
    f.get(vAb).get(a4).vadd().set(vAb);
    f.get(j).i32(4).add().set(j);
    f.raw(0x0c, 0, 0x0b, 0x0b);
    forSigned(f, j, hi, () => {
      f.get(rowAt).get(j).i32(2).shl().add().f32Load(0).tee(v);
      f.raw(0x8b).tee(absolute).get(bestAbs).raw(0x5e).set(at); // f32.abs, f32.gt
      f.get(v).get(best).get(at).select().set(best);
      f.get(absolute).get(bestAbs).get(at).select().set(bestAbs);
      f.get(sq).get(v).get(v).raw(0x94, 0xbb, 0xa0).set(sq); // f32.mul, f64.promote_f32, f64.add
      f.get(ab).get(absolute).raw(0xbb, 0xa0).set(ab);
    });
  };

  /** The vector accumulators' lanes into the scalar ones (sums in float64). */
  const foldLanes = () => {
    for (let lane = 0; lane < 4; lane++) {
      f.get(vBestAbs).extractLane(lane).tee(absolute).get(bestAbs).raw(0x5e).set(at);
      f.get(vBest).extractLane(lane).get(best).get(at).select().set(best);
      f.get(absolute).get(bestAbs).get(at).select().set(bestAbs);
      f.get(sq).get(vSq).extractLane(lane).raw(0xbb, 0xa0).set(sq);
      f.get(ab).get(vAb).extractLane(lane).raw(0xbb, 0xa0).set(ab);
    }
  };

  const reduceChunk = () => {
    f.forRange(
      x,
      () => f.i32(0),
      bandRows,
      () => {
        f.get(bandStart).get(x).add().tee(i).get(cellRows).raw(0x6e).get(cellColsCount).mul().set(cellBase);
        f.get(x).i32(strideBytes).mul().get(scratch).add().set(rowAt);
        f.get(i).get(diagonal).add().get(j0).sub().set(jd);
        f.i32(0).set(s);
        f.raw(0x02, 0x40, 0x03, 0x40);
        f.get(s).get(width).raw(0x4e, 0x0d, 1); // while s < width
        f.get(j0)
          .get(s)
          .add()
          .get(cellCols)
          .raw(0x6e)
          .tee(cell)
          .i32(1)
          .add()
          .get(cellCols)
          .mul()
          .get(j0)
          .sub();
        f.set(e);
        min(f, e, width);
        f.set(e);
        f.f32(0).set(best).f32(0).set(bestAbs);
        for (const vector of [vBest, vBestAbs, vSq, vAb]) f.f32(0).splat().set(vector);
        f.raw(0x44, ...new Array(8).fill(0))
          .tee(sq)
          .set(ab); // f64.const 0
        // the diagonal entry (when in [s, e)) is left out of the loops and of the penalty
        f.get(s).set(j);
        f.get(jd).get(s).raw(0x4e).get(jd).get(e).raw(0x48).and(); // s <= jd < e
        f.raw(0x04, 0x40);
        f.get(jd).set(hi);
        entries();
        f.get(jd).i32(1).add().set(j).get(e).set(hi);
        entries();
        foldLanes();
        f.get(rowSq).get(sq).raw(0xa0).set(rowSq).get(rowAb).get(ab).raw(0xa0).set(rowAb);
        f.get(mask)
          .eqz()
          .ifThen(() => {
            f.get(x).i32(strideBytes).mul().get(jd).i32(2).shl().add().get(scratch).add().f32Load(0).tee(v);
            f.raw(0x8b).tee(absolute).get(bestAbs).raw(0x5e).set(at);
            f.get(v).get(best).get(at).select().set(best);
            f.get(absolute).get(bestAbs).get(at).select().set(bestAbs);
            f.get(sq).get(v).get(v).raw(0x94, 0xbb, 0xa0).set(sq);
          });
        f.raw(0x05); // else
        f.get(e).set(hi);
        entries();
        foldLanes();
        f.get(rowSq).get(sq).raw(0xa0).set(rowSq).get(rowAb).get(ab).raw(0xa0).set(rowAb);
        f.raw(0x0b);
        // merge into the cell (memory): larger |value| wins, sums of squares add up
        f.get(cellBase).get(cell).add().set(lo);
        f.get(lo).i32(2).shl().get(extreme).add().tee(at).f32Load(0).raw(0x8b).set(stored);
        f.get(bestAbs)
          .get(stored)
          .raw(0x5e)
          .ifThen(() => f.get(at).get(best).f32Store(0));
        f.get(lo).i32(3).shl().get(squares).add().tee(at);
        f.get(at).raw(0x2b, 3, 0).get(sq).raw(0xa0, 0x39, 3, 0); // f64.load, f64.add, f64.store
        f.get(e).set(s);
        f.raw(0x0c, 0, 0x0b, 0x0b);
      },
    );
  };

  f.raw(0x44, ...new Array(8).fill(0))
    .tee(rowSq)
    .set(rowAb);
  f.get(colStart).set(j0);
  f.raw(0x02, 0x40, 0x03, 0x40);
  f.get(j0).get(colEnd).raw(0x4e, 0x0d, 1);
  f.get(colEnd).get(j0).sub().set(width);
  f.i32(CHUNK).set(hi);
  min(f, width, hi);
  f.set(width);
  gemmChunk();
  if (!(shape as { skipReduce?: boolean }).skipReduce) reduceChunk();
  f.get(j0).i32(CHUNK).add().set(j0);
  f.raw(0x0c, 0, 0x0b, 0x0b);
  // penalty[0] += rowSq, penalty[1] += rowAb
  f.get(penalty).get(penalty).raw(0x2b, 3, 0).get(rowSq).raw(0xa0, 0x39, 3, 0);
  f.get(penalty).get(penalty).raw(0x2b, 3, 8).get(rowAb).raw(0xa0, 0x39, 3, 8);
  return f;
}

/** n rounded up to what the micro-kernel's unrolled k loop takes. */
export function paddedLength(n: number): number {
  const step = 16;
  return Math.max(step, Math.ceil(n / step) * step);
}

/** The module's bytes for factors of padded length `paddedN`, on a shared memory. */
export function gramReduceModule(paddedN: number, fma: boolean, shape = MICRO_SHAPE): Uint8Array {
  if (shape.cols % 4 !== 0 || CHUNK % shape.cols !== 0)
    throw new RangeError('gramReduceModule: cols must be a multiple of 4 dividing CHUNK');
  if (paddedN % (4 * shape.unroll) !== 0)
    throw new RangeError('gramReduceModule: n not a multiple of the unrolled step');
  return buildModule([bandFunction(paddedN, fma, shape)], 1, 65536);
}
