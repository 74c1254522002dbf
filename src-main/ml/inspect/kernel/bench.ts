import { createGramReducer, type Factors, type GramReducerOptions, type ReduceRequest } from './index';

/**
 * Timings of the kernel at the sizes (n probe images, d features) for the CLI's bench
 * command and the kernel's benchmark test: the whole-matrix overview (at most 512 x 512 cells
 * with the penalty) of cross factors and of one view with itself (symmetric), and a 512 x 512
 * exact tile. Wall and process CPU milliseconds; medians over `repeats` after a first, cold call.
 */

export interface GramBench {
  n: number;
  d: number;
  fma: boolean;
  threads: number;
  coldOverviewMs: number;
  overviewMs: number;
  overviewCpuMs: number;
  symmetricOverviewMs: number;
  tileMs: number;
  /** Largest resident set seen during the overviews (sampled at each band), MiB. */
  peakRssMiB: number;
  /** Multiply-adds per second of the cross overview, GFLOP/s (2 d^2 n flops). */
  gflops: number;
}

function factors(rows: number, n: number, seed: number): Factors {
  // a cheap deterministic fill (xorshift), values in [-1, 1)
  let state = seed * 2654435761 || 1;
  const data = new Float32Array(rows * n);
  for (let at = 0; at < data.length; at++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[at] = (state >>> 0) / 2 ** 31 - 1;
  }
  return { rows, n, data };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchGramReduce(
  n: number,
  d: number,
  options: GramReducerOptions & { repeats?: number; onLog?: (line: string) => void } = {},
): Promise<GramBench> {
  const reducer = createGramReducer(options);
  const left = factors(d, n, 1);
  const right = factors(d, n, 2);
  const cell = Math.ceil(d / 512);
  let peakRss = 0;
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const overview = (right_: Factors): ReduceRequest => ({
    ...{ left, right: right_, rows: [0, d], cols: [0, d], cellRows: cell, cellCols: cell },
    ...{ maskDiagonal: true, penalty: { q: 2 }, onProgress: sample },
  });
  const timed = async (request: ReduceRequest) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await reducer.reduce(request);
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { wall, cpu: (used.user + used.system) / 1000 };
  };
  try {
    const cold = await timed(overview(right));
    const cross: { wall: number; cpu: number }[] = [];
    const symmetric: number[] = [];
    const tiles: number[] = [];
    const middle = Math.max(0, Math.floor(d / 2) - 256);
    const tile: ReduceRequest = {
      ...{ left, right, rows: [middle, Math.min(d, middle + 512)], cols: [0, Math.min(d, 512)] },
      ...{ cellRows: 1, cellCols: 1, maskDiagonal: false },
    };
    for (let repeat = 0; repeat < (options.repeats ?? 3); repeat++) {
      cross.push(await timed(overview(right)));
      symmetric.push((await timed(overview(left))).wall);
      tiles.push((await timed(tile)).wall);
      options.onLog?.(
        `n=${n} d=${d} repeat ${repeat}: overview ${cross.at(-1)!.wall.toFixed(0)} ms, symmetric ` +
          `${symmetric.at(-1)!.toFixed(0)} ms, tile ${tiles.at(-1)!.toFixed(1)} ms`,
      );
    }
    const overviewMs = median(cross.map((entry) => entry.wall));
    return {
      ...{ n, d, fma: reducer.used.fma, threads: reducer.used.threads },
      coldOverviewMs: cold.wall,
      overviewMs,
      overviewCpuMs: median(cross.map((entry) => entry.cpu)),
      symmetricOverviewMs: median(symmetric),
      tileMs: median(tiles),
      peakRssMiB: peakRss / 2 ** 20,
      gflops: (2 * d * d * n) / overviewMs / 1e6,
    };
  } finally {
    await reducer.dispose();
  }
}
