import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventChannel } from '@shared/api/channels';
import { costStudySettingsSchema } from '@shared/cost/settings-schema';
import type { CostPoint, CostStudyDetail, CostStudySettings, CostStudySummary } from '@shared/cost/types';
import { createCostService, type CostService } from '../../../../src-main/services/cost/cost.service';
import { EventBus } from '../../../../src-main/services/event-bus';
import { RunStore } from '../../../../src-main/storage/store';
import { createChildProcessSpawner } from '../../../../src-main/workers/child-process.spawner';
import type { SpawnWorker, WorkerHandle } from '../../../../src-main/workers/spawner';
import { requireBuild, WORKER_ENTRY } from '../../../helpers/workbench';
import { useTempDir } from '../../../helpers/temp-dir';

/** n 32, d 16/32/64 on wasm, one timed repeat: seconds. */
const tiny = (overrides: Partial<CostStudySettings> = {}): CostStudySettings =>
  costStudySettingsSchema.parse({
    name: 'tiny',
    losses: ['bt', 'fft-bt'],
    n: 32,
    dims: [16, 32, 64],
    backend: 'wasm',
    repeats: 1,
    warmup: 0,
    ...overrides,
  });

describe('cost studies in a real worker', () => {
  const tempDir = useTempDir();
  let store: RunStore;
  let events: EventBus;
  let service: CostService;
  let handles: WorkerHandle[];
  const seen: { channel: EventChannel; payload: unknown }[] = [];

  beforeAll(() => requireBuild());

  const open = () => {
    store = RunStore.open(join(tempDir(), 'cost.sqlite'));
    events = new EventBus();
    seen.length = 0;
    events.subscribe((channel, payload) => seen.push({ channel, payload }));
    handles = [];
    const spawnWorker = createChildProcessSpawner(WORKER_ENTRY);
    const spawn: SpawnWorker = (options) => {
      const handle = spawnWorker(options);
      handles.push(handle);
      return handle;
    };
    service = createCostService({ store, events, spawn, appVersion: '9.9.9', stopTimeoutMs: 2000 });
  };

  afterEach(async () => {
    await service.close();
    store.close();
  });

  const ended = (id: number, timeoutMs = 60_000) =>
    new Promise<CostStudySummary>((resolve, reject) => {
      const check = () => {
        const summary = store.cost.summary(id);
        if (summary && ['completed', 'stopped', 'failed'].includes(summary.status)) {
          clearTimeout(timer);
          unsubscribe();
          resolve(summary);
        }
      };
      const timer = setTimeout(() => reject(new Error(`cost study ${id} did not end`)), timeoutMs);
      const unsubscribe = events.subscribe(check);
      check();
    });
  const firstPoint = (id: number) =>
    new Promise<void>((resolve) => {
      const unsubscribe = events.subscribe((channel, payload) => {
        if (channel === 'cost:point' && (payload as { costStudyId: number }).costStudyId === id) {
          unsubscribe();
          resolve();
        }
      });
    });

  it('measures every point to completion, an out-of-memory size recorded as oom, points stored and announced as they come', async () => {
    open();
    // bt at d = 65536 needs ~48 GB of d x d matrices: known not to fit the 4 GB wasm heap.
    const started = await service.handlers['cost:start']({ settings: tiny({ dims: [16, 32, 64, 65536] }) });
    expect(started).toMatchObject({ source: 'study', progress: { done: 0, total: 8 } });
    expect(['queued', 'running']).toContain(started.status);
    const summary = await ended(started.id);
    expect(summary.status, summary.error ?? '').toBe('completed');
    expect(summary.progress).toEqual({ done: 8, total: 8, current: null });
    expect(summary.environment).toMatchObject({ backend: 'wasm', appVersion: '9.9.9', adapter: null });
    expect(summary.environment!.device).toMatch(/WebAssembly/);
    expect(summary.environment!.cpuCount).toBeGreaterThan(0);

    const detail = (await service.handlers['cost:get']({ costStudyId: started.id })) as CostStudyDetail;
    expect(
      detail.points.map((point) => `${point.loss} ${point.blockSize ?? '-'} ${point.d} ${point.status}`),
    ).toEqual([
      'bt - 16 ok',
      'fft-bt 16 16 ok',
      'bt - 32 ok',
      'fft-bt 32 32 ok',
      'bt - 64 ok',
      'fft-bt 64 64 ok',
      'bt - 65536 oom',
      'fft-bt 65536 65536 ok',
    ]);
    const oom = detail.points[6]!;
    expect(oom).toMatchObject({ medianMs: null, peakBytes: null });
    expect(oom.message).toMatch(/bt at d = 65536 needs ~48\.0 GB of d x d matrices/);
    for (const point of detail.points.filter((entry) => entry.status === 'ok')) {
      expect(point).toMatchObject({ n: 32, repeats: 1, kind: 'loss' });
      expect(point.medianMs).toBeGreaterThan(0);
      expect(point.minMs).toBe(point.medianMs);
      expect(point.peakBytes).toBeGreaterThan(0);
    }
    // Fits over the ok points (3 for bt, 4 for fft-bt), and a crossover note for each measure.
    expect(detail.fits.map((fit) => `${fit.series} ${fit.measure} ${fit.points}`)).toEqual([
      'bt time 3',
      'bt memory 3',
      'fft-bt b=d time 4',
      'fft-bt b=d memory 4',
    ]);
    expect(
      detail.crossovers.map((crossover) => `${crossover.relaxed} ${crossover.exact} ${crossover.measure}`),
    ).toEqual(['fft-bt b=d bt time', 'fft-bt b=d bt memory']);
    expect(detail.crossovers[0]!.note).toMatch(/exact loss ran out of memory at d = 65536/);

    // Each point was announced as it was stored, with the progress after it.
    const announced = seen
      .filter((event) => event.channel === 'cost:point')
      .map((event) => (event.payload as { point: CostPoint }).point);
    expect(announced).toEqual(detail.points);
    const progress = seen
      .filter((event) => event.channel === 'cost:status')
      .map((event) => (event.payload as CostStudySummary).progress.done);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(8);
    expect(service.handlers['cost:list']({})).toEqual([
      expect.objectContaining({ id: started.id, status: 'completed' }),
    ]);
  });

  it('runs one job at a time (the next waits queued), stop keeps the points, and delete removes a study', async () => {
    open();
    const long = await service.handlers['cost:start']({
      settings: tiny({
        name: 'long',
        losses: ['bt'],
        // Heavy enough that the stop, sent after the first point, always lands before the last one.
        n: 128,
        dims: [64, 128, 256, 512, 1024, 2048, 4096],
        repeats: 50,
      }),
    });
    const next = await service.handlers['cost:start']({
      settings: tiny({ name: 'next', losses: ['fft-bt'], dims: [16] }),
    });
    expect(next.status).toBe('queued');
    // A queued study stopped before it ran ends at once, with no points.
    const dropped = await service.handlers['cost:start']({ settings: tiny({ name: 'dropped', dims: [16] }) });
    expect(await service.handlers['cost:stop']({ costStudyId: dropped.id })).toMatchObject({
      status: 'stopped',
      progress: { done: 0, total: 2 },
    });
    expect(store.cost.points(dropped.id)).toEqual([]);
    await firstPoint(long.id);
    expect(store.cost.summary(next.id)!.status).toBe('queued');
    const stopped = await service.handlers['cost:stop']({ costStudyId: long.id });
    expect(stopped.status).toBe('stopped');
    const kept = store.cost.points(long.id).length;
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(7);
    expect(stopped.progress.done).toBe(kept);
    // The queued study starts when the one before it ends.
    expect((await ended(next.id)).status).toBe('completed');
    expect(store.cost.points(next.id)).toHaveLength(1);

    await service.handlers['cost:delete']({ costStudyId: long.id });
    expect(store.cost.summary(long.id)).toBeUndefined();
    expect(store.cost.points(long.id)).toEqual([]);
    await expect(async () => service.handlers['cost:get']({ costStudyId: long.id })).rejects.toThrow(
      /Cost study \d+ does not exist/,
    );
  });

  it('a worker that dies ends its study failed with why, keeping the points measured before', async () => {
    open();
    const study = await service.handlers['cost:start']({
      settings: tiny({ losses: ['bt'], dims: [64, 128, 256, 512, 1024, 2048, 4096], repeats: 20 }),
    });
    await firstPoint(study.id);
    handles[0]!.kill();
    const summary = await ended(study.id);
    expect(summary.status).toBe('failed');
    expect(summary.error).toBe('The worker process crashed (signal SIGKILL)');
    expect(store.cost.points(study.id).length).toBeGreaterThanOrEqual(1);
  });

  it('times the whole training step with the chosen backbone beside the loss', async () => {
    open();
    const settings = tiny({ losses: ['fft-bt'], dims: [16, 32], n: 16, step: { backbone: 'mlp' } });
    const started = await service.handlers['cost:start']({ settings });
    expect(started.progress.total).toBe(4);
    const summary = await ended(started.id);
    expect(summary.status, summary.error ?? '').toBe('completed');
    const points = store.cost.points(started.id);
    expect(points.map((point) => `${point.kind} ${point.d} ${point.status}`)).toEqual([
      'loss 16 ok',
      'step 16 ok',
      'loss 32 ok',
      'step 32 ok',
    ]);
    const [loss, step] = points;
    // A step (views, an MLP, a 16 x 16 projector, the loss and the optimizer) holds and takes more.
    expect(step!.medianMs!).toBeGreaterThan(0);
    expect(step!.peakBytes!).toBeGreaterThan(loss!.peakBytes!);
  });

  it('a study left running by a host that exited is failed when the next host starts', async () => {
    const path = join(tempDir(), 'cost.sqlite');
    const first = RunStore.open(path);
    // A pid no process has (Linux pids stay below 2^22).
    const orphan = first.cost.create({
      name: 'orphan',
      status: 'running',
      source: 'study',
      settings: tiny(),
      progress: { done: 1, total: 6, current: 'bt at d = 32' },
      hostPid: 2 ** 22 + 17,
    });
    first.close();
    store = RunStore.open(path);
    events = new EventBus();
    service = createCostService({
      store,
      events,
      spawn: createChildProcessSpawner(WORKER_ENTRY),
      appVersion: '0',
    });
    expect(store.cost.summary(orphan.id)).toMatchObject({
      status: 'failed',
      error: 'Interrupted: the Decorbench process that ran it exited',
      progress: { done: 1, total: 6, current: null },
    });
  });
});
