import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { slurmProfileSchema } from '@shared/cluster/profile-schema';
import { runConfigSchema } from '@shared/config/run-config';
import { METRIC, type MetricPoint } from '@shared/metrics';
import { EventBus } from '../../../../src-main/services/event-bus';
import { RunStore } from '../../../../src-main/storage/store';
import {
  JOURNAL_FILE,
  checkpointFile,
  snapshotFile,
  type JournalEntry,
} from '../../../../src-main/workers/journal/format';
import { writeRemoteJob } from '../../../../src-main/workers/journal/journal-writer';

/**
 * A placed run in a real SQLite store and its run folder, with a journal written by hand line by
 * line as the worker on a node writes it (format.ts): what the ingest and poller tests read.
 */
export interface PlacedRun {
  store: RunStore;
  events: EventBus;
  /** Every event emitted, in order. */
  emitted: Array<{ channel: string; payload: unknown }>;
  runId: number;
  runDir: string;
  dbPath: string;
  journal: JournalWriter;
}

export function placedRun(
  dir: string,
  options: { keepLast?: number; stopGraceSeconds?: number } = {},
): PlacedRun {
  const dbPath = join(dir, 'store.sqlite');
  const store = RunStore.open(dbPath);
  const events = new EventBus();
  const emitted: PlacedRun['emitted'] = [];
  events.subscribe((channel, payload) => emitted.push({ channel, payload }));
  const runFolder = join(dir, 'shared');
  const profile = store.cluster.addProfile(
    slurmProfileSchema.parse({
      name: 'vm',
      runFolder,
      stopGraceSeconds: options.stopGraceSeconds ?? 5,
    }),
  );
  const config = runConfigSchema.parse({ name: 'placed', checkpoint: { keepLast: options.keepLast ?? 10 } });
  const run = store.runs.create(config);
  const runDir = join(runFolder, `run-${run.id}`);
  // job.json, as the host writes it at submission: a folder without one is not readable.
  writeRemoteJob(runDir, {
    version: 1,
    runId: run.id,
    name: 'placed',
    config,
    resourcesDir: join(dir, 'resources'),
    requeue: true,
    createdAt: 1_700_000_000_000,
  });
  store.cluster.placeRun(run.id, profile, runDir);
  store.runs.setStatus(run.id, { status: 'queued' });
  return { store, events, emitted, runId: run.id, runDir, dbPath, journal: new JournalWriter(runDir) };
}

/** Loss points for steps `from..to`, value = step + offset (so a replayed segment's values differ). */
export function lossPoints(from: number, to: number, offset = 0): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (let step = from; step <= to; step++)
    points.push({ name: METRIC.loss, step, epoch: 0, value: step + offset, wallTimeMs: step * 10 });
  return points;
}

export class JournalWriter {
  private seq = 0;

  constructor(readonly runDir: string) {}

  get path(): string {
    return join(this.runDir, JOURNAL_FILE);
  }

  /** The line's text (with its newline), as the worker writes it. */
  text(entry: JournalEntry): string {
    this.seq += 1;
    return `${JSON.stringify({ seq: this.seq, t: 1_700_000_000_000 + this.seq, ...entry })}\n`;
  }

  append(...entries: JournalEntry[]): this {
    appendFileSync(this.path, entries.map((entry) => this.text(entry)).join(''));
    return this;
  }

  /** Appends raw text (a torn line, a corrupt one). */
  raw(text: string): this {
    appendFileSync(this.path, text);
    return this;
  }

  segment(jobId: string, restart: number, resumeStep: number | null): this {
    return this.append({ type: 'segment', jobId, restart, node: 'vm', pid: 4000 + restart, resumeStep });
  }

  metrics(points: MetricPoint[]): this {
    return this.append({ type: 'metrics', points });
  }

  /** Writes the checkpoint's file (bytes derived from the step) then its line; returns the bytes. */
  checkpoint(
    step: number,
    options: { reason?: 'schedule' | 'stop' | 'final'; knnTop1?: number } = {},
  ): Uint8Array {
    const data = Uint8Array.from({ length: 1000 + step }, (_, i) => (i * 31 + step) % 256);
    const file = checkpointFile(step);
    mkdirSync(join(this.runDir, 'checkpoints'), { recursive: true });
    writeFileSync(join(this.runDir, file), data);
    this.append({
      type: 'checkpoint',
      step,
      epoch: 0,
      reason: options.reason ?? 'schedule',
      format: 'decorbench-ckpt-v1',
      file,
      sha256: createHash('sha256').update(data).digest('hex'),
      bytes: data.byteLength,
      ...(options.knnTop1 === undefined ? {} : { knnTop1: options.knnTop1 }),
    });
    return data;
  }

  /** A snapshot's v8 file, then its line. */
  snapshot(step: number): void {
    const n = 4;
    const d = 8;
    const message = {
      type: 'snapshot',
      step,
      epoch: 0,
      source: 'training',
      dtype: 'float32',
      probeSeed: 1,
      n,
      d,
      featureDim: 0,
      permutation: null,
      z1: Float32Array.from({ length: n * d }, (_, i) => i / 8),
      z2: Float32Array.from({ length: n * d }, (_, i) => -i / 8),
      h1: null,
      h2: null,
    };
    const file = snapshotFile(step);
    mkdirSync(join(this.runDir, 'snapshots'), { recursive: true });
    writeFileSync(join(this.runDir, file), serialize(message));
    this.append({ type: 'snapshot', step, epoch: 0, file });
  }

  done(outcome: 'completed' | 'stopped', results: Record<string, number> = {}, requeue = false): this {
    return this.append({ type: 'done', outcome, results, ...(requeue ? { requeue: true as const } : {}) });
  }
}

/** The run's loss series as [step, value] pairs, in step order. */
export function lossSeries(store: RunStore, runId: number): Array<[number, number]> {
  return store.database
    .prepare<[number, string], { step: number; value: number }>(
      'SELECT step, value FROM metric_points WHERE run_id = ? AND name = ? ORDER BY step',
    )
    .all(runId, METRIC.loss)
    .map((row) => [row.step, row.value]);
}
