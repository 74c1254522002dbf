import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CallInput } from '@shared/api/contract';
import type { Result } from '@shared/errors';
import type { MatrixCells } from '@shared/inspect';
import { createHeadlessWorkbench } from '../../host/headless';
import type { Workbench } from '../../services/workbench';
import { RunStore } from '../../storage/store';
import { UsageError, type CliCommand, type CliContext } from '../command';
import { storeSyntheticRun } from './bench-inspect-data';
import { residentBytes, resetPeak } from '../../compute/measure/process-memory';

function positiveInteger(text: string, flag: string, allowZero = false): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1))
    throw new UsageError(
      `${flag} must be a ${allowZero ? 'non-negative' : 'positive'} integer, not "${text}"`,
    );
  return value;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (ms: number) => Number(ms.toFixed(1));
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

/** One call through the dispatcher (schema, service, compute thread), timed from the caller's side. */
async function timed<T>(
  workbench: Workbench,
  channel: 'inspect:matrix' | 'inspect:summary' | 'inspect:pair' | 'inspect:spectrum',
  input: CallInput<typeof channel>,
): Promise<{ ms: number; cpuMs: number; value: T }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = (await workbench.dispatch(channel, input)) as Result<T>;
  const ms = performance.now() - start;
  // Every thread of the process (main, compute thread, kernel threads): on a machine shared with
  // other work, CPU time / 2 is nearer than the wall time to what two idle cores would take.
  const used = process.cpuUsage(cpu);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.message}`);
  return { ms, cpuMs: (used.user + used.system) / 1000, value: result.value };
}

/** The inspect/* metrics of a snapshot, derived as when a training worker stores one (in the background). */
function metricsTime(workbench: Workbench, snapshotId: number): Promise<number> {
  const summary = workbench.store.snapshots.summary(snapshotId)!;
  const start = performance.now();
  return new Promise((resolve) => {
    const unsubscribe = workbench.events.subscribe((channel, payload) => {
      if (channel !== 'run:metrics' || (payload as { runId: number }).runId !== summary.runId) return;
      unsubscribe();
      resolve(performance.now() - start);
    });
    workbench.events.emit('run:snapshot', summary);
  });
}

interface Figures {
  [name: string]: number | string;
}

/** The n x d measurements of the issue's targets (point 6), on one synthetic snapshot. */
async function measureStandard(
  folder: string,
  n: number,
  d: number,
  repeats: number,
  context: CliContext,
): Promise<Figures> {
  const databasePath = join(folder, 'standard.sqlite');
  const store = RunStore.open(databasePath);
  const blockSize = Math.min(d, 256);
  const { snapshotIds } = storeSyntheticRun(store, {
    n,
    d,
    featureDim: Math.min(512, d),
    permutation: true,
    loss: { name: 'fft-bt', blockSize },
  });
  store.close();
  const snapshotId = snapshotIds[0]!;
  const open = () => createHeadlessWorkbench({ buildDir: context.buildDir, host: 'cli', databasePath });
  const figures: Figures = { n, d, blockSize };
  let workbench = open();
  try {
    // The thread's start and the snapshot's decoding, with a tiny tile.
    const warm = await timed(workbench, 'inspect:matrix', {
      snapshotId,
      region: { rows: [0, 8], cols: [0, 8] },
    });
    figures.threadAndDecodeMs = round(warm.ms);
    // Uncached overviews: C computes every entry; a view's own correlation or covariance is symmetric (half).
    for (const view of ['cross', 'corr1', 'cov1'] as const) {
      const overview = await timed(workbench, 'inspect:matrix', { snapshotId, view });
      figures[`overview_${view}_Ms`] = round(overview.ms);
      figures[`overview_${view}_CpuMs`] = round(overview.cpuMs);
    }
    const memory: number[] = [];
    for (let i = 0; i < repeats; i++)
      memory.push((await timed(workbench, 'inspect:matrix', { snapshotId, view: 'cross' })).ms);
    figures.overviewCachedMemoryMs = round(median(memory));
    const tiles: number[] = [];
    for (let i = 0; i < repeats + 2; i++) {
      const start = Math.floor(((i + 1) * (d - 512)) / (repeats + 3));
      const region = {
        rows: [start, start + 512] as [number, number],
        cols: [d - 512 - start, d - start] as [number, number],
      };
      tiles.push((await timed(workbench, 'inspect:matrix', { snapshotId, view: 'cross', region })).ms);
    }
    figures.tile512Ms = round(median(tiles));
    const summary = await timed(workbench, 'inspect:summary', { snapshotId });
    figures.summaryMs = round(summary.ms);
    figures.summaryCpuMs = round(summary.cpuMs);
    const pairs: number[] = [];
    for (let i = 0; i < repeats; i++)
      pairs.push((await timed(workbench, 'inspect:pair', { snapshotId, g: i, h: i + 1 })).ms);
    figures.pairMs = round(median(pairs));
    const spectrum = await timed(workbench, 'inspect:spectrum', { snapshotId });
    figures.spectrumMs = round(spectrum.ms);
    figures.spectrumCpuMs = round(spectrum.cpuMs);
    figures.metricsMs = round(await metricsTime(workbench, snapshotId));
    await workbench.close();
    // Another host on the file: the overview comes from snapshot_views (its thread already warm).
    workbench = open();
    await timed(workbench, 'inspect:pair', { snapshotId, g: 0, h: 0 });
    const stored = await timed<MatrixCells>(workbench, 'inspect:matrix', { snapshotId, view: 'cross' });
    if (!stored.value.cached) throw new Error('the overview was not read back from the database');
    figures.overviewCachedDatabaseMs = round(stored.ms);
  } finally {
    await workbench.close();
  }
  return figures;
}

/** An overview at a large d, with its progress on stderr and the process's peak memory. */
async function measureLarge(folder: string, n: number, d: number, context: CliContext): Promise<Figures> {
  const databasePath = join(folder, 'large.sqlite');
  const store = RunStore.open(databasePath);
  const { snapshotIds } = storeSyntheticRun(store, {
    n,
    d,
    permutation: true,
    loss: { name: 'fft-bt', blockSize: 1024 },
  });
  store.close();
  const workbench = createHeadlessWorkbench({ buildDir: context.buildDir, host: 'cli', databasePath });
  let lastDecile = -1;
  workbench.events.subscribe((channel, payload) => {
    if (channel !== 'inspect:progress') return;
    const { done, total } = payload as { done: number; total: number };
    const decile = Math.floor((10 * done) / total);
    if (decile === lastDecile) return;
    lastDecile = decile;
    context.stderr.write(`  d = ${d} overview: ${decile * 10}% (${done}/${total} bands)\n`);
  });
  try {
    const before = residentBytes();
    const peakReset = resetPeak();
    const overview = await timed<MatrixCells>(workbench, 'inspect:matrix', {
      snapshotId: snapshotIds[0]!,
      view: 'cross',
    });
    const after = residentBytes();
    return {
      n,
      d,
      overviewMs: round(overview.ms),
      overviewCpuMs: round(overview.cpuMs),
      cells: `${overview.value.rows} x ${overview.value.cols} of ${overview.value.cellRows} x ${overview.value.cellCols}`,
      rssBeforeMiB: mib(before.rss),
      peakRssMiB: mib(peakReset ? after.peak : Math.max(after.peak, after.rss)),
      snapshotMiB: mib(2 * n * d * 4),
      denseMatrixMiB: mib(d * d * 4),
    };
  } finally {
    await workbench.close();
  }
}

export const benchInspectCommand: CliCommand = {
  name: 'bench inspect',
  summary:
    'Benchmark the decorrelation inspector: overviews, tiles, summaries, spectrum, and a d = 32768 overview',
  usage: `Usage: npm run cli -- bench inspect [--n 512] [--d 8192] [--large-d 32768] [--repeats 3] [--json]

On synthetic embeddings with the structure of trained ones (correlated feature clusters, a
decaying spectrum, collapsed features; sBT with b = 256 and a permutation) stored in a fresh
database, times each call through the dispatcher and the compute thread, as the app makes it:
the first overview of a snapshot (thread start, decoding, computing), uncached overviews of
other views, the overview again (in-memory cache) and from another host (the database's view
cache), 512 x 512 exact tiles, the summary panel (its exact penalty included), one pair's
summary vector, and the spectrum. Then a whole-matrix overview at --large-d (0 skips it) with
its progress and the process's peak resident memory.
Targets (n = 512, d = 8192): overview <= 1.5 s uncached and <= 50 ms cached, tile <= 150 ms,
summary and spectrum <= 1 s; d = 32768: overview <= 20 s, memory bounded by tiles.`,
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        n: { type: 'string', default: '512' },
        d: { type: 'string', default: '8192' },
        'large-d': { type: 'string', default: '32768' },
        repeats: { type: 'string', default: '3' },
        json: { type: 'boolean', default: false },
      },
    });
    const n = positiveInteger(values.n, '--n');
    const d = positiveInteger(values.d, '--d');
    const largeD = positiveInteger(values['large-d'], '--large-d', true);
    const repeats = positiveInteger(values.repeats, '--repeats');
    if (d < 1024) throw new UsageError('--d must be at least 1024 (the benchmark takes 512 x 512 tiles)');
    const folder = mkdtempSync(join(tmpdir(), 'decorbench-bench-inspect-'));
    try {
      context.stderr.write(`Measuring n = ${n}, d = ${d} ...\n`);
      const standard = await measureStandard(folder, n, d, repeats, context);
      let large: Figures | null = null;
      if (largeD > 0) {
        context.stderr.write(`Measuring an overview at d = ${largeD} ...\n`);
        large = await measureLarge(folder, n, largeD, context);
      }
      if (values.json) context.stdout.write(`${JSON.stringify({ benchmark: 'inspect', standard, large })}\n`);
      else {
        const s = standard;
        const lines = [
          `n = ${n}, d = ${d} (sBT, b = ${s.blockSize}), each call through the dispatcher and the compute thread`,
          `(wall time; CPU: all the process's threads, so about twice the wall time of two idle cores):`,
          `  thread start + snapshot decode (an 8 x 8 tile)           ${s.threadAndDecodeMs} ms`,
          `  overview of C (cross), uncached                          ${s.overview_cross_Ms} ms   (CPU ${s.overview_cross_CpuMs} ms; target <= 1500)`,
          `  overview of view 1's correlation, uncached (symmetric)  ${s.overview_corr1_Ms} ms   (CPU ${s.overview_corr1_CpuMs} ms; target <= 1500)`,
          `  overview of view 1's covariance K, uncached (symmetric) ${s.overview_cov1_Ms} ms   (CPU ${s.overview_cov1_CpuMs} ms; target <= 1500)`,
          `  overview, cached in memory                               ${s.overviewCachedMemoryMs} ms   (target <= 50)`,
          `  overview, cached in the database (another host)          ${s.overviewCachedDatabaseMs} ms   (target <= 50)`,
          `  512 x 512 exact tile of C, uncached (median)             ${s.tile512Ms} ms   (target <= 150)`,
          `  summary panel (G x G contributions + exact penalty)      ${s.summaryMs} ms   (CPU ${s.summaryCpuMs} ms; target <= 1000)`,
          `  one pair's summary vector                                ${s.pairMs} ms`,
          `  spectrum (Z and backbone, RankMe, std histogram)         ${s.spectrumMs} ms   (CPU ${s.spectrumCpuMs} ms; target <= 1000)`,
          `  inspect/* metrics of a new snapshot (background)         ${s.metricsMs} ms`,
        ];
        if (large)
          lines.push(
            `n = ${n}, d = ${large.d}:`,
            `  whole-matrix overview (${large.cells})  ${large.overviewMs} ms   (CPU ${large.overviewCpuMs} ms; target <= 20000)`,
            `  peak RSS ${large.peakRssMiB} MiB (before ${large.rssBeforeMiB} MiB; the snapshot's Z1 + Z2 are ${large.snapshotMiB} MiB, a dense d x d float32 matrix would be ${large.denseMatrixMiB} MiB)`,
          );
        context.stdout.write(`${lines.join('\n')}\n`);
      }
      return 0;
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
