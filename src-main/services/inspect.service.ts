import type { CallHandlers, ParsedCallInput } from '@shared/api/contract';
import { AppFailure } from '@shared/errors';
import type { SnapshotSummary } from '@shared/inspect';
import type { RunStore } from '../storage/store';
import type { EventBus } from './event-bus';
import { CaptureJobs } from './inspect/capture-jobs';
import { InspectComputeClient, type ComputeOptions } from './inspect/compute-client';
import { MemoryCache } from './inspect/memory-cache';
import { InspectMetricDerivation } from './inspect/metric-derivation';
import {
  checkMatrixRequest,
  matrixKey,
  matrixSlot,
  pairKey,
  spectrumKey,
  summaryKey,
} from './inspect/view-keys';
import type { Supervisor } from './supervisor';
import type { InspectAnswers, InspectRequest } from '../workers/inspect-protocol';

/** The decorrelation inspector's calls (issue 12). */
export type InspectCalls = Pick<
  CallHandlers,
  | 'inspect:snapshots'
  | 'inspect:matrix'
  | 'inspect:summary'
  | 'inspect:pair'
  | 'inspect:spectrum'
  | 'inspect:capture'
  | 'inspect:jobs'
>;

export interface InspectServiceOptions {
  store: RunStore;
  events: EventBus;
  supervisor: Supervisor;
  /** The built compute thread (out/main/inspect-worker.js); views fail with a clear message without it. */
  workerEntry: string | undefined;
  /** better-sqlite3 addon for the thread when the host is not plain Node (Electron). */
  nativeBinding?: string;
  /** Catch up the metrics of older and imported snapshots shortly after start (long-lived hosts). */
  catchUpAfterMs?: number;
  /** Budget of answers kept in memory (bytes of their JSON). */
  memoryCacheBytes?: number;
  /**
   * How long closing waits for the metrics of snapshots stored meanwhile: a CLI command's only
   * chance to write them; the app and serve mode catch up at their next start instead.
   */
  settleOnCloseMs?: number;
}

export interface InspectService {
  handlers: InspectCalls;
  /** Waits a little for metrics of snapshots stored meanwhile, then ends the compute thread. */
  close(): Promise<void>;
}

const sizeOfAnswer = (answer: unknown): number => {
  const text = answer as { values?: string; contributions?: string; r?: string };
  return 2048 + 2 * (text.values?.length ?? text.contributions?.length ?? text.r?.length ?? 0);
};

/**
 * The inspector's calls. Every derivation runs in one compute thread that reads the snapshots
 * from the database itself; answers are kept in a small in-memory cache (and whole-matrix
 * overviews, summaries and spectra in the database, by the thread), so repeating a view costs
 * a lookup. Long derivations push `inspect:progress`.
 */
export function createInspectService(options: InspectServiceOptions): InspectService {
  const { store, events, supervisor } = options;
  const client = new InspectComputeClient(options.workerEntry, {
    databasePath: store.path,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  const memory = new MemoryCache<unknown>(options.memoryCacheBytes ?? 64 * 2 ** 20, sizeOfAnswer);
  const metrics = new InspectMetricDerivation(
    store,
    events,
    client,
    () => supervisor.activeRunIds.length > 0,
  );
  const captures = new CaptureJobs(
    store,
    events,
    (runId) => supervisor.isBusy(runId),
    (runId, checkpointId, listener) => void supervisor.startCapture(runId, checkpointId, listener),
  );

  const unsubscribe = events.subscribe((channel, payload) => {
    if (channel === 'run:snapshot') metrics.onSnapshot(payload as SnapshotSummary);
  });
  let catchUpTimer: NodeJS.Timeout | undefined;
  if (options.catchUpAfterMs !== undefined) {
    catchUpTimer = setTimeout(() => void metrics.catchUpAll().catch(() => undefined), options.catchUpAfterMs);
    catchUpTimer.unref();
  }

  const snapshot = (id: number): SnapshotSummary => {
    const summary = store.snapshots.summary(id);
    if (!summary) throw new AppFailure('not-found', `Snapshot ${id} does not exist`);
    return summary;
  };

  /** A cached answer, or the thread's, remembered; `cached` is true when no computation ran. */
  async function answer<K extends InspectRequest['kind']>(
    key: string,
    request: Extract<InspectRequest, { kind: K }>,
    computeOptions: ComputeOptions = {},
  ): Promise<InspectAnswers[K]> {
    const memoryKey = `${request.snapshotId}/${key}`;
    const kept = memory.get(memoryKey) as InspectAnswers[K] | undefined;
    if (kept) return { ...kept, computeMs: 0, ...('cached' in kept ? { cached: true } : {}) };
    const computed = await client.compute(key, request, computeOptions);
    memory.set(memoryKey, computed);
    return computed;
  }

  const progressTo = (snapshotId: number, key: string) => (done: number, total: number) =>
    events.emit('inspect:progress', { snapshotId, key, done, total });

  const lossNameOf = (summary: SnapshotSummary): string => store.runs.config(summary.runId)?.loss.name ?? '';

  const handlers: InspectCalls = {
    'inspect:snapshots': ({ runId }) => {
      if (!store.runs.summary(runId)) throw new AppFailure('not-found', `Run ${runId} does not exist`);
      const list = store.snapshots.list(runId);
      // Snapshots imported or stored before the inspector derived metrics get them now.
      if (list.length > 0) void metrics.catchUp(runId);
      return list;
    },
    'inspect:matrix': (input: ParsedCallInput<'inspect:matrix'>) => {
      const summary = snapshot(input.snapshotId);
      const minus =
        input.minusSnapshotId === undefined ? undefined : store.snapshots.summary(input.minusSnapshotId);
      const region = checkMatrixRequest(input, summary, minus);
      const key = matrixKey(input, region);
      return answer(
        key,
        { kind: 'matrix', ...input, region },
        {
          ...matrixSlot(input, region, summary),
          onProgress: progressTo(input.snapshotId, key),
        },
      );
    },
    'inspect:summary': ({ snapshotId, view }) => {
      const summary = snapshot(snapshotId);
      const key = summaryKey(lossNameOf(summary), view);
      return answer(key, { kind: 'summary', snapshotId, view }, { onProgress: progressTo(snapshotId, key) });
    },
    'inspect:pair': ({ snapshotId, g, h, view }) => {
      const summary = snapshot(snapshotId);
      return answer(pairKey(lossNameOf(summary), view, g, h), { kind: 'pair', snapshotId, g, h, view });
    },
    'inspect:spectrum': ({ snapshotId }) => {
      snapshot(snapshotId);
      const key = spectrumKey();
      return answer(key, { kind: 'spectrum', snapshotId }, { onProgress: progressTo(snapshotId, key) });
    },
    'inspect:capture': ({ runId, checkpointStep }) => captures.start(runId, checkpointStep),
    'inspect:jobs': ({ runId }) => {
      if (!store.runs.summary(runId)) throw new AppFailure('not-found', `Run ${runId} does not exist`);
      return captures.list(runId);
    },
  };

  return {
    handlers,
    close: async () => {
      clearTimeout(catchUpTimer);
      unsubscribe();
      metrics.stop();
      await metrics.settle(options.settleOnCloseMs ?? 30_000);
      await client.close();
    },
  };
}
