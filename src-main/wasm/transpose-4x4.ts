import type { FunctionBuilder, Local } from './emitter';

/** Lanes of two f32x4 vectors (0-3 the first, 4-7 the second) as an i8x16.shuffle immediate. */
function lanes(...picks: number[]): number[] {
  return picks.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]);
}

/**
 * A 4 x 4 transpose of f32 values in registers, for kernels built with `f` (its v128 locals are
 * declared once, here). The returned emitter calls `loadRow(register, row)` for rows 0-3, each
 * to leave that row in `register`, then `storeColumn(column, push)` for columns 0-3, where
 * `push()` puts the column (one v128) on the stack.
 */
export function transpose4x4Emitter(
  f: FunctionBuilder,
): (
  loadRow: (register: Local, row: number) => void,
  storeColumn: (column: number, push: () => void) => void,
) => void {
  const v128 = () => f.local('v128');
  const rows = [v128(), v128(), v128(), v128()] as const;
  const pairs = [v128(), v128(), v128(), v128()] as const;
  const shuffle = (a: Local, b: Local, picks: number[]) =>
    f
      .get(a)
      .get(b)
      .simd(0x0d, ...lanes(...picks));
  return (loadRow, storeColumn) => {
    rows.forEach((register, row) => loadRow(register, row));
    // Interleave rows 0/1 and 2/3, then take the halves of those that form each column.
    shuffle(rows[0], rows[1], [0, 4, 1, 5]).set(pairs[0]);
    shuffle(rows[0], rows[1], [2, 6, 3, 7]).set(pairs[1]);
    shuffle(rows[2], rows[3], [0, 4, 1, 5]).set(pairs[2]);
    shuffle(rows[2], rows[3], [2, 6, 3, 7]).set(pairs[3]);
    storeColumn(0, () => shuffle(pairs[0], pairs[2], [0, 1, 4, 5]));
    storeColumn(1, () => shuffle(pairs[0], pairs[2], [2, 3, 6, 7]));
    storeColumn(2, () => shuffle(pairs[1], pairs[3], [0, 1, 4, 5]));
    storeColumn(3, () => shuffle(pairs[1], pairs[3], [2, 3, 6, 7]));
  };
}
