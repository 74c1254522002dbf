import type { LogLevel, RunStatus } from '@shared/runs';
import type { RemoteRunRecord } from '../../storage/cluster.repo';
import type { RunStore } from '../../storage/store';
import type { CheckpointEntry, JournalLine, SegmentEntry } from '../../workers/journal/format';
import {
  loadCheckpointFile,
  loadSnapshotFile,
  readJournal,
  type JournalChunk,
} from '../../workers/journal/journal-reader';
import type { WorkerMessage } from '../../workers/protocol';
import { EventBus } from '../event-bus';
import { applyRunMessage, storeCheckpoint, type RunEnding, type SupervisorContext } from '../run-messages';

/** What ingesting a journal needs: the store and the bus its events go out on. */
export interface IngestDeps {
  store: RunStore;
  events: EventBus;
}

export interface IngestOutcome {
  /** Journal lines this call applied (lines another host applied first are not counted). */
  applied: number;
  /** The run's journal offset afterwards. */
  offset: number;
}

/** At most this many lines per transaction: a long catch-up never holds the write lock for long. */
export const MAX_LINES_PER_BATCH = 2000;

/** The payload of a batch's one binary line, read (and verified) before its transaction. */
type Payload =
  | { kind: 'checkpoint'; data: Uint8Array }
  | { kind: 'snapshot'; message: Extract<WorkerMessage, { type: 'snapshot' }> }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'stored' };

type Entry = JournalChunk['entries'][number];

/** Another host advanced the journal offset first: this batch is rolled back and read again. */
class OffsetMoved extends Error {}

/** Statuses a new worker process (a segment) or a requeue moves on from; any other stays. */
const RESUMING: readonly RunStatus[] = ['queued', 'running', 'interrupted'];

/** Polls a line may fail the same way before it is skipped (a read of shared storage may fail once). */
export const UNREADABLE_POLLS = 3;

/** The line each run's ingest holds back (by run folder), why, and how many ingests it failed so. */
const held = new Map<string, { offset: number; reason: string; failures: number }>();

/**
 * Applies the complete lines of a placed run's journal.ndjson past its stored offset to the store,
 * with the same writes and events as a local worker's messages (run-messages.ts). Each batch of
 * lines and the offset after it commit in ONE transaction, the offset compare-and-set: whichever
 * host (or call) gets there first applies a line, every other one rolls back and reads on from
 * the new offset, so each line is applied exactly once however many hosts ingest. A torn last
 * line is left until the worker completes it. Events go out after their transaction commits.
 *
 * A complete line that does not parse, or a checkpoint line whose file does not read or verify,
 * may be a passing fault of shared storage (a stale page, a file not visible yet): the ingest
 * stops before it and tries again on the next call. It skips the line (with a warning) once it
 * failed the same way on UNREADABLE_POLLS calls, or at once when the journal shows the run went
 * on without it: a later segment line (a new process ended a torn line) or, for a checkpoint's
 * file, a later checkpoint (the worker pruned the file).
 */
export async function ingestJournal(deps: IngestDeps, remote: RemoteRunRecord): Promise<IngestOutcome> {
  const { store } = deps;
  const { runId, runDir } = remote;
  let offset = remote.journalOffset;
  let applied = 0;
  // A bad line counts one failure per call, even when a race makes the call read it twice.
  const decided = new Map<number, boolean>();
  const skip = (at: number, reason: string): boolean => {
    if (!decided.has(at)) decided.set(at, failedAgain(runDir, at, reason));
    return decided.get(at)!;
  };
  for (;;) {
    const chunk = readJournal(runDir, offset);
    if (chunk.nextOffset === offset) return done(runDir, applied, offset);
    const wentOn = (after: number, types: ReadonlyArray<JournalLine['type']>) =>
      chunk.entries.some((entry) => entry.offset > after && types.includes(entry.line.type));
    // The first bad line not skipped ends what this call applies.
    let limit = chunk.nextOffset;
    for (const bad of chunk.bad) {
      if (wentOn(bad.offset, ['segment']) || skip(bad.offset, bad.reason)) continue;
      limit = bad.offset;
      break;
    }
    const entries = chunk.entries.filter((entry) => entry.offset < limit);
    let index = 0;
    let raced = false;
    while (!raced && offset < limit) {
      let holding = false;
      let batch = nextBatch(entries, index);
      let to = index + batch.length === entries.length ? limit : batch.at(-1)!.end;
      let payload = loadPayload(store, remote, batch.at(-1)?.line);
      const last = batch.at(-1);
      if (
        payload?.kind === 'unreadable' &&
        last?.line.type === 'checkpoint' &&
        !wentOn(last.offset, ['segment', 'checkpoint']) &&
        !skip(last.offset, payload.reason)
      ) {
        // Applied up to the checkpoint's line; its file is read again next time.
        batch = batch.slice(0, -1);
        to = last.offset;
        payload = undefined;
        holding = true;
      }
      index += batch.length;
      const bad = chunk.bad.filter((line) => line.offset >= offset && line.offset < to);
      if (to > offset) {
        try {
          applyBatch(deps, remote, { from: offset, to, batch, bad, payload });
          applied += batch.length;
          offset = to;
        } catch (error) {
          if (!(error instanceof OffsetMoved)) throw error;
          const now = store.cluster.remoteRun(runId);
          if (!now) return { applied, offset };
          offset = now.journalOffset;
          raced = true;
        }
      }
      if (holding && !raced) return { applied, offset };
      // A long catch-up leaves the host's event loop free between transactions.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!raced && limit < chunk.nextOffset) return { applied, offset };
  }
}

/** Counts one more failure of the line at `offset`; true once it failed UNREADABLE_POLLS times the same way. */
function failedAgain(runDir: string, offset: number, reason: string): boolean {
  const last = held.get(runDir);
  const failures = last && last.offset === offset && last.reason === reason ? last.failures + 1 : 1;
  if (failures >= UNREADABLE_POLLS) {
    held.delete(runDir);
    return true;
  }
  held.set(runDir, { offset, reason, failures });
  return false;
}

/** The journal is read to its end: nothing is held back for this run any more. */
function done(runDir: string, applied: number, offset: number): IngestOutcome {
  held.delete(runDir);
  return { applied, offset };
}

/** Lines from `index`, up to MAX_LINES_PER_BATCH, ending at the first line with a file (at most one per batch). */
function nextBatch(entries: readonly Entry[], index: number): Entry[] {
  const batch: Entry[] = [];
  for (let i = index; i < entries.length && batch.length < MAX_LINES_PER_BATCH; i++) {
    batch.push(entries[i]!);
    const { type } = entries[i]!.line;
    if (type === 'checkpoint' || type === 'snapshot') break;
  }
  return batch;
}

/**
 * Reads a checkpoint's or snapshot's file outside the transaction (a checkpoint may be a GB:
 * hashing it must not hold the store's write lock). A checkpoint already stored is not read again.
 */
function loadPayload(
  store: RunStore,
  remote: RemoteRunRecord,
  line: JournalLine | undefined,
): Payload | undefined {
  try {
    if (line?.type === 'checkpoint') {
      if (hasCheckpoint(store, remote.runId, line.step)) return { kind: 'stored' };
      return { kind: 'checkpoint', data: loadCheckpointFile(remote.runDir, line) };
    }
    if (line?.type === 'snapshot')
      return { kind: 'snapshot', message: loadSnapshotFile(remote.runDir, line) };
  } catch (error) {
    return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
  return undefined;
}

const hasCheckpoint = (store: RunStore, runId: number, step: number): boolean =>
  store.checkpoints.list(runId).some((checkpoint) => checkpoint.step === step);

function applyBatch(
  deps: IngestDeps,
  remote: RemoteRunRecord,
  batch: {
    from: number;
    to: number;
    batch: Entry[];
    bad: JournalChunk['bad'];
    payload: Payload | undefined;
  },
): void {
  const { store, events } = deps;
  const { runId } = remote;
  // Events wait for the commit: a batch another host applied first must not be announced twice.
  const pending: Array<() => void> = [];
  const buffered = new EventBus();
  buffered.subscribe((channel, payload) => pending.push(() => events.emit(channel, payload)));
  const statusChanged = new Set<number>();
  let at = Date.now();
  const context: SupervisorContext = {
    store,
    events: buffered,
    log: (id, level, message) => log(id, level, message),
    emitStatus: (id) => statusChanged.add(id),
    finish: (id, ending) => finish(id, ending),
  };
  const log = (id: number, level: LogLevel, message: string): void => {
    const line = store.logs.append(id, level, message, at);
    buffered.emit('run:log', { runId: id, lines: [line] });
  };
  const finish = (id: number, ending: RunEnding): void => {
    store.runs.setStatus(id, { ...ending, endedAt: at, ownerPid: null });
    statusChanged.add(id);
  };
  store.database
    .transaction(() => {
      if (!store.cluster.advanceJournal(runId, batch.from, batch.to)) throw new OffsetMoved();
      // The run was deleted: its lines have nowhere to go (the offset row went with it).
      if (!store.runs.summary(runId)) return;
      for (const { offset, reason } of batch.bad)
        log(runId, 'warn', `Journal line at byte ${offset} skipped: ${reason}`);
      for (const { line } of batch.batch) {
        at = line.t;
        applyLine(context, remote, line, line === batch.batch.at(-1)?.line ? batch.payload : undefined);
      }
    })
    .immediate();
  for (const emit of pending) emit();
  for (const id of statusChanged) {
    const summary = store.runs.summary(id);
    if (summary) events.emit('run:status', summary);
  }
}

function applyLine(
  context: SupervisorContext,
  remote: RemoteRunRecord,
  line: JournalLine,
  payload: Payload | undefined,
): void {
  const { runId } = remote;
  const { t } = line;
  switch (line.type) {
    case 'segment':
      applySegment(context, runId, line, t);
      return;
    case 'checkpoint':
      applyCheckpoint(context, runId, line, payload);
      return;
    case 'snapshot':
      if (payload?.kind === 'snapshot') applyRunMessage(context, runId, payload.message, t);
      else context.log(runId, 'warn', `Snapshot of step ${line.step} skipped: ${unreadable(payload)}`);
      return;
    case 'done':
      if (line.requeue) {
        // A stop the user asked for meanwhile still stands: the poller ends the run when Slurm does.
        if (RESUMING.includes(context.store.runs.summary(runId)?.status ?? 'stopping')) {
          context.store.runs.setStatus(runId, { status: 'queued' });
          context.emitStatus(runId);
        }
        context.log(
          runId,
          'warn',
          'The job was stopped by a signal (preemption or its time limit); Slurm requeues it and it resumes from its checkpoint',
        );
        return;
      }
      applyRunMessage(context, runId, { type: 'done', outcome: line.outcome, results: line.results }, t);
      return;
    case 'started':
    case 'progress':
    case 'metrics':
    case 'log':
    case 'failed':
      applyRunMessage(context, runId, line, t);
      return;
    default:
      // Evaluation and cost messages have no place in a training run's journal.
      return;
  }
}

/**
 * A worker process began (a job started, or Slurm started it again): the run is running, and
 * metrics past the step it resumed from go, since it trains those steps again (none at all
 * after a fresh start), so the series has no duplicated or missing step.
 */
function applySegment(context: SupervisorContext, runId: number, segment: SegmentEntry, at: number): void {
  const { store } = context;
  store.runs.rewindTo(runId, segment.resumeStep ?? -1);
  const summary = store.runs.summary(runId);
  // A stop asked for while the job started still stands, and a run already ended stays ended.
  if (summary && RESUMING.includes(summary.status))
    store.runs.setStatus(runId, {
      status: 'running',
      ...(summary.startedAt === null ? { startedAt: at } : {}),
    });
  context.emitStatus(runId);
  const who = segment.jobId === null ? 'A worker started by hand' : `Slurm job ${segment.jobId}`;
  const resumed =
    segment.resumeStep === null ? '' : `; resuming from the checkpoint of step ${segment.resumeStep}`;
  context.log(
    runId,
    'info',
    `${who} started on node ${segment.node} (restart ${segment.restart}, pid ${segment.pid})${resumed}`,
  );
}

/** A checkpoint the worker wrote: stored with its verified bytes once; a file that fails verification is skipped. */
function applyCheckpoint(
  context: SupervisorContext,
  runId: number,
  entry: CheckpointEntry,
  payload: Payload | undefined,
): void {
  // Another line of the same step (a stop right after a scheduled checkpoint) stored it already.
  if (payload?.kind === 'stored' || hasCheckpoint(context.store, runId, entry.step)) return;
  if (payload?.kind !== 'checkpoint') {
    context.log(runId, 'warn', `Checkpoint of step ${entry.step} skipped: ${unreadable(payload)}`);
    return;
  }
  storeCheckpoint(context, runId, {
    step: entry.step,
    epoch: entry.epoch,
    format: entry.format,
    data: payload.data,
    reason: entry.reason,
    ...(entry.knnTop1 === undefined ? {} : { knnTop1: entry.knnTop1 }),
  });
}

const unreadable = (payload: Payload | undefined): string =>
  payload?.kind === 'unreadable' ? payload.reason : 'its file was not read';
