import type { RunStore } from '../storage/store';
import type { SpawnWorker } from '../workers/spawner';
import type { RemotePlacement } from './cluster/remote-placement';
import type { EventBus } from './event-bus';

/** What a Supervisor is made with (supervisor.ts), and what its stop requests answer. */
export interface SupervisorOptions {
  store: RunStore;
  events: EventBus;
  spawn: SpawnWorker;
  resourcesDir: string;
  /** How many workers may run at once on this database, counting every host's; the rest wait. */
  maxConcurrentRuns?: number;
  /** After a stop request, how long a worker may take to finish its step before it is killed. */
  stopTimeoutMs?: number;
  /** How many log lines a crash report quotes. */
  crashLogLines?: number;
  /** This host as other hosts see it: `serve`, `electron` or `cli`. */
  hostKind?: string;
  /** `own`: start only what this host queued (a CLI command follows its own run). Default `any`. */
  claims?: 'any' | 'own';
  /** How often the host beats, takes stop requests, reclaims dead hosts' runs and starts queued ones. */
  heartbeatMs?: number;
  /** A host whose heartbeat is this much older than ours is considered gone, even if its pid lives. */
  staleAfterMs?: number;
  /** Whether another host's process id is alive (tests with several hosts in one process replace it). */
  isAlive?: (pid: number) => boolean;
  /** Runs placed on a cluster (issue 15) train in Slurm jobs: their starts and stops go there. */
  remote?: RemotePlacement;
}

/** What a stop request did. */
export type StopOutcome =
  /** It left the queue before starting. */
  | 'dequeued'
  /** This host's worker was asked to stop (then killed after the timeout). */
  | 'stopping'
  /** Another host trains it: its owner was asked through the lease. */
  | 'asked-owner'
  /** Nothing runs or waits for this run. */
  | 'idle';
