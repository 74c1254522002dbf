import { buildModule, FunctionBuilder, i32Params, type Local } from './emitter';
import {
  CHUNK,
  MICRO_SHAPE,
  MICRO_SHAPE_PLAIN,
  microKernelEmitter,
  type MicroShape,
} from './gram-micro-kernel';

export { CHUNK, MICRO_PAD, MICRO_SHAPE, MICRO_SHAPE_PLAIN, type MicroShape } from './gram-micro-kernel';

/**
 * The inspector's fused "GEMM + reduce" kernel (issue 12): one band of rows of M = L R^T,
 * M[i][j] = dot(L_i, R_j) over n, reduced into cells (signed extreme, sum of squares) and the
 * off-diagonal penalty sums, without the band ever leaving the WebAssembly memory. Columns go
 * in chunks (gram-micro-kernel.ts writes each chunk's block into a small scratch that stays in
 * cache); the chunk is reduced at once, four entries at a time, sums in float64 per cell.
 */

/** The parameters of `band`, in order (all i32 byte addresses, counts or flags). */
export const BAND_PARAMS = [
  'left', // byte address of the region's left rows (MICRO_PAD extra zero rows)
  'right', // byte address of the region's right rows (zero rows up to a multiple of MICRO_PAD, plus MICRO_PAD)
  'colStart', // region-local first column (a cell boundary)
  'colEnd', // region-local end column
  'bandStart', // region-local first row of the band (a cell-row boundary)
  'bandRows', // rows in the band
  'cellRows',
  'cellCols',
  'cellColsCount',
  'scratch', // byte address of this thread's scratch: (roundUp(bandRows, MICRO_PAD) + MICRO_PAD) x CHUNK f32
  'extreme', // byte address of the f32 cells (cellRowsCount x cellColsCount), 0 at start
  'squares', // byte address of the f64 cells' sums of squares, 0 at start
  'penalty', // byte address of this thread's two f64: sum of squares and of |x| over i != j
  'mask', // 1: entries on the diagonal are left out of the cells
  'diagonal', // r0 - c0: region-local (i, j) is on the diagonal when j = i + diagonal
] as const;

export interface GramReduceExports {
  band(...args: number[]): void;
}

/** Emits `a < b ? a : b` (signed) with both values read from locals. */
function min(f: FunctionBuilder, a: Local, b: Local): void {
  f.get(a).get(b).get(a).get(b).raw(0x48).select(); // i32.lt_s
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
  const f = new FunctionBuilder('band', i32Params(BAND_PARAMS.length));
  const [left, right, colStart, colEnd, bandStart, bandRows, cellRows, cellCols, cellColsCount, ...rest] =
    f.paramList();
  const [scratch, extreme, squares, penalty, mask, diagonal] = rest;
  const chunk = shape.chunk ?? CHUNK;
  const strideBytes = chunk * 4;
  const [j0, width] = f.locals('i32', 2);
  const [x, i, cellBase, jd, s, e, cell, j, at, lo, hi] = f.locals('i32', 11);
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

  const gemmChunk = microKernelEmitter(f, paddedN, fma, shape);

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
  f.i32(chunk).set(hi);
  min(f, width, hi);
  f.set(width);
  gemmChunk({ left, right, bandStart, bandRows, j0, width, scratch });
  reduceChunk();
  f.get(j0).i32(chunk).add().set(j0);
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
export function gramReduceModule(
  paddedN: number,
  fma: boolean,
  shape = fma ? MICRO_SHAPE : MICRO_SHAPE_PLAIN,
): Uint8Array {
  return buildModule([bandFunction(paddedN, fma, shape)], 1, 65536);
}
