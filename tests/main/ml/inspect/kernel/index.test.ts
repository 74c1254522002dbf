import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  createGramReducer,
  disposeGramReduce,
  gramReduce,
  relaxedSimdAvailable,
  type GramReducer,
  type ReduceRequest,
  type ReduceResult,
} from '../../../../../src-main/ml/inspect/kernel';
import { bruteForce, randomFactors } from './brute-force';

const reducers: Record<string, GramReducer> = {
  fmaThreads: createGramReducer({ threads: 2 }),
  plainThreads: createGramReducer({ threads: 2, fma: false }),
  fmaHere: createGramReducer({ threads: 0 }),
  plainHereNoSymmetry: createGramReducer({ threads: 0, fma: false, symmetry: false }),
};

afterAll(async () => {
  await Promise.all(Object.values(reducers).map((reducer) => reducer.dispose()));
  await disposeGramReduce();
});

/** Checks a result against the float64 brute force; tolerances for float32 dot products of length n. */
function expectMatches(result: ReduceResult, request: ReduceRequest): void {
  const brute = bruteForce(request);
  const tolerance = 4e-7 * request.left.n * Math.max(1, brute.scale);
  expect([result.cellRowsCount, result.cellColsCount]).toEqual([brute.cellRowsCount, brute.cellColsCount]);
  for (let cell = 0; cell < brute.extreme.length; cell++) {
    const want = brute.extreme[cell]!;
    const got = result.extreme[cell]!;
    if (Number.isNaN(want)) {
      expect(got, `cell ${cell}`).toBeNaN();
      expect(result.rms[cell], `cell ${cell}`).toBeNaN();
      continue;
    }
    // as large as the largest entry, and (with its sign) one of the cell's entries
    expect(Math.abs(Math.abs(got) - Math.abs(want)), `cell ${cell}`).toBeLessThanOrEqual(tolerance);
    expect(
      brute.entries[cell]!.some((value) => Math.abs(value - got) <= tolerance),
      `cell ${cell}: ${got} is an entry`,
    ).toBe(true);
    expect(Math.abs(result.rms[cell]! - brute.rms[cell]!), `cell ${cell}`).toBeLessThanOrEqual(
      tolerance + 1e-6 * brute.rms[cell]!,
    );
  }
  if (request.penalty) {
    expect(Math.abs(result.penalty - brute.penalty)).toBeLessThanOrEqual(1e-5 * brute.penalty + tolerance);
  } else expect(result.penalty).toBe(0);
}

const n37 = { a: randomFactors(203, 37, 1), b: randomFactors(203, 37, 2) };

describe('gramReduce against a float64 brute force', () => {
  it.each(Object.keys(reducers))(
    '%s: cross factors, a region at the matrix edge, ragged cells',
    async (name) => {
      // d = 203, n = 37: nothing divides the cells (7 x 9), the micro-kernel (3 x 4) or the k step (16)
      const request: ReduceRequest = {
        ...{ left: n37.a, right: n37.b, rows: [50, 203], cols: [0, 131] },
        ...{ cellRows: 7, cellCols: 9, maskDiagonal: true, penalty: { q: 2 } },
      };
      expectMatches(await reducers[name]!.reduce(request), request);
      const q1 = { ...request, maskDiagonal: false, penalty: { q: 1 as const } };
      expectMatches(await reducers[name]!.reduce(q1), q1);
    },
  );

  it.each(Object.keys(reducers))(
    '%s: identical factors (symmetric), square cells off the origin',
    async (name) => {
      const request: ReduceRequest = {
        ...{ left: n37.a, right: { ...n37.a }, rows: [17, 190], cols: [17, 190] },
        ...{ cellRows: 6, cellCols: 6, maskDiagonal: true, penalty: { q: 2 } },
      };
      expectMatches(await reducers[name]!.reduce(request), request);
      const unmasked = {
        ...request,
        maskDiagonal: false,
        penalty: { q: 1 as const },
        cellRows: 64,
        cellCols: 64,
      };
      expectMatches(await reducers[name]!.reduce(unmasked), unmasked);
    },
  );

  it('an exact tile (1 x 1 cells) is the values; masked diagonal entries are NaN', async () => {
    const left = randomFactors(300, 64, 3);
    const right = randomFactors(300, 64, 4);
    const request: ReduceRequest = {
      ...{ left, right, rows: [40, 101], cols: [60, 93], cellRows: 1, cellCols: 1, maskDiagonal: true },
    };
    const result = await gramReduce(request);
    expectMatches(result, request);
    for (let i = 40; i < 101; i++)
      for (let j = 60; j < 93; j++) {
        const at = (i - 40) * 33 + (j - 60);
        if (i === j) expect(result.extreme[at]).toBeNaN();
        else expect(result.rms[at]).toBeCloseTo(Math.abs(result.extreme[at]!), 6);
      }
  });

  it('keeps every cell’s signed extreme: planted spikes of either sign win their cells', async () => {
    // Small background values, one spike per 8 x 8 cell: M_ij = 50 * sign at a chosen (i, j).
    const d = 64;
    const n = 96;
    const background = randomFactors(d, n, 5);
    const left = { rows: d, n, data: background.data.map((value) => value * 0.01) };
    const right = { rows: d, n, data: randomFactors(d, n, 6).data.map((value) => value * 0.01) };
    const spikes: { i: number; j: number; sign: number }[] = [];
    for (let a = 0; a < 8; a++)
      for (let b = 0; b < 8; b++) {
        // each spike uses its own k (a * 8 + b), so spikes do not add to each other
        const i = a * 8 + ((a * 3 + b) % 8);
        const j = b * 8 + ((a + b * 5) % 8);
        const sign = (a + b) % 3 === 0 ? -1 : 1;
        const k = a * 8 + b;
        left.data[i * n + k] = 5;
        right.data[j * n + k] = 10 * sign;
        spikes.push({ i, j, sign });
      }
    const request: ReduceRequest = {
      ...{ left, right, rows: [0, d], cols: [0, d], cellRows: 8, cellCols: 8, maskDiagonal: false },
    };
    const result = await gramReduce(request);
    expectMatches(result, request);
    for (const { i, j, sign } of spikes) {
      const value = result.extreme[Math.floor(i / 8) * 8 + Math.floor(j / 8)]!;
      expect(Math.sign(value)).toBe(sign);
      expect(Math.abs(value)).toBeGreaterThan(49);
    }
  });
});

describe('gramReduce paths agree', () => {
  it('relaxed FMA compiles here and runs on worker threads', async () => {
    expect(relaxedSimdAvailable()).toBe(true);
    await reducers.fmaThreads!.reduce({
      ...{ left: n37.a, right: n37.b, rows: [0, 203], cols: [0, 203], cellRows: 16, cellCols: 16 },
      maskDiagonal: false,
    });
    expect(reducers.fmaThreads!.used).toEqual({ fma: true, threads: 2 });
    expect(reducers.plainHereNoSymmetry!.used.threads).toBe(0);
  });

  it('threads and a single thread give the same cells; FMA and mul + add agree closely', async () => {
    const left = randomFactors(777, 200, 7);
    const right = randomFactors(777, 200, 8);
    const request: ReduceRequest = {
      ...{ left, right, rows: [0, 777], cols: [5, 777], cellRows: 13, cellCols: 20, maskDiagonal: true },
      penalty: { q: 2 },
    };
    const threaded = await reducers.fmaThreads!.reduce(request);
    const here = await reducers.fmaHere!.reduce(request);
    expect(threaded.extreme).toEqual(here.extreme);
    expect(threaded.rms).toEqual(here.rms);
    expect(threaded.penalty).toBeCloseTo(here.penalty, 3);
    const plain = await reducers.plainThreads!.reduce(request);
    for (let cell = 0; cell < plain.extreme.length; cell++)
      expect(Math.abs(plain.extreme[cell]! - here.extreme[cell]!)).toBeLessThan(1e-3);
    expect(Math.abs(plain.penalty / here.penalty - 1)).toBeLessThan(1e-6);
  });
});

describe('gramReduce requests', () => {
  it('reports progress per band and stops on abort', async () => {
    const left = randomFactors(700, 32, 9);
    const progress: [number, number][] = [];
    await gramReduce({
      ...{ left, right: left, rows: [0, 700], cols: [0, 700], cellRows: 1, cellCols: 1, maskDiagonal: false },
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toEqual([progress[0]![1], progress[0]![1]]);
    const controller = new AbortController();
    const aborted = gramReduce({
      ...{ left, right: left, rows: [0, 700], cols: [0, 700], cellRows: 1, cellCols: 1, maskDiagonal: false },
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('drops its memory when idle and sets the threads up again for the next request', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const reducer = createGramReducer({ threads: 2 });
    try {
      const request: ReduceRequest = {
        ...{ left: n37.a, right: n37.b, rows: [0, 203], cols: [0, 203], cellRows: 10, cellCols: 10 },
        ...{ maskDiagonal: false, penalty: { q: 1 } },
      };
      const first = await reducer.reduce(request);
      vi.advanceTimersByTime(60_000);
      const second = await reducer.reduce(request);
      expect(reducer.used.threads).toBe(2);
      expect(second).toEqual(first);
      expectMatches(second, request);
    } finally {
      vi.useRealTimers();
      await reducer.dispose();
    }
  });

  it('rejects regions outside the factors and mismatched n', async () => {
    const left = randomFactors(10, 8, 10);
    const base = { left, right: left, cellRows: 2, cellCols: 2, maskDiagonal: false };
    await expect(gramReduce({ ...base, rows: [0, 11], cols: [0, 10] })).rejects.toThrow(RangeError);
    await expect(gramReduce({ ...base, rows: [3, 3], cols: [0, 10] })).rejects.toThrow(RangeError);
    const other = randomFactors(10, 9, 11);
    await expect(gramReduce({ ...base, right: other, rows: [0, 10], cols: [0, 10] })).rejects.toThrow(
      RangeError,
    );
  });
});
