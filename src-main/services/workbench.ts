import type { CallHandlers, SystemInfo } from '@shared/api/contract';
import { RunStore } from '../storage/store';
import type { SpawnWorker } from '../workers/spawner';
import { createCompareHandlers } from './compare.service';
import { createDispatcher, type Dispatch } from './dispatch';
import { EventBus } from './event-bus';
import { createEvaluationHandlers } from './evaluations.service';
import { createInspectService } from './inspect.service';
import { createCostService } from './cost/cost.service';
import { createSlurmClient, type SlurmClient } from '../cluster/slurm';
import { ClusterRuns } from './cluster/cluster-runs';
import { ClusterPoller } from './cluster/poller';
import { checkProfile } from './cluster/check';
import { createProfileHandlers } from './cluster/profiles';
import { createRunHandlers } from './runs.service';
import { createStudyService } from './studies/studies.service';
import { isProcessAlive, Supervisor } from './supervisor';
import { cachedWebGpuProbe, systemInfo } from './system.service';

export interface WorkbenchOptions {
  databasePath: string;
  spawn: SpawnWorker;
  resourcesDir: string;
  host: SystemInfo['host'];
  appVersion?: string;
  maxConcurrentRuns?: number;
  stopTimeoutMs?: number;
  /** How often the host beats and looks at the shared queue (ms). */
  heartbeatMs?: number;
  /** Whether another host's pid is alive; tests that open several hosts in one process replace it. */
  isHostAlive?: (pid: number) => boolean;
  /** better-sqlite3 addon for a non-Node ABI (Electron). */
  sqliteBinding?: string;
  /** The built inspector compute thread (inspect-worker.js beside train-worker.js). */
  inspectWorkerEntry?: string;
  /** The built command line (cli.js beside them): system:info probes WebGPU with its `gpu-probe`; the nodes of a profile without a cliPath run its `worker`. */
  cliEntry?: string;
  /** How often runs placed on a cluster are polled (their journals, Slurm's job states), in ms. */
  clusterPollMs?: number;
  /** Slurm's commands (tests give one with their own environment); by default they run with this process's. */
  slurm?: SlurmClient;
}

/** Everything a host (Electron, serve mode, CLI) needs, with no transport in it. */
export interface Workbench {
  store: RunStore;
  events: EventBus;
  supervisor: Supervisor;
  handlers: CallHandlers;
  dispatch: Dispatch;
  /** Runs whose host died while they ran, found and marked `interrupted` at start. */
  interruptedAtStart: number[];
  /**
   * Stops this host's workers (each saves a checkpoint; killed after the stop timeout), leaves
   * shared queued runs queued, and closes the store. `notify` hears how each run ended.
   */
  close(options?: { notify?: (line: string) => void }): Promise<void>;
}

/** The composition root of the services: opens the store, repairs it, and wires the handlers. */
export function createWorkbench(options: WorkbenchOptions): Workbench {
  const store = RunStore.open(options.databasePath, { nativeBinding: options.sqliteBinding });
  const events = new EventBus();
  const slurm = options.slurm ?? createSlurmClient();
  // Runs placed on a cluster profile (issue 15) train in Slurm jobs; the supervisor hands them over.
  const clusterRuns = new ClusterRuns({
    store,
    events,
    slurm,
    resourcesDir: options.resourcesDir,
    ...(options.cliEntry ? { cliEntry: options.cliEntry } : {}),
  });
  let supervisor: Supervisor;
  try {
    // Registers this host and takes back what dead hosts held (their runs become `interrupted`).
    supervisor = new Supervisor({
      store,
      events,
      spawn: options.spawn,
      resourcesDir: options.resourcesDir,
      maxConcurrentRuns: options.maxConcurrentRuns,
      stopTimeoutMs: options.stopTimeoutMs,
      hostKind: options.host,
      // A CLI command follows its own run: it must not start runs queued in the app.
      claims: options.host === 'cli' ? 'own' : 'any',
      ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
      ...(options.isHostAlive ? { isAlive: options.isHostAlive } : {}),
      remote: clusterRuns,
    });
  } catch (error) {
    store.close();
    throw error;
  }
  // Queued runs whose queue entry is lost (none since leases) go back to `created`.
  const { interrupted } = store.runs.recoverAfterRestart(isProcessAlive);
  // Jobs keep running while no host is open: the first poll catches up from their journals.
  const poller = new ClusterPoller({
    store,
    events,
    slurm,
    pollMs: options.clusterPollMs,
    isSubmitting: (runId) => clusterRuns.isSubmitting(runId),
  });
  poller.start();
  const inspect = createInspectService({
    store,
    events,
    supervisor,
    workerEntry: options.inspectWorkerEntry,
    ...(options.sqliteBinding ? { nativeBinding: options.sqliteBinding } : {}),
    // The app and serve mode catch up inspector metrics of older or imported snapshots (and of
    // those a quick quit left); a CLI command does not linger, but writes its own runs' before it exits.
    ...(options.host === 'cli'
      ? { settleOnCloseMs: 30_000 }
      : { catchUpAfterMs: 5000, settleOnCloseMs: 2000 }),
  });
  const webgpu = cachedWebGpuProbe(options.cliEntry);
  const studies = createStudyService({
    store,
    supervisor,
    events,
    maxConcurrentRuns: supervisor.concurrency,
  });
  const cost = createCostService({
    store,
    events,
    spawn: options.spawn,
    appVersion: options.appVersion ?? '0.0.0',
  });
  const handlers: CallHandlers = {
    ...createRunHandlers(store, supervisor, events),
    ...createEvaluationHandlers(store, supervisor, events),
    ...createCompareHandlers(store, events),
    ...inspect.handlers,
    ...studies.handlers,
    ...cost.handlers,
    ...createProfileHandlers(store, events),
    'cluster:check': ({ settings }) =>
      checkProfile(settings, slurm, options.cliEntry ? { cliEntry: options.cliEntry } : {}),
    'system:info': () =>
      systemInfo({
        host: options.host,
        appVersion: options.appVersion ?? '0.0.0',
        databasePath: options.databasePath,
        maxConcurrentRuns: supervisor.concurrency,
        webgpu,
      }),
  };
  return {
    store,
    events,
    supervisor,
    handlers,
    dispatch: createDispatcher(handlers),
    interruptedAtStart: [...supervisor.interruptedAtStart, ...interrupted],
    close: async (closeOptions = {}) => {
      studies.close();
      await cost.close();
      await supervisor.shutdown(closeOptions);
      // Placed runs' jobs go on without this host (the next one catches up); submissions under way finish.
      await clusterRuns.close();
      await poller.stop();
      await inspect.close();
      store.close();
    },
  };
}
