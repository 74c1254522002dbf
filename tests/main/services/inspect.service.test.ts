import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventChannel } from '@shared/api/channels';
import type { EventPayloads } from '@shared/api/contract';
import { decodeFloat32, INSPECT_METRICS, type MatrixCells, type SnapshotSummary } from '@shared/inspect';
import type { Result } from '@shared/errors';
import { storeSyntheticRun, syntheticSnapshot } from '../../../src-main/cli/commands/bench-inspect-data';
import type { Workbench } from '../../../src-main/services/workbench';
import { RunStore } from '../../../src-main/storage/store';
import { referenceCells, referenceMatrix } from '../../helpers/inspect-reference';
import { useTempDir } from '../../helpers/temp-dir';
import { testWorkbench } from '../../helpers/workbench';

const N = 64;
const D = 300;

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** Every payload of one event channel, from now on. */
function collect<E extends EventChannel>(workbench: Workbench, channel: E): EventPayloads[E][] {
  const seen: EventPayloads[E][] = [];
  workbench.events.subscribe((name, payload) => {
    if ((name as EventChannel) === channel) seen.push(payload as unknown as EventPayloads[E]);
  });
  return seen;
}

function nextEvent<E extends EventChannel>(
  workbench: Workbench,
  channel: E,
  matches: (payload: EventPayloads[E]) => boolean,
  timeoutMs = 60_000,
): Promise<EventPayloads[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${channel} event within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const unsubscribe = workbench.events.subscribe((name, payload) => {
      if ((name as EventChannel) !== channel || !matches(payload as unknown as EventPayloads[E])) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(payload as unknown as EventPayloads[E]);
    });
  });
}

describe('inspector service (real SQLite file, real compute thread)', () => {
  const tempDir = useTempDir();
  const open: Workbench[] = [];
  const workbenchOn = (path: string) => {
    const workbench = testWorkbench(path);
    open.push(workbench);
    return workbench;
  };
  afterEach(async () => {
    for (const workbench of open.splice(0)) await workbench.close();
  });

  /** sBT with b = 32 and a permutation: two snapshots of d = 300, and one of another run with d = 64. */
  const setup = () => {
    const path = join(tempDir(), 'inspect.sqlite');
    const workbench = workbenchOn(path);
    const run = storeSyntheticRun(workbench.store, {
      n: N,
      d: D,
      featureDim: 16,
      permutation: true,
      seed: 3,
      steps: [0, 50],
      loss: { name: 'fft-bt', blockSize: 32 },
    });
    const other = storeSyntheticRun(workbench.store, { n: N, d: 64, seed: 9, loss: { name: 'vicreg' } });
    return { path, workbench, run, other };
  };

  it('lists snapshots and refuses regions outside d, unknown snapshots and differences of unequal d', async () => {
    const { workbench, run, other } = setup();
    const list = value<SnapshotSummary[]>(
      await workbench.dispatch('inspect:snapshots', { runId: run.runId }),
    );
    expect(list.map((snapshot) => [snapshot.step, snapshot.d, snapshot.hasPermutation])).toEqual([
      [0, D, true],
      [50, D, true],
    ]);
    const [first] = run.snapshotIds as [number];
    const outside = await workbench.dispatch('inspect:matrix', {
      snapshotId: first,
      region: { rows: [0, 10], cols: [290, 301] },
    });
    expect(outside).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!outside.ok && outside.error.message).toBe(
      "The region's columns [290, 301) reach past the matrix: this snapshot has d = 300, so columns run from 0 to 300 (end exclusive)",
    );
    const backwards = await workbench.dispatch('inspect:matrix', {
      snapshotId: first,
      region: { rows: [5, 5], cols: [0, 1] },
    });
    expect(backwards).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await workbench.dispatch('inspect:matrix', { snapshotId: 999 })).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: 'Snapshot 999 does not exist' },
    });
    const unequal = await workbench.dispatch('inspect:matrix', {
      snapshotId: first,
      minusSnapshotId: other.snapshotIds[0],
    });
    expect(unequal).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!unequal.ok && unequal.error.message).toMatch(
      /Cannot subtract snapshot \d+ \(d = 64\) from snapshot \d+ \(d = 300\)/,
    );
    expect(await workbench.dispatch('inspect:pair', { snapshotId: first, g: 10, h: 0 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/has 10 blocks per side \(0 to 9\)/) },
    });
  });

  it('computes overviews and tiles in the thread, caches them (memory, then the database), and reports progress', async () => {
    const { path, workbench, run } = setup();
    const snapshotId = run.snapshotIds[1]!;
    const progress = collect(workbench, 'inspect:progress');
    const request = { snapshotId, view: 'cross' as const, maxCells: 64, maskDiagonal: true };
    const first = value<MatrixCells>(await workbench.dispatch('inspect:matrix', request));
    expect(first).toMatchObject({ cached: false, rows: 60, cols: 60, cellRows: 5, cellCols: 5, d: D });
    expect(first.computeMs).toBeGreaterThan(0);
    const data = syntheticSnapshot({ n: N, d: D, featureDim: 16, permutation: true, seed: 4 });
    const reference = referenceCells(
      referenceMatrix(data, 'cross'),
      D,
      { rows: [0, D], cols: [0, D] },
      5,
      'extreme',
      true,
    );
    const values = decodeFloat32(first.values);
    for (let i = 0; i < values.length; i++) expect(values[i]!).toBeCloseTo(reference.values[i]!, 4);
    // Progress of that request, ending with done = total.
    const mine = progress.filter((event) => event.snapshotId === snapshotId);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.at(-1)!.done).toBe(mine.at(-1)!.total);
    expect(mine.at(-1)!.key).toMatch(/^matrix:v1:cross:/);

    const again = value<MatrixCells>(await workbench.dispatch('inspect:matrix', request));
    expect(again).toMatchObject({ cached: true, computeMs: 0, values: first.values });

    // A tile is exact and kept in memory only.
    const tile = {
      snapshotId,
      view: 'corr2' as const,
      order: 'permuted' as const,
      region: { rows: [280, 300] as [number, number], cols: [0, 33] as [number, number] },
    };
    const exact = value<MatrixCells>(await workbench.dispatch('inspect:matrix', tile));
    expect(exact).toMatchObject({ cached: false, rows: 20, cols: 33, cellRows: 1 });
    const permuted = referenceMatrix(data, 'corr2', 'permuted');
    expect(decodeFloat32(exact.values)[0]).toBeCloseTo(permuted[280 * D]!, 4);
    expect(value<MatrixCells>(await workbench.dispatch('inspect:matrix', tile)).cached).toBe(true);

    // Another host on the same file finds the overview in snapshot_views, not the tile.
    await workbench.close();
    open.splice(open.indexOf(workbench), 1);
    const second = workbenchOn(path);
    expect(value<MatrixCells>(await second.dispatch('inspect:matrix', request))).toMatchObject({
      cached: true,
      values: first.values,
    });
    expect(value<MatrixCells>(await second.dispatch('inspect:matrix', tile)).cached).toBe(false);
  });

  it('keeps the main event loop free while the thread computes', async () => {
    const { workbench } = setup();
    const big = storeSyntheticRun(workbench.store, { n: 256, d: 4096, seed: 2 });
    let last = performance.now();
    let worstGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    let elapsed = 0;
    try {
      const started = performance.now();
      const cells = value<MatrixCells>(
        await workbench.dispatch('inspect:matrix', {
          snapshotId: big.snapshotIds[0]!,
          view: 'corr1',
          reduce: 'rms',
        }),
      );
      elapsed = performance.now() - started;
      expect(cells.rows).toBe(512);
    } finally {
      clearInterval(ticker);
    }
    // Computed on the main thread, the loop would stall for the whole computation; the machine's
    // other work (2 shared cores, three busy threads of ours) may still delay a tick a little.
    expect(worstGap).toBeLessThan(Math.max(60, elapsed / 3));
  });

  it('a newer tile request of the same view supersedes a queued one', async () => {
    const { workbench, run } = setup();
    const snapshotId = run.snapshotIds[0]!;
    const busy = workbench.dispatch('inspect:spectrum', { snapshotId: run.snapshotIds[1]! });
    const tile = (start: number) =>
      workbench.dispatch('inspect:matrix', {
        snapshotId,
        region: { rows: [start, start + 50], cols: [0, 50] },
      });
    const [older, newer] = await Promise.all([tile(0), tile(100), busy]);
    expect(older).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: 'Superseded by a newer request for the same view' },
    });
    expect(newer).toMatchObject({ ok: true, value: { rows: 50, cols: 50, region: { rows: [100, 150] } } });
  });

  it('playing through steps keeps the two newest queued overviews of a run, so side by side still gets both', async () => {
    const { workbench } = setup();
    const { snapshotIds } = storeSyntheticRun(workbench.store, {
      n: 32,
      d: 200,
      seed: 5,
      steps: [0, 1, 2, 3],
    });
    const busy = workbench.dispatch('inspect:spectrum', { snapshotId: snapshotIds[0]! });
    const overview = (snapshotId: number) =>
      workbench.dispatch('inspect:matrix', { snapshotId, view: 'corr1' });
    const results = await Promise.all([busy, ...snapshotIds.slice(1).map(overview)]);
    expect(results.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual([
      'ok',
      'conflict',
      'ok',
      'ok',
    ]);
  });

  it('derives the inspect/* metrics when a snapshot is stored, and for snapshots stored before', async () => {
    const { workbench, run } = setup();
    // Stored before (no event): listing the run's snapshots catches them up.
    const caughtUp = nextEvent(workbench, 'run:metrics', (event) => event.runId === run.runId);
    await workbench.dispatch('inspect:snapshots', { runId: run.runId });
    const event = await caughtUp;
    expect(event.series.map((series) => series.name).sort()).toEqual(Object.values(INSPECT_METRICS).sort());
    const exactSeries = () => workbench.store.metrics.series(run.runId, INSPECT_METRICS.offDiagonalExact);
    await vi.waitFor(() => expect(exactSeries().steps).toEqual([0, 50]), { timeout: 30_000 });
    const exact = exactSeries();
    // The metric is the summary panel's exact penalty (the same loss term with b = 1), and the relaxed one its relaxed penalty.
    const summary = value<{ exactPenalty: number; relaxedPenalty: number }>(
      await workbench.dispatch('inspect:summary', { snapshotId: run.snapshotIds[1]! }),
    );
    expect(exact.values[1]).toBeCloseTo(summary.exactPenalty, 3);
    const relaxed = workbench.store.metrics.series(run.runId, INSPECT_METRICS.offDiagonalRelaxed);
    expect(relaxed.values[1]).toBeCloseTo(summary.relaxedPenalty, 3);

    // A new snapshot announced as a worker's would be.
    const data = syntheticSnapshot({ n: N, d: D, featureDim: 16, permutation: true, seed: 11 });
    const stored = workbench.store.snapshots.insert(run.runId, {
      step: 90,
      epoch: 2,
      source: 'training',
      dtype: 'float16',
      probeSeed: 1,
      data,
    });
    const derived = nextEvent(
      workbench,
      'run:metrics',
      (next) => next.runId === run.runId && next.series[0]!.steps[0] === 90,
    );
    workbench.events.emit('run:snapshot', stored);
    const written = await derived;
    const rankMe = written.series.find((series) => series.name === INSPECT_METRICS.rankMeZ)!;
    expect(rankMe.values[0]).toBeGreaterThan(1);
    expect(rankMe.values[0]).toBeLessThanOrEqual(N);
    expect(workbench.store.metrics.series(run.runId, INSPECT_METRICS.collapsedFeatures).steps).toEqual([
      0, 50, 90,
    ]);
  });

  it('a long-lived host catches up the metrics of snapshots stored before it opened, unasked', async () => {
    const path = join(tempDir(), 'older.sqlite');
    const store = RunStore.open(path);
    const { runId } = storeSyntheticRun(store, {
      n: 32,
      d: 48,
      steps: [0, 5],
      loss: { name: 'fft-vicreg', blockSize: 16 },
    });
    store.close();
    const workbench = workbenchOn(path);
    const started = Date.now();
    await vi.waitFor(
      () =>
        expect(workbench.store.metrics.series(runId, INSPECT_METRICS.offDiagonalExact).steps).toEqual([0, 5]),
      { timeout: 30_000, interval: 200 },
    );
    // Shortly after start, not at once (the app's first screens come first).
    expect(Date.now() - started).toBeGreaterThan(4000);
  });
});
