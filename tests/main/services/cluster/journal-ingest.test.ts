import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { METRIC } from '@shared/metrics';
import type { RunSummary } from '@shared/runs';
import { EventBus } from '../../../../src-main/services/event-bus';
import {
  ingestJournal,
  MAX_LINES_PER_BATCH,
  UNREADABLE_POLLS,
} from '../../../../src-main/services/cluster/journal-ingest';
import { RunStore } from '../../../../src-main/storage/store';
import { checkpointFile } from '../../../../src-main/workers/journal/format';
import { useTempDir } from '../../../helpers/temp-dir';
import { lossPoints, lossSeries, placedRun, type PlacedRun } from './journal-fixture';

describe('ingesting a placed run’s journal', () => {
  const tempDir = useTempDir('decorbench-ingest-');
  const stores: RunStore[] = [];
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });
  const setUp = (options?: Parameters<typeof placedRun>[1]): PlacedRun => {
    const placed = placedRun(tempDir(), options);
    stores.push(placed.store);
    return placed;
  };
  const ingest = (placed: PlacedRun, store = placed.store, events = placed.events) =>
    ingestJournal({ store, events }, store.cluster.remoteRun(placed.runId)!);
  const messages = (placed: PlacedRun, store = placed.store) =>
    store.logs.list(placed.runId, 0, 100_000).map((line) => line.message);

  it('applies each line as a local worker’s message, once: ingesting again changes nothing', async () => {
    const placed = setUp();
    const { store, runId, journal } = placed;
    journal
      .segment('12', 0, null)
      .append({ type: 'started', backend: 'wasm', device: 'cpu', backendNotes: [] })
      .metrics([{ name: METRIC.knnTop1, step: 0, epoch: 0, value: 0.5, wallTimeMs: 0 }, ...lossPoints(1, 5)])
      .append({
        type: 'progress',
        progress: { step: 5, totalSteps: 10, epoch: 0, totalEpochs: 1, trainingMs: 900 },
      })
      .append({ type: 'log', level: 'info', message: 'Epoch 1 of 1' });
    const bytes = journal.checkpoint(5, { knnTop1: 0.6 });
    journal.metrics(lossPoints(6, 10)).done('completed', { loss: 10 });

    const first = await ingest(placed);
    expect(first).toEqual({ applied: 8, offset: statSync(journal.path).size });
    const summary = store.runs.summary(runId)!;
    expect(summary).toMatchObject({
      status: 'completed',
      backend: 'wasm',
      progress: { step: 5, trainingMs: 900 },
      results: { loss: 10, latestKnnTop1: 0.5, initialKnnTop1: 0.5 },
      checkpointStep: 5,
    });
    expect(summary.startedAt).toBe(1_700_000_000_001); // the segment line's time
    expect(lossSeries(store, runId)).toEqual(lossPoints(1, 10).map((p) => [p.step, p.value]));
    const [checkpoint] = store.checkpoints.list(runId);
    expect(checkpoint).toMatchObject({ step: 5, knnTop1: 0.6, reason: 'schedule', sizeBytes: bytes.length });
    expect(new Uint8Array(store.checkpoints.load(checkpoint!.id).data)).toEqual(bytes);
    expect(messages(placed)).toEqual([
      'Slurm job 12 started on node vm (restart 0, pid 4000)',
      'Backend wasm (cpu)',
      'Epoch 1 of 1',
      expect.stringMatching(/^Checkpoint at step 5 \(0\.0 MiB, schedule\)$/),
    ]);
    // The worker's own time on its lines, not the time the host read them.
    expect(store.logs.list(runId).find((line) => line.message === 'Epoch 1 of 1')!.timeMs).toBe(
      1_700_000_000_005,
    );
    // The same events a local run emits; run:status once per batch, after the commit.
    const channels = placed.emitted.map((event) => event.channel);
    expect(channels.filter((channel) => channel === 'run:metrics')).toHaveLength(2);
    expect(channels).toContain('run:progress');
    expect(channels.filter((channel) => channel === 'run:status')).toHaveLength(2); // one per batch
    expect((placed.emitted.at(-1)!.payload as RunSummary).status).toBe('completed');

    const logsBefore = store.logs.list(runId).length;
    placed.emitted.length = 0;
    expect(await ingest(placed)).toEqual({ applied: 0, offset: first.offset });
    expect(store.logs.list(runId)).toHaveLength(logsBefore);
    expect(store.checkpoints.list(runId)).toHaveLength(1);
    expect(placed.emitted).toEqual([]);
  });

  it('leaves a torn last line for later and applies it once the worker has completed it', async () => {
    const placed = setUp();
    const { store, runId, journal } = placed;
    journal.segment('12', 0, null).metrics(lossPoints(1, 3));
    const next = journal.text({ type: 'metrics', points: lossPoints(4, 6) });
    journal.raw(next.slice(0, 25));
    const complete = statSync(journal.path).size - 25;
    expect((await ingest(placed)).offset).toBe(complete);
    expect(store.cluster.remoteRun(runId)!.journalOffset).toBe(complete);
    expect(lossSeries(store, runId).map(([step]) => step)).toEqual([1, 2, 3]);

    journal.raw(next.slice(25));
    expect(await ingest(placed)).toEqual({ applied: 1, offset: statSync(journal.path).size });
    expect(lossSeries(store, runId).map(([step]) => step)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('applies every line exactly once when two hosts (two connections to the file) ingest the same journal at once', async () => {
    const placed = setUp();
    const { runId, journal } = placed;
    const lines = 3 * MAX_LINES_PER_BATCH + 17;
    journal.segment('12', 0, null);
    for (let i = 1; i <= lines; i++) journal.append({ type: 'log', level: 'info', message: `line ${i}` });
    journal.metrics(lossPoints(1, 20));
    const other = RunStore.open(placed.dbPath);
    stores.push(other);
    const otherEvents = new EventBus();
    const [a, b] = await Promise.all([ingest(placed), ingest(placed, other, otherEvents)]);
    // Both read the same batches; the compare-and-set let only one of them apply each.
    expect(a.applied + b.applied).toBe(lines + 2);
    expect(a.applied).toBeGreaterThan(0);
    expect(b.applied).toBeGreaterThan(0);
    const logged = messages(placed).filter((text) => text.startsWith('line '));
    expect(logged).toEqual(Array.from({ length: lines }, (_, i) => `line ${i + 1}`));
    expect(lossSeries(placed.store, runId)).toHaveLength(20);
    expect(placed.store.cluster.remoteRun(runId)!.journalOffset).toBe(statSync(journal.path).size);
  });

  it('stores a checkpoint only when its file verifies; a bad or missing one is logged and skipped', async () => {
    const placed = setUp();
    const { store, runId, journal } = placed;
    journal.segment('12', 0, null);
    journal.checkpoint(2);
    journal.checkpoint(4);
    journal.checkpoint(6);
    // Step 4's file torn by a node failure (same size, other bytes); step 6's pruned.
    const four = join(placed.runDir, checkpointFile(4));
    writeFileSync(four, Buffer.alloc(statSync(four).size, 7));
    writeFileSync(join(placed.runDir, checkpointFile(6)), '');
    journal.checkpoint(8);
    // A stop right after a scheduled checkpoint of the same step: stored once.
    journal.checkpoint(8, { reason: 'stop' });
    await ingest(placed);
    expect(store.checkpoints.list(runId).map((info) => info.step)).toEqual([2, 8]);
    const warnings = store.logs
      .list(runId)
      .filter((line) => line.level === 'warn')
      .map((line) => line.message);
    expect(warnings).toEqual([
      expect.stringMatching(/^Checkpoint of step 4 skipped: .*sha256 check failed/),
      expect.stringMatching(/^Checkpoint of step 6 skipped: .*size check failed/),
    ]);
  });

  it('keeps the run’s checkpoint retention (keepLast) as a local run does', async () => {
    const placed = setUp({ keepLast: 2 });
    placed.journal.segment('12', 0, null);
    for (const step of [1, 2, 3, 4]) placed.journal.checkpoint(step);
    await ingest(placed);
    expect(placed.store.checkpoints.list(placed.runId).map((info) => info.step)).toEqual([3, 4]);
  });

  it('rewinds the metrics past a requeued segment’s checkpoint: every step once, the replayed values kept', async () => {
    const placed = setUp();
    const { store, runId, journal } = placed;
    journal.segment('12', 0, null).metrics(lossPoints(1, 5));
    journal.checkpoint(5);
    journal.metrics(lossPoints(6, 8));
    journal.checkpoint(8);
    journal.metrics(lossPoints(9, 9));
    await ingest(placed); // the host reads the first segment before Slurm requeues the job
    expect(lossSeries(store, runId).at(-1)).toEqual([9, 9]);
    // Step 8's file never became durable on the node: the new process resumed from step 5.
    journal.done('stopped', {}, true);
    journal
      .segment('12', 1, 5)
      .metrics(lossPoints(6, 12, 100))
      .done('completed');
    await ingest(placed);
    expect(lossSeries(store, runId)).toEqual([
      ...lossPoints(1, 5).map((p) => [p.step, p.value]),
      ...lossPoints(6, 12, 100).map((p) => [p.step, p.value]),
    ]);
    expect(store.checkpoints.list(runId).map((info) => info.step)).toEqual([5]);
    expect(store.runs.summary(runId)!.status).toBe('completed');
    expect(messages(placed)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^The job was stopped by a signal .*Slurm requeues it/),
        'Slurm job 12 started on node vm (restart 1, pid 4001); resuming from the checkpoint of step 5',
      ]),
    );
  });

  it('queues the run when the job stops for a requeue, fails it on a failed line, and skips a malformed line after 3 polls', async () => {
    const placed = setUp();
    const { store, runId, journal } = placed;
    journal.segment('12', 0, null).done('stopped', { loss: 1 }, true);
    await ingest(placed);
    expect(store.runs.summary(runId)).toMatchObject({ status: 'queued', results: {} });
    journal
      .segment('12', 1, null)
      .raw('{"not a line"\n')
      .append({ type: 'failed', message: 'Out of memory' });
    // The malformed line may be a passing fault of shared storage: held back twice, then skipped.
    for (let poll = 1; poll < UNREADABLE_POLLS; poll++) {
      await ingest(placed);
      expect(store.runs.summary(runId)!.status).toBe('running');
      expect(messages(placed).filter((text) => /skipped/.test(text))).toEqual([]);
    }
    await ingest(placed);
    expect(store.runs.summary(runId)).toMatchObject({ status: 'failed', error: 'Out of memory' });
    expect(messages(placed)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Journal line at byte \d+ skipped: not JSON$/),
        'Out of memory',
      ]),
    );
  });

  it('applies a line that failed to parse once (a stale read of shared storage) when it reads on the next poll', async () => {
    const placed = setUp();
    const { store, runId, journal } = placed;
    journal.segment('12', 0, null).metrics(lossPoints(1, 2));
    const before = readFileSync(journal.path);
    const line = journal.text({ type: 'metrics', points: lossPoints(3, 4) });
    const after = journal.text({ type: 'log', level: 'info', message: 'after it' });
    // The reader sees the line's bytes as zeros (the page not fetched yet), the next line whole.
    writeFileSync(
      journal.path,
      Buffer.concat([before, Buffer.alloc(line.length - 1), Buffer.from(`\n${after}`)]),
    );
    const first = await ingest(placed);
    expect(first.offset).toBe(before.length);
    expect(lossSeries(store, runId).map(([step]) => step)).toEqual([1, 2]);
    writeFileSync(journal.path, Buffer.concat([before, Buffer.from(line + after)]));
    await ingest(placed);
    expect(lossSeries(store, runId).map(([step]) => step)).toEqual([1, 2, 3, 4]);
    expect(messages(placed)).toContain('after it');
    expect(messages(placed).filter((text) => /skipped/.test(text))).toEqual([]);
  });

  it('skips at once a torn line that a new worker process ended (a segment line follows it)', async () => {
    const placed = setUp();
    const { store, runId, journal } = placed;
    journal.segment('12', 0, null).metrics(lossPoints(1, 2));
    journal.raw('{"seq":4,"t":1,"type":"metr\n');
    journal.segment('12', 1, null).metrics(lossPoints(1, 3, 10));
    await ingest(placed);
    expect(lossSeries(store, runId)).toEqual(lossPoints(1, 3, 10).map((p) => [p.step, p.value]));
    expect(messages(placed)).toContainEqual(
      expect.stringMatching(/^Journal line at byte \d+ skipped: not JSON$/),
    );
  });

  it('reads a checkpoint file that did not read again on the next poll; skips it after 3 polls', async () => {
    const placed = setUp();
    const { store, runId, journal } = placed;
    journal.segment('12', 0, null).metrics(lossPoints(1, 4));
    const bytes = journal.checkpoint(4);
    journal.metrics(lossPoints(5, 6));
    const file = join(placed.runDir, checkpointFile(4));
    renameSync(file, `${file}.away`); // not visible from this computer yet
    await ingest(placed);
    // Applied up to the checkpoint's line, and held there.
    expect(lossSeries(store, runId).map(([step]) => step)).toEqual([1, 2, 3, 4]);
    expect(store.checkpoints.list(runId)).toEqual([]);
    renameSync(`${file}.away`, file);
    await ingest(placed);
    const [stored] = store.checkpoints.list(runId);
    expect(stored).toMatchObject({ step: 4, sizeBytes: bytes.length });
    expect(lossSeries(store, runId)).toHaveLength(6);

    // A file that stays unreadable is skipped after 3 polls, the lines after it applied then.
    journal.checkpoint(8);
    journal.metrics(lossPoints(7, 9));
    writeFileSync(join(placed.runDir, checkpointFile(8)), 'torn');
    for (let poll = 1; poll < UNREADABLE_POLLS; poll++) {
      await ingest(placed);
      expect(lossSeries(store, runId)).toHaveLength(6);
    }
    await ingest(placed);
    expect(lossSeries(store, runId)).toHaveLength(9);
    expect(store.checkpoints.list(runId).map((info) => info.step)).toEqual([4]);
    expect(messages(placed)).toContainEqual(
      expect.stringMatching(/^Checkpoint of step 8 skipped: .*size check failed/),
    );
  });

  it('moves the run to running on a segment only from queued, running or interrupted; a requeue keeps a stop', async () => {
    const placed = setUp();
    const { store, runId, journal } = placed;
    const status = () => store.runs.summary(runId)!.status;
    store.runs.setStatus(runId, { status: 'interrupted' });
    journal.segment('12', 0, null);
    await ingest(placed);
    expect(status()).toBe('running');
    // The user asked to stop: a requeue done line (the signal was the stop's) leaves it stopping.
    store.runs.setStatus(runId, { status: 'stopping' });
    journal.done('stopped', {}, true);
    await ingest(placed);
    expect(status()).toBe('stopping');
    journal.segment('12', 1, null);
    await ingest(placed);
    expect(status()).toBe('stopping');
    // A run already ended (stopped, failed) is not brought back by a late segment line.
    for (const ended of ['stopped', 'failed'] as const) {
      store.runs.setStatus(runId, { status: ended });
      journal.segment('12', 2, null);
      await ingest(placed);
      expect(status()).toBe(ended);
      journal.done('stopped', {}, true);
      await ingest(placed);
      expect(status()).toBe(ended);
    }
  });

  it('stores a snapshot line’s file as a local run’s snapshot', async () => {
    const placed = setUp();
    placed.journal.segment('12', 0, null);
    placed.journal.snapshot(3);
    await ingest(placed);
    expect(placed.store.snapshots.list(placed.runId).map((summary) => summary.step)).toEqual([3]);
    expect(placed.emitted.map((event) => event.channel)).toContain('run:snapshot');
  });
});
