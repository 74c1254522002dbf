import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../../../../src-main/ml/checkpoint/format';
import {
  JOURNAL_FILE,
  parseRemoteJob,
  type CheckpointEntry,
  type JournalLine,
} from '../../../../src-main/workers/journal/format';
import {
  latestResumable,
  loadCheckpointFile,
  loadSnapshotFile,
  readJournal,
  readWholeJournal,
} from '../../../../src-main/workers/journal/journal-reader';
import { JournalPort, writeRemoteJob } from '../../../../src-main/workers/journal/journal-writer';
import type { SupervisorMessage, WorkerMessage } from '../../../../src-main/workers/protocol';
import { useTempDir } from '../../../helpers/temp-dir';
import { tinyConfig } from '../../../helpers/workbench';

/** A small but real checkpoint (it decodes). */
const checkpointBytes = (step: number) =>
  encodeCheckpoint({
    meta: { step },
    tensors: [{ name: 'w', dtype: 'float32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, step]) }],
  });

const checkpointMessage = (step: number, knnTop1?: number): WorkerMessage => ({
  type: 'checkpoint',
  step,
  epoch: 1,
  reason: 'schedule',
  format: 'decorbench-checkpoint-v1',
  data: checkpointBytes(step),
  ...(knnTop1 === undefined ? {} : { knnTop1 }),
});

const progress = (step: number, trainingMs: number): WorkerMessage => ({
  type: 'progress',
  progress: {
    step,
    totalSteps: 10,
    epoch: 1,
    totalEpochs: 1,
    samplesPerSecond: 1,
    timeMs: 0,
    trainingMs,
    loss: 1,
  },
});

/** Sends a checkpoint and waits for the port's own answer. */
async function saveCheckpoint(port: JournalPort, step: number, knnTop1?: number): Promise<SupervisorMessage> {
  const answer = new Promise<SupervisorMessage>((resolve) => port.onMessage(resolve));
  await port.send(checkpointMessage(step, knnTop1));
  return answer;
}

/** What the host writes at submission: a run folder is only read with its job.json. */
const remoteJob = () => ({
  version: 1 as const,
  runId: 4,
  name: 'tiny',
  config: parseRemoteJob(JSON.stringify({ version: 1, runId: 1, resourcesDir: '/r', config: tinyConfig() }))
    .config,
  resourcesDir: '/shared/resources',
  requeue: true,
  createdAt: 5,
});

describe('the run folder journal', () => {
  const tempDir = useTempDir();
  const runFolder = () => {
    const dir = tempDir();
    writeRemoteJob(dir, remoteJob());
    return dir;
  };

  it('round-trips messages, checkpoints and snapshots; seq continues across processes', async () => {
    const dir = runFolder();
    const port = new JournalPort(dir);
    port.append({ type: 'segment', jobId: '12', restart: 0, node: 'vm', pid: 1, resumeStep: null });
    await port.send({ type: 'started', backend: 'wasm', device: 'cpu', backendNotes: [] });
    await port.send({
      type: 'metrics',
      points: [
        { name: 'loss', step: 1, epoch: 1, value: 0.5, wallTimeMs: 1 },
        { name: 'loss', step: 2, epoch: 1, value: Number.NaN, wallTimeMs: 2 },
      ],
    });
    expect(await saveCheckpoint(port, 2)).toEqual({ type: 'checkpoint-saved', step: 2 });
    await port.send({
      type: 'snapshot',
      step: 2,
      epoch: 1,
      source: 'training',
      dtype: 'float32',
      probeSeed: 3,
      n: 2,
      d: 1,
      featureDim: 1,
      permutation: new Int32Array([1, 0]),
      z1: new Float32Array([1, 2]),
      z2: new Float32Array([3, 4]),
      h1: null,
      h2: null,
    });
    await port.send({ type: 'done', outcome: 'completed', results: { knnTop1: 0.5 } });
    port.close();

    const lines = readWholeJournal(dir);
    expect(lines.map((line) => line.type)).toEqual([
      'segment',
      'started',
      'metrics',
      'checkpoint',
      'snapshot',
      'done',
    ]);
    expect(lines.map((line) => line.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const metrics = lines[2] as Extract<JournalLine, { type: 'metrics' }>;
    expect(metrics.points[1]!.value).toBeNaN(); // null in JSON, NaN again when read
    const checkpoint = lines[3] as CheckpointEntry;
    expect(checkpoint).toMatchObject({
      step: 2,
      file: 'checkpoints/step-00000002.ckpt',
      bytes: checkpointBytes(2).length,
    });
    expect(checkpoint).not.toHaveProperty('data');
    expect(Buffer.from(loadCheckpointFile(dir, checkpoint))).toEqual(Buffer.from(checkpointBytes(2)));
    const snapshot = loadSnapshotFile(dir, lines[4] as Extract<JournalLine, { type: 'snapshot' }>);
    expect(snapshot.z2).toEqual(new Float32Array([3, 4]));
    expect(snapshot.permutation).toEqual(new Int32Array([1, 0]));

    const second = new JournalPort(dir);
    await second.send({ type: 'log', level: 'info', message: 'again' });
    second.close();
    expect(readWholeJournal(dir).at(-1)).toMatchObject({ seq: 7, type: 'log', message: 'again' });
  });

  it('batches lines: nothing reaches the file before the interval, except what must', async () => {
    const dir = runFolder();
    const port = new JournalPort(dir, { flushIntervalMs: 200 });
    await port.send({ type: 'log', level: 'info', message: 'first' }); // the first line flushes the batch timer at 0
    await new Promise((resolve) => setTimeout(resolve, 50));
    await port.send({ type: 'log', level: 'info', message: 'waits' });
    expect(readWholeJournal(dir).map((line) => line.type)).toEqual(['log']);
    expect(readWholeJournal(dir).some((line) => line.type === 'log' && line.message === 'waits')).toBe(false);
    await port.send({ type: 'failed', message: 'boom' }); // flushed at once, the waiting log with it
    expect(readWholeJournal(dir).map((line) => line.type)).toEqual(['log', 'log', 'failed']);
    port.close();
  });

  it('leaves a torn last line for later and reports a corrupt complete line', async () => {
    const dir = runFolder();
    const port = new JournalPort(dir);
    await port.send({ type: 'log', level: 'info', message: 'one' });
    port.flush();
    const afterOne = statSync(join(dir, JOURNAL_FILE)).size;
    appendFileSync(join(dir, JOURNAL_FILE), '{"seq":2,"t":1,"type":"log","level":"in');

    const first = readJournal(dir, 0);
    expect(first.entries.map((entry) => entry.line.type)).toEqual(['log']);
    expect(first.nextOffset).toBe(afterOne);
    expect(first.entries[0]!.end).toBe(afterOne);
    expect(readJournal(dir, first.nextOffset)).toEqual({ entries: [], nextOffset: afterOne, bad: [] });

    // The torn write ends up a complete but malformed line once a new process appends.
    const second = new JournalPort(dir);
    await second.send({ type: 'log', level: 'info', message: 'two' });
    second.close();
    appendFileSync(join(dir, JOURNAL_FILE), '{"seq":9,"t":1,"type":"teleport"}\n');
    const rest = readJournal(dir, first.nextOffset);
    expect(rest.bad).toEqual([
      { offset: afterOne, reason: 'not JSON' },
      { offset: expect.any(Number), reason: 'unknown type "teleport"' },
    ]);
    expect(rest.entries.map((entry) => entry.line)).toMatchObject([{ seq: 2, message: 'two' }]);
    expect(rest.nextOffset).toBe(statSync(join(dir, JOURNAL_FILE)).size);
    port.close();
  });

  it('reads in bounded chunks that add up to the whole journal, a long line included', async () => {
    const dir = runFolder();
    const port = new JournalPort(dir);
    for (let i = 0; i < 20; i++)
      await port.send({ type: 'log', level: 'info', message: `line ${i}`.repeat(i * 10) });
    port.close();
    const seqs: number[] = [];
    for (let offset = 0; ;) {
      const chunk = readJournal(dir, offset, 300);
      seqs.push(...chunk.entries.map((entry) => entry.line.seq));
      if (chunk.nextOffset === offset) break;
      offset = chunk.nextOffset;
    }
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('detects a checkpoint whose bytes changed, and resumes from the newest one that verifies', async () => {
    const dir = runFolder();
    const port = new JournalPort(dir, { keepLast: 3 });
    for (const step of [2, 4, 6]) {
      await port.send(progress(step, step * 100));
      await saveCheckpoint(port, step);
    }
    await port.send(progress(7, 700));
    port.close();
    const lines = readWholeJournal(dir).filter(
      (line): line is CheckpointEntry & JournalLine => line.type === 'checkpoint',
    );
    expect(latestResumable(dir)).toMatchObject({ step: 6, trainingMs: 600 });

    const newest = join(dir, lines[2]!.file);
    const bytes = readFileSync(newest);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(newest, bytes);
    expect(() => loadCheckpointFile(dir, lines[2]!)).toThrow(/sha256 check failed/);
    writeFileSync(newest, bytes.subarray(0, 10));
    expect(() => loadCheckpointFile(dir, lines[2]!)).toThrow(/size check failed/);

    const resumable = latestResumable(dir);
    expect(resumable).toMatchObject({ step: 4, trainingMs: 400 });
    expect(Buffer.from(resumable!.data)).toEqual(Buffer.from(checkpointBytes(4)));
  });

  it('keeps the newest keepLast checkpoint files (at least 2)', async () => {
    const dir = runFolder();
    const port = new JournalPort(dir, { keepLast: 1 });
    for (const step of [1, 2, 3, 4]) await saveCheckpoint(port, step);
    port.close();
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual(['step-00000003.ckpt', 'step-00000004.ckpt']);
    expect(latestResumable(dir)?.step).toBe(4);
  });

  it('keeps the best checkpoint’s file too when the run keeps the best, across processes', async () => {
    const dir = runFolder();
    const names = (steps: number[]) => steps.map((step) => `step-${String(step).padStart(8, '0')}.ckpt`);
    const first = new JournalPort(dir, { keepLast: 2, keepBest: true });
    for (const [step, knnTop1] of [
      [1, 0.5],
      [2, 0.9],
      [3, 0.6],
      [4, 0.9],
      [5, 0.7],
    ] as const)
      await saveCheckpoint(first, step, knnTop1);
    first.close();
    // The host keeps step 2 (the first of the best) and the newest two: so does the folder.
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual(names([2, 4, 5]));
    // A requeued process knows the best from the journal.
    const second = new JournalPort(dir, { keepLast: 2, keepBest: true });
    await saveCheckpoint(second, 6, 0.8);
    await saveCheckpoint(second, 7);
    second.close();
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual(names([2, 6, 7]));
    // Without keepBest only the newest remain.
    const third = new JournalPort(dir, { keepLast: 2 });
    await saveCheckpoint(third, 8, 0.95);
    third.close();
    expect(readdirSync(join(dir, 'checkpoints'))).toEqual(names([7, 8]));
  });

  it('answers checkpoint-failed when the file cannot be written', async () => {
    const dir = runFolder();
    const port = new JournalPort(dir);
    // A folder where the file should go: the rename fails.
    mkdirSync(join(dir, 'checkpoints', 'step-00000005.ckpt', 'inside'), { recursive: true });
    const answer = await saveCheckpoint(port, 5);
    expect(answer).toMatchObject({ type: 'checkpoint-failed', step: 5 });
    expect((answer as { message: string }).message).toMatch(/could not be written/);
    port.close();
    expect(readWholeJournal(dir).some((line) => line.type === 'checkpoint')).toBe(false);
  });

  it('no journal or no checkpoint: nothing to resume', () => {
    const dir = runFolder();
    expect(readJournal(dir, 0)).toEqual({ entries: [], nextOffset: 0, bad: [] });
    expect(latestResumable(dir)).toBeUndefined();
  });

  it('a run folder that cannot be seen (a shared folder not mounted) is an error, not an empty journal', () => {
    const missing = join(tempDir(), 'not-mounted', 'run-4');
    expect(() => readJournal(missing, 0)).toThrow(/run folder .*run-4 cannot be seen from this computer/);
    // A mount point without its file system: the folder is there, empty.
    const empty = tempDir();
    expect(() => readJournal(empty, 0)).toThrow(/has no job\.json: is its shared folder mounted here/);
    expect(() => readWholeJournal(empty)).toThrow(/has no job\.json/);
  });

  it('writes and parses job.json, saying what is wrong with a bad one', () => {
    const dir = tempDir();
    const job = remoteJob();
    writeRemoteJob(dir, job);
    expect(existsSync(join(dir, 'job.json'))).toBe(true);
    expect(parseRemoteJob(readFileSync(join(dir, 'job.json'), 'utf8'))).toEqual(job);
    expect(() => parseRemoteJob('{')).toThrow(/job.json is not JSON/);
    expect(() =>
      parseRemoteJob(JSON.stringify({ ...job, config: { ...job.config, training: { epochs: -1 } } })),
    ).toThrow(/invalid config: training/);
  });
});
