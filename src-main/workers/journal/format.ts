/**
 * The run folder of a run placed on a cluster (issue 15): what the host writes at submission and
 * what the worker on the compute node writes while it trains. Both ends read these names from here.
 *
 *   job.json            RemoteJob: what to train (written once by the host)
 *   journal.ndjson      append-only, one JournalLine per line, flushed (fsync) in batches
 *   stop-requested      written by the host before it asks Slurm to signal the job: a user's stop
 *   checkpoints/        step-00000040.ckpt: a checkpoint's bytes, written before its journal line
 *   snapshots/          step-40.v8: v8.serialize of an inspector snapshot message
 *
 * Nothing in a remote run needs a connection back to the desktop: the journal is the whole report.
 */
import { runConfigSchema, type RunConfig } from '@shared/config/run-config';
import { WORKER_MESSAGE_TYPES, type WorkerMessage } from '../protocol';

export const JOB_FILE = 'job.json';
export const JOURNAL_FILE = 'journal.ndjson';
export const STOP_FILE = 'stop-requested';
export const CHECKPOINT_DIR = 'checkpoints';
export const SNAPSHOT_DIR = 'snapshots';

/** What the host asks the node to train: `job.json` in the run folder. */
export interface RemoteJob {
  version: 1;
  runId: number;
  name: string;
  config: RunConfig;
  /** The resources folder (embedded data, downloaded datasets) as the nodes see it. */
  resourcesDir: string;
  /** A job stopped by a signal without a user's stop request exits 75 so that its script requeues it. */
  requeue: boolean;
  createdAt: number;
}

/** Parses `job.json`'s text; the message says what is wrong (the worker prints it and fails). */
export function parseRemoteJob(text: string): RemoteJob {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${JOB_FILE} is not JSON: ${(error as Error).message}`);
  }
  const job = value as Partial<RemoteJob> | null;
  if (typeof job !== 'object' || job === null) throw new Error(`${JOB_FILE} must hold an object`);
  if (job.version !== 1)
    throw new Error(`${JOB_FILE} has version ${String(job.version)}; this worker reads 1`);
  if (!Number.isInteger(job.runId) || (job.runId as number) < 1)
    throw new Error(`${JOB_FILE} needs a positive integer runId`);
  if (typeof job.resourcesDir !== 'string' || job.resourcesDir === '')
    throw new Error(`${JOB_FILE} needs a resourcesDir`);
  const parsed = runConfigSchema.safeParse(job.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${JOB_FILE} has an invalid config: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return {
    version: 1,
    runId: job.runId as number,
    name: typeof job.name === 'string' ? job.name : parsed.data.name,
    config: parsed.data,
    resourcesDir: job.resourcesDir,
    requeue: job.requeue === true,
    createdAt: typeof job.createdAt === 'number' ? job.createdAt : 0,
  };
}

/** `checkpoints/step-00000040.ckpt`: zero-padded so that names sort by step. */
export const checkpointFile = (step: number): string =>
  `${CHECKPOINT_DIR}/step-${String(step).padStart(8, '0')}.ckpt`;

/** `snapshots/step-40.v8`. */
export const snapshotFile = (step: number): string => `${SNAPSHOT_DIR}/step-${step}.v8`;

/** The only file names a journal line may point at (a line is read from shared storage). */
export const CHECKPOINT_FILE_PATTERN = /^checkpoints\/step-\d{8}\.ckpt$/;
export const SNAPSHOT_FILE_PATTERN = /^snapshots\/step-\d+\.v8$/;

type CheckpointMessage = Extract<WorkerMessage, { type: 'checkpoint' }>;
type DoneMessage = Extract<WorkerMessage, { type: 'done' }>;

/** A checkpoint's line: its bytes are in `file` (written, fsynced and renamed before the line). */
export type CheckpointEntry = Omit<CheckpointMessage, 'data'> & {
  file: string;
  sha256: string;
  bytes: number;
};

/** An inspector snapshot's line: the message itself (typed arrays) is `v8.serialize`d in `file`. */
export interface SnapshotEntry {
  type: 'snapshot';
  step: number;
  epoch: number;
  file: string;
}

/**
 * The first line of every worker process: which job, which requeue, where, and the step it resumed
 * from (null: a fresh start). A consumer rewinds the run's metrics past `resumeStep`, as a local
 * resume does.
 */
export interface SegmentEntry {
  type: 'segment';
  /** SLURM_JOB_ID, or `<array job>_<task>` for a task of a job array; null when started by hand. */
  jobId: string | null;
  /** SLURM_RESTART_COUNT: how many times Slurm requeued the job. */
  restart: number;
  node: string;
  pid: number;
  resumeStep: number | null;
}

/** `requeue: true`: stopped by a signal, not by the user, with job.requeue on: Slurm starts it again. */
export type DoneEntry = DoneMessage & { requeue?: true };

/** A journal line without its stamp: a WorkerMessage, binary payloads replaced by files. */
export type JournalEntry =
  | Exclude<WorkerMessage, { type: 'checkpoint' | 'snapshot' | 'done' }>
  | CheckpointEntry
  | SnapshotEntry
  | SegmentEntry
  | DoneEntry;

/**
 * One line of journal.ndjson. `seq` counts up across every process that wrote the journal; `t` is
 * Date.now() when the line was made. JSON has no NaN: a metric's non-finite value is written as
 * null and read back as NaN (the store keeps it as null, as for a local run).
 */
export type JournalLine = JournalEntry & { seq: number; t: number };

/** The worker's message types, each as a line, and the journal's own `segment`. */
export const JOURNAL_LINE_TYPES: ReadonlySet<JournalLine['type']> = new Set<JournalLine['type']>([
  ...WORKER_MESSAGE_TYPES,
  'segment',
]);
