/**
 * The worker's end of a run placed on a cluster: a ParentPort that writes every message to the run
 * folder's journal instead of sending it to a supervisor. Lines are batched (fsync at most every
 * 500 ms, so a killed node loses at most that much), and the lines that matter for resuming or for
 * the run's end are flushed at once.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { serialize } from 'node:v8';
import type { ParentPort } from '../parent-port';
import type { SupervisorMessage, WorkerMessage } from '../protocol';
import {
  CHECKPOINT_DIR,
  checkpointFile,
  JOB_FILE,
  JOURNAL_FILE,
  SNAPSHOT_DIR,
  snapshotFile,
  type JournalEntry,
  type RemoteJob,
} from './format';
import { readWholeJournal } from './journal-reader';

const FLUSH_INTERVAL_MS = 500;
/** Lines a consumer (or a resume) must see without delay. */
const FLUSH_AT_ONCE = new Set<JournalEntry['type']>(['checkpoint', 'done', 'failed', 'started', 'segment']);

export interface JournalPortOptions {
  /** Checkpoint files kept in the folder (config.checkpoint.keepLast; at least 2). */
  keepLast?: number;
  /** Keep the file of the best checkpoint by kNN top-1 too (config.checkpoint.keepBest), as the host keeps it. */
  keepBest?: boolean;
  flushIntervalMs?: number;
}

/** Writes `bytes` to `path` so that a crash leaves either the whole file or none of it. */
function writeDurably(path: string, bytes: Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`;
  const fd = openSync(temporary, 'w');
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  // The rename itself must survive a node's crash before the journal line that names the file.
  try {
    const folder = openSync(dirname(path), 'r');
    try {
      fsyncSync(folder);
    } finally {
      closeSync(folder);
    }
  } catch {
    // Some file systems refuse to sync a folder; the file's own fsync is what they offer.
  }
}

function parseSeq(line: Buffer): number | undefined {
  try {
    const seq = (JSON.parse(line.toString('utf8')) as { seq?: unknown }).seq;
    return typeof seq === 'number' && Number.isInteger(seq) ? seq : undefined;
  } catch {
    return undefined; // a malformed line: look further back
  }
}

/** The seq of the last complete, readable line of an existing journal (0 when none), read from its end. */
function lastSeq(fd: number): number {
  const chunkBytes = 64 * 1024;
  let end = fstatSync(fd).size;
  let carry = Buffer.alloc(0);
  let trimmed = false;
  while (end > 0) {
    const start = Math.max(0, end - chunkBytes);
    const chunk = Buffer.alloc(end - start);
    readSync(fd, chunk, 0, chunk.length, start);
    end = start;
    let buffer = Buffer.concat([chunk, carry]);
    if (!trimmed) {
      // Bytes after the last newline are a torn line: not a line yet.
      const newline = buffer.lastIndexOf(0x0a);
      if (newline < 0) {
        carry = buffer;
        continue;
      }
      buffer = buffer.subarray(0, newline + 1);
      trimmed = true;
    }
    let high = buffer.length; // buffer[high - 1] is a newline
    while (high > 0) {
      const newline = high >= 2 ? buffer.lastIndexOf(0x0a, high - 2) : -1;
      if (newline < 0 && start > 0) break; // the line starts in an earlier chunk
      const seq = parseSeq(buffer.subarray(newline + 1, high - 1));
      if (seq !== undefined) return seq;
      high = newline + 1;
    }
    carry = buffer.subarray(0, high);
  }
  return 0;
}

export class JournalPort implements ParentPort {
  private readonly fd: number;
  private seq: number;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastFlushMs = 0;
  private readonly listeners: ((message: SupervisorMessage) => void)[] = [];
  private readonly keepLast: number;
  private readonly keepBest: boolean;
  /** The checkpoint with the highest kNN top-1 so far (the earliest of equals, as the host picks). */
  private best: { file: string; knnTop1: number } | undefined;
  private readonly flushIntervalMs: number;

  constructor(
    readonly runDir: string,
    options: JournalPortOptions = {},
  ) {
    this.keepLast = Math.max(2, options.keepLast ?? 3);
    this.keepBest = options.keepBest ?? false;
    this.flushIntervalMs = options.flushIntervalMs ?? FLUSH_INTERVAL_MS;
    mkdirSync(join(runDir, CHECKPOINT_DIR), { recursive: true });
    mkdirSync(join(runDir, SNAPSHOT_DIR), { recursive: true });
    this.fd = openSync(join(runDir, JOURNAL_FILE), 'a+');
    this.seq = lastSeq(this.fd);
    // A process killed mid-write leaves a torn last line: end it, so that it becomes one malformed
    // line (skipped by readers) instead of swallowing the first line written now.
    const size = fstatSync(this.fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(this.fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) this.writeNow('\n');
    }
    // Earlier processes' checkpoints count for the best one as well.
    if (this.keepBest && size > 0)
      for (const line of readWholeJournal(runDir)) if (line.type === 'checkpoint') this.consider(line);
  }

  onMessage(listener: (message: SupervisorMessage) => void): void {
    this.listeners.push(listener);
  }

  async send(message: WorkerMessage): Promise<void> {
    if (message.type === 'checkpoint') return this.saveCheckpoint(message);
    if (message.type === 'snapshot') {
      const file = snapshotFile(message.step);
      writeDurably(join(this.runDir, file), serialize(message));
      this.append({ type: 'snapshot', step: message.step, epoch: message.epoch, file });
      return;
    }
    this.append(message);
  }

  /** Appends a line (flushed at once when its type says so, else with the next batch). */
  append(entry: JournalEntry): void {
    this.seq += 1;
    this.pending.push(`${JSON.stringify({ seq: this.seq, t: Date.now(), ...entry })}\n`);
    if (FLUSH_AT_ONCE.has(entry.type)) this.flush();
    else this.scheduleFlush();
  }

  /** Writes the waiting lines and fsyncs them. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlushMs = Date.now();
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.writeNow(text);
    fsyncSync(this.fd);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private writeNow(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
  }

  private scheduleFlush(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlushMs + this.flushIntervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /**
   * The file first (durably), then its line: a line always names bytes that exist. With no
   * supervisor to commit it, the port itself answers `checkpoint-saved` once the line is on disk.
   */
  private async saveCheckpoint(message: Extract<WorkerMessage, { type: 'checkpoint' }>): Promise<void> {
    const { data, type: _type, ...fields } = message;
    let answer: SupervisorMessage;
    try {
      const file = checkpointFile(message.step);
      writeDurably(join(this.runDir, file), data);
      const sha256 = createHash('sha256').update(data).digest('hex');
      this.append({ type: 'checkpoint', ...fields, file, sha256, bytes: data.byteLength });
      this.consider({ file, knnTop1: message.knnTop1 });
      this.prune();
      answer = { type: 'checkpoint-saved', step: message.step };
    } catch (error) {
      answer = {
        type: 'checkpoint-failed',
        step: message.step,
        message: `The checkpoint of step ${message.step} could not be written to ${this.runDir}: ${(error as Error).message}`,
      };
    }
    setImmediate(() => {
      for (const listener of this.listeners) listener(answer);
    });
  }

  private consider(checkpoint: { file: string; knnTop1?: number | undefined }): void {
    const { knnTop1 } = checkpoint;
    if (knnTop1 === undefined || !Number.isFinite(knnTop1)) return;
    if (!this.best || knnTop1 > this.best.knnTop1) this.best = { file: checkpoint.file, knnTop1 };
  }

  /**
   * Keeps the newest `keepLast` checkpoint files, and the best one by kNN top-1 when the run's
   * config keeps the best: the folder holds what the host's store would keep, so a host that
   * ingests late (a desktop closed for a day) still finds every checkpoint it keeps. A resume
   * falls back on the newest ones.
   */
  private prune(): void {
    const dir = join(this.runDir, CHECKPOINT_DIR);
    const files = readdirSync(dir)
      .filter((name) => /^step-\d{8}\.ckpt$/.test(name))
      .sort();
    const best = this.keepBest && this.best ? this.best.file.slice(CHECKPOINT_DIR.length + 1) : undefined;
    for (const name of files.slice(0, Math.max(0, files.length - this.keepLast))) {
      if (name !== best) rmSync(join(dir, name), { force: true });
    }
  }
}

/** Writes `job.json` (the host, at submission) so that a node never reads half of it. */
export function writeRemoteJob(runDir: string, job: RemoteJob): void {
  mkdirSync(runDir, { recursive: true });
  writeDurably(join(runDir, JOB_FILE), Buffer.from(`${JSON.stringify(job, null, 2)}\n`, 'utf8'));
}
