/**
 * Reading a run folder's journal: incrementally from a byte offset (the host ingests from where
 * it stopped), its checkpoint and snapshot files (verified), and the checkpoint a new worker
 * process resumes from.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { decodeCheckpoint } from '../../ml/checkpoint/format';
import type { WorkerMessage } from '../protocol';
import {
  CHECKPOINT_FILE_PATTERN,
  JOB_FILE,
  JOURNAL_FILE,
  JOURNAL_LINE_TYPES,
  SNAPSHOT_FILE_PATTERN,
  type CheckpointEntry,
  type JournalLine,
  type SnapshotEntry,
} from './format';

export interface JournalChunk {
  /** Complete lines in order; `offset`: where the line starts, `end`: just after its newline. */
  entries: { line: JournalLine; offset: number; end: number }[];
  /** Where the next read starts: after the last complete line read (good or bad). */
  nextOffset: number;
  /** Complete lines that are not journal lines (skipped: their bytes are consumed). */
  bad: { offset: number; reason: string }[];
}

const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/** Why a parsed value is not a journal line, or undefined when it is one. */
function problemOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const line = value as Record<string, unknown>;
  if (!Number.isInteger(line.seq)) return 'no integer seq';
  if (typeof line.t !== 'number') return 'no time t';
  if (!JOURNAL_LINE_TYPES.has(line.type as JournalLine['type']))
    return `unknown type ${JSON.stringify(line.type)}`;
  if (line.type === 'checkpoint') {
    if (typeof line.file !== 'string' || !CHECKPOINT_FILE_PATTERN.test(line.file))
      return 'a checkpoint line without a checkpoints/step-N.ckpt file';
    if (typeof line.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(line.sha256))
      return 'a checkpoint line without sha256';
    if (!Number.isInteger(line.bytes) || !Number.isInteger(line.step))
      return 'a checkpoint line without bytes or step';
  }
  if (line.type === 'snapshot' && (typeof line.file !== 'string' || !SNAPSHOT_FILE_PATTERN.test(line.file)))
    return 'a snapshot line without a snapshots/step-N.v8 file';
  if (line.type === 'metrics' && !Array.isArray(line.points)) return 'a metrics line without points';
  return undefined;
}

/** JSON wrote non-finite numbers as null: back to NaN, so that consumers see MetricPoints. */
function restoreNumbers(line: JournalLine): JournalLine {
  if (line.type === 'metrics') {
    for (const point of line.points) if (point.value === null) point.value = Number.NaN;
  } else if (line.type === 'progress' && (line.progress.loss as number | null) === null) {
    line.progress.loss = Number.NaN;
  }
  return line;
}

function readBytes(fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buffer, read, length - read, offset + read);
    if (n === 0) break;
    read += n;
  }
  return buffer.subarray(0, read);
}

/**
 * Throws unless `runDir` is a run folder this machine sees: the folder and its job.json (written
 * at submission, before any job ran). A shared folder that is not mounted (a laptop just woke up)
 * shows an empty folder or none, which must not read as a journal with nothing in it yet.
 */
export function assertRunFolder(runDir: string): void {
  if (!existsSync(runDir))
    throw new Error(
      `The run folder ${runDir} cannot be seen from this computer: is its shared folder mounted?`,
    );
  if (!existsSync(join(runDir, JOB_FILE)))
    throw new Error(
      `The run folder ${runDir} has no ${JOB_FILE}: is its shared folder mounted here, or was the folder emptied?`,
    );
}

/**
 * The complete lines from `fromOffset`, up to about `maxBytes` (more when one line is longer).
 * A torn last line (a worker killed mid-write, or a write not yet finished) is left for later.
 * Throws when the run folder cannot be seen (assertRunFolder); no journal yet reads as no lines.
 */
export function readJournal(runDir: string, fromOffset: number, maxBytes = DEFAULT_MAX_BYTES): JournalChunk {
  assertRunFolder(runDir);
  const chunk: JournalChunk = { entries: [], nextOffset: fromOffset, bad: [] };
  const path = join(runDir, JOURNAL_FILE);
  if (!existsSync(path)) return chunk;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let length = Math.min(maxBytes, size - fromOffset);
    if (length <= 0) return chunk;
    let buffer = readBytes(fd, fromOffset, length);
    // A line longer than maxBytes: read on until its end, or the file's.
    while (buffer.lastIndexOf(0x0a) < 0 && fromOffset + length < size) {
      length = Math.min(length * 2, size - fromOffset);
      buffer = readBytes(fd, fromOffset, length);
    }
    let start = 0;
    for (let newline = buffer.indexOf(0x0a); newline >= 0; newline = buffer.indexOf(0x0a, start)) {
      const offset = fromOffset + start;
      const end = fromOffset + newline + 1;
      const text = buffer.subarray(start, newline).toString('utf8');
      start = newline + 1;
      chunk.nextOffset = end;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        chunk.bad.push({ offset, reason: 'not JSON' });
        continue;
      }
      const problem = problemOf(value);
      if (problem) chunk.bad.push({ offset, reason: problem });
      else chunk.entries.push({ line: restoreNumbers(value as JournalLine), offset, end });
    }
    return chunk;
  } finally {
    closeSync(fd);
  }
}

/** Every complete line of the journal, in order. */
export function readWholeJournal(runDir: string): JournalLine[] {
  const lines: JournalLine[] = [];
  for (let offset = 0; ;) {
    const chunk = readJournal(runDir, offset);
    for (const entry of chunk.entries) lines.push(entry.line);
    if (chunk.nextOffset === offset) return lines;
    offset = chunk.nextOffset;
  }
}

/** A checkpoint's bytes, checked against its line's size and sha256 (the Error says which failed). */
export function loadCheckpointFile(runDir: string, line: CheckpointEntry): Uint8Array {
  const path = join(runDir, line.file);
  if (!existsSync(path)) throw new Error(`The checkpoint file ${line.file} of step ${line.step} is missing`);
  const bytes = readFileSync(path);
  if (bytes.length !== line.bytes) {
    throw new Error(
      `The checkpoint file ${line.file} has ${bytes.length} bytes; its journal line says ${line.bytes} (size check failed)`,
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== line.sha256) {
    throw new Error(
      `The checkpoint file ${line.file} does not match its journal line's sha256 (sha256 check failed)`,
    );
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A snapshot line's message, typed arrays included. */
export function loadSnapshotFile(
  runDir: string,
  line: SnapshotEntry,
): Extract<WorkerMessage, { type: 'snapshot' }> {
  const path = join(runDir, line.file);
  if (!existsSync(path)) throw new Error(`The snapshot file ${line.file} of step ${line.step} is missing`);
  const value = deserialize(readFileSync(path)) as { type?: unknown; step?: unknown };
  if (value?.type !== 'snapshot' || value.step !== line.step)
    throw new Error(`The snapshot file ${line.file} does not hold the snapshot of step ${line.step}`);
  return value as Extract<WorkerMessage, { type: 'snapshot' }>;
}

export interface Resumable {
  step: number;
  /** The checkpoint's bytes, verified (size, sha256) and decodable. */
  data: Uint8Array;
  /** The run's training time up to it (from the last progress line at or before its step). */
  trainingMs: number;
}

/**
 * What a new worker process continues from: the newest checkpoint line whose file verifies and
 * decodes, trying older ones (a file may be torn by a node's failure, or pruned). Undefined: none.
 */
export function latestResumable(runDir: string): Resumable | undefined {
  const lines = readWholeJournal(runDir);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.type !== 'checkpoint') continue;
    let data: Uint8Array;
    try {
      data = loadCheckpointFile(runDir, line);
      decodeCheckpoint(data);
    } catch {
      continue;
    }
    let trainingMs = 0;
    for (let j = lines.length - 1; j >= 0; j--) {
      const candidate = lines[j]!;
      if (candidate.type === 'progress' && candidate.progress.step <= line.step) {
        trainingMs = candidate.progress.trainingMs ?? 0;
        break;
      }
    }
    return { step: line.step, data, trainingMs };
  }
  return undefined;
}
