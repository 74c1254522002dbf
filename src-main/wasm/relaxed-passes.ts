import { buildModule, FunctionBuilder, i32Params, type Local } from './emitter';
import { wasmApi } from './wasm-api';

/**
 * WebAssembly SIMD versions of the O(N d) passes of the relaxed losses (statistics, the
 * permuted gather into the 4-lane FFT layout, the scatter back, batch-norm / centring
 * backward), on row-major [N, d] float32 arrays in the kernels' memory. All pointers are
 * byte offsets; `rowBytes` = 4 d with d a multiple of 4. In plain JS these passes cost about
 * 3 ns per element each, which at d = 8192 was more than the FFTs.
 */

type Builder = FunctionBuilder;

/** for (n = 0; n < rows; n++) for (j = 0; j < rowBytes; j += 16) body(rowOffset + j, j) */
function forRowsAndColumns(
  f: Builder,
  rows: Local,
  rowBytes: Local,
  body: (at: Local, column: Local) => void,
): void {
  const [n, j, base, at] = f.locals('i32', 4);
  f.forRange(
    n,
    () => f.i32(0),
    rows,
    () => {
      f.get(n).get(rowBytes).mul().set(base);
      f.forRange(
        j,
        () => f.i32(0),
        rowBytes,
        () => {
          f.get(base).get(j).add().set(at);
          body(at, j);
        },
        16,
      );
    },
  );
}

/** out[j] += (z[n, j] - shift[j])^2 over rows (shift = 0 gives plain column sums with square = false). */
function columnSums(square: boolean): Builder {
  const f = new FunctionBuilder(square ? 'columnSquares' : 'columnSums', i32Params(5));
  const [z, rows, rowBytes, shift, out] = f.paramList();
  const value = f.local('v128');
  forRowsAndColumns(f, rows, rowBytes, (at, column) => {
    f.get(z).get(at).add().v128Load(0).get(shift).get(column).add().v128Load(0).vsub().set(value);
    f.get(out).get(column).add();
    f.get(out).get(column).add().v128Load(0);
    f.get(value);
    if (square) f.get(value).vmul();
    f.vadd().v128Store(0);
  });
  return f;
}

/** out[n] = sum_j (z1[n, j] - z2[n, j])^2 as four partial sums per row (16 bytes per row). */
function rowSquaredDifferences(): Builder {
  const f = new FunctionBuilder('rowSquaredDifferences', i32Params(5));
  const [z1, z2, rows, rowBytes, out] = f.paramList();
  const value = f.local('v128');
  forRowsAndColumns(f, rows, rowBytes, (at) => {
    f.get(z1).get(at).add().v128Load(0).get(z2).get(at).add().v128Load(0).vsub().set(value);
    const row = f.local('i32');
    f.get(at).get(rowBytes).raw(0x6e).i32(16).mul().get(out).add().set(row); // i32.div_u: row index
    f.get(row).get(row).v128Load(0).get(value).get(value).vmul().vadd().v128Store(0);
  });
  return f;
}

/**
 * Gathers 4 rows (starting at byte rowStart) in permuted column order, standardises them
 * ((z - mean) * scale, mean and scale in permuted order) and writes the 4-lane FFT input:
 * u = view 1, v = view 2. c4[j] += u * v lane-wise (the BT diagonal).
 */
function pack(): Builder {
  const f = new FunctionBuilder('pack', i32Params(12));
  const [z1, z2, perm, m1, s1, m2, s2, c4, input, d, rowStart, rowBytes] = f.paramList();
  const [j, source, column] = f.locals('i32', 3);
  const [a1, a2] = f.locals('v128', 2);
  const gather = (z: Local, target: Local, mean: Local, scale: Local) => {
    f.get(z).get(source).add().f32Load(0).splat();
    for (let lane = 1; lane < 4; lane++) {
      f.get(z).get(source).add().get(rowBytes).i32(lane).mul().add().f32Load(0).replaceLane(lane);
    }
    f.get(mean).get(column).add().f32Load(0).splat().vsub();
    f.get(scale).get(column).add().f32Load(0).splat().vmul().set(target);
  };
  f.forRange(
    j,
    () => f.i32(0),
    d,
    () => {
      f.get(j).i32(2).shl().set(column);
      f.get(perm).get(column).add().i32Load(0).i32(2).shl().get(rowStart).add().set(source);
      gather(z1, a1, m1, s1);
      gather(z2, a2, m2, s2);
      f.get(input).get(j).i32(32).mul().add().get(a1).v128Store(0);
      f.get(input).get(j).i32(32).mul().add().get(a2).v128Store(16);
      f.get(c4).get(column).i32(2).shl().add();
      f.get(c4).get(column).i32(2).shl().add().v128Load(0).get(a1).get(a2).vmul().vadd().v128Store(0);
    },
  );
  return f;
}

/**
 * The inverse of pack's layout: from the 4-lane transform output, g[row, perm[j]] =
 * lane value * scale for the 4 rows starting at byte rowStart (u -> g1, v -> g2).
 */
function unpack(): Builder {
  const f = new FunctionBuilder('unpack', [...i32Params(7), 'f32', 'f32']);
  const [out, perm, g1, g2, d, rowStart, rowBytes, scaleU, scaleV] = f.paramList();
  const [j, target] = f.locals('i32', 2);
  const [du, dv] = f.locals('v128', 2);
  f.forRange(
    j,
    () => f.i32(0),
    d,
    () => {
      f.get(out).get(j).i32(32).mul().add().v128Load(0).get(scaleU).splat().vmul().set(du);
      f.get(out).get(j).i32(32).mul().add().v128Load(16).get(scaleV).splat().vmul().set(dv);
      f.get(perm).get(j).i32(2).shl().add().i32Load(0).i32(2).shl().get(rowStart).add().set(target);
      for (let lane = 0; lane < 4; lane++) {
        f.get(g1).get(target).add().get(rowBytes).i32(lane).mul().add().get(du).extractLane(lane).f32Store(0);
        f.get(g2).get(target).add().get(rowBytes).i32(lane).mul().add().get(dv).extractLane(lane).f32Store(0);
      }
    },
  );
  return f;
}

/** acc[column] += value, 16 bytes. */
function addTo(f: Builder, acc: Local, column: Local, push: () => void): void {
  f.get(acc).get(column).add();
  f.get(acc).get(column).add().v128Load(0);
  push();
  f.vadd().v128Store(0);
}

/**
 * BT, rows [rowStart, rowStart + rows): adds the diagonal term to dA (dA1 += diag * A2,
 * dA2 += diag * A1, original column order) and accumulates the batch-norm column sums of dA
 * and dA * A.
 */
function sweepBarlow(): Builder {
  const f = new FunctionBuilder('sweepBarlow', i32Params(16));
  const [z1, z2, g1, g2, m1, i1, m2, i2, diagonal, sum1, product1, sum2, product2, rowStart, rows, rowBytes] =
    f.paramList();
  const [a1, a2, d1, d2, diag] = f.locals('v128', 5);
  const start = f.local('i32');
  f.get(rowStart).set(start);
  forRowsAndColumns(f, rows, rowBytes, (at, column) => {
    const cell = f.local('i32');
    f.get(at).get(start).add().set(cell);
    f.get(z1).get(cell).add().v128Load(0).get(m1).get(column).add().v128Load(0).vsub();
    f.get(i1).get(column).add().v128Load(0).vmul().set(a1);
    f.get(z2).get(cell).add().v128Load(0).get(m2).get(column).add().v128Load(0).vsub();
    f.get(i2).get(column).add().v128Load(0).vmul().set(a2);
    f.get(diagonal).get(column).add().v128Load(0).set(diag);
    f.get(g1).get(cell).add().v128Load(0).get(diag).get(a2).vmul().vadd().set(d1);
    f.get(g2).get(cell).add().v128Load(0).get(diag).get(a1).vmul().vadd().set(d2);
    f.get(g1).get(cell).add().get(d1).v128Store(0);
    f.get(g2).get(cell).add().get(d2).v128Store(0);
    addTo(f, sum1, column, () => f.get(d1));
    addTo(f, product1, column, () => f.get(d1).get(a1).vmul());
    addTo(f, sum2, column, () => f.get(d2));
    addTo(f, product2, column, () => f.get(d2).get(a2).vmul());
  });
  return f;
}

/** VICReg: dZc += hinge * (z - mean) per view, and the column sums of dZc (centring backward). */
function sweepVicreg(): Builder {
  const f = new FunctionBuilder('sweepVicreg', i32Params(13));
  const [z1, z2, g1, g2, m1, m2, h1, h2, sum1, sum2, rowStart, rows, rowBytes] = f.paramList();
  const [d1, d2] = f.locals('v128', 2);
  const start = f.local('i32');
  f.get(rowStart).set(start);
  forRowsAndColumns(f, rows, rowBytes, (at, column) => {
    const cell = f.local('i32');
    f.get(at).get(start).add().set(cell);
    f.get(g1).get(cell).add().v128Load(0);
    f.get(z1).get(cell).add().v128Load(0).get(m1).get(column).add().v128Load(0).vsub();
    f.get(h1).get(column).add().v128Load(0).vmul().vadd().set(d1);
    f.get(g2).get(cell).add().v128Load(0);
    f.get(z2).get(cell).add().v128Load(0).get(m2).get(column).add().v128Load(0).vsub();
    f.get(h2).get(column).add().v128Load(0).vmul().vadd().set(d2);
    f.get(g1).get(cell).add().get(d1).v128Store(0);
    f.get(g2).get(cell).add().get(d2).v128Store(0);
    addTo(f, sum1, column, () => f.get(d1));
    addTo(f, sum2, column, () => f.get(d2));
  });
  return f;
}

/** BT batch-norm backward over all rows: g = dy (g - shift - (z - mean) slope) invStd, per view. */
function finishBarlow(): Builder {
  const f = new FunctionBuilder('finishBarlow', [...i32Params(14), 'f32']);
  const [z1, z2, g1, g2, m1, i1, m2, i2, shift1, slope1, shift2, slope2, rows, rowBytes, dy] = f.paramList();
  const scale = f.local('v128');
  f.get(dy).splat().set(scale);
  forRowsAndColumns(f, rows, rowBytes, (at, column) => {
    for (const [z, g, m, i, shift, slope] of [
      [z1, g1, m1, i1, shift1, slope1],
      [z2, g2, m2, i2, shift2, slope2],
    ] as const) {
      f.get(g).get(at).add();
      f.get(g).get(at).add().v128Load(0).get(shift).get(column).add().v128Load(0).vsub();
      f.get(z).get(at).add().v128Load(0).get(m).get(column).add().v128Load(0).vsub();
      f.get(slope).get(column).add().v128Load(0).vmul().vsub();
      f.get(i).get(column).add().v128Load(0).vmul().get(scale).vmul().v128Store(0);
    }
  });
  return f;
}

/** VICReg: g1 = dy (g1 - shift1 + k (z1 - z2)), g2 = dy (g2 - shift2 - k (z1 - z2)). */
function finishVicreg(): Builder {
  const f = new FunctionBuilder('finishVicreg', [...i32Params(8), 'f32', 'f32']);
  const [z1, z2, g1, g2, shift1, shift2, rows, rowBytes, k, dy] = f.paramList();
  const [scale, factor, difference] = f.locals('v128', 3);
  f.get(dy).splat().set(scale);
  f.get(k).splat().set(factor);
  forRowsAndColumns(f, rows, rowBytes, (at, column) => {
    f.get(z1)
      .get(at)
      .add()
      .v128Load(0)
      .get(z2)
      .get(at)
      .add()
      .v128Load(0)
      .vsub()
      .get(factor)
      .vmul()
      .set(difference);
    f.get(g1).get(at).add();
    f.get(g1)
      .get(at)
      .add()
      .v128Load(0)
      .get(shift1)
      .get(column)
      .add()
      .v128Load(0)
      .vsub()
      .get(difference)
      .vadd();
    f.get(scale).vmul().v128Store(0);
    f.get(g2).get(at).add();
    f.get(g2)
      .get(at)
      .add()
      .v128Load(0)
      .get(shift2)
      .get(column)
      .add()
      .v128Load(0)
      .vsub()
      .get(difference)
      .vsub();
    f.get(scale).vmul().v128Store(0);
  });
  return f;
}

export interface SimdPassExports {
  columnSums(z: number, rows: number, rowBytes: number, shift: number, out: number): void;
  columnSquares(z: number, rows: number, rowBytes: number, shift: number, out: number): void;
  rowSquaredDifferences(z1: number, z2: number, rows: number, rowBytes: number, out: number): void;
  pack(...args: number[]): void;
  unpack(...args: number[]): void;
  sweepBarlow(...args: number[]): void;
  sweepVicreg(...args: number[]): void;
  finishBarlow(...args: number[]): void;
  finishVicreg(...args: number[]): void;
}

let compiled: object | null | undefined;

export function simdPassModule(): object | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = buildModule([
      columnSums(false),
      columnSums(true),
      rowSquaredDifferences(),
      pack(),
      unpack(),
      sweepBarlow(),
      sweepVicreg(),
      finishBarlow(),
      finishVicreg(),
    ]);
    compiled = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}
