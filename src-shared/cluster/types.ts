/**
 * The vocabulary of cluster placement (issue 15): a run (or a study) is placed `local` or on a
 * named Slurm profile; a placed run is trained by a batch job on a compute node, which reports
 * through a journal in the run's folder on shared storage. Shared by the store, the services, the
 * CLI and the Settings, Cluster and Run pages.
 */
import type { RunStatus } from '../run-status';

/** A Slurm profile as the user edits it (parsed by `slurmProfileSchema`, profile-schema.ts). */
export interface SlurmProfileSettings {
  /** Unique, one word: what `--placement NAME` and the forms use, e.g. `a100`. */
  name: string;
  /** `--partition`; '' leaves it to the cluster's default partition. */
  partition: string;
  /** `--gres=gpu[:type]:N`; 0 asks for no GPU. */
  gpusPerJob: number;
  /** The GPU type in `--gres` (e.g. `a100`); '' for any. */
  gpuType: string;
  /** `--cpus-per-task`. */
  cpusPerTask: number;
  /** `--mem` in GB; 0 leaves it to the partition's default. */
  memoryGb: number;
  /** `--time` as Slurm writes it (`MM`, `HH:MM:SS`, `D-HH:MM:SS`); '' for the partition's limit. */
  timeLimit: string;
  /** `--account`; '' for the user's default. */
  account: string;
  /** More `sbatch` arguments, one per item, e.g. `--qos=high` (never a shell string: no quoting games). */
  extraArgs: string[];
  /** Shell lines run on the node before the worker (e.g. `module load nodejs/20`); '' for none. */
  setup: string;
  /** The command that starts Node on the nodes: `node`, or a path such as `/shared/node-20/bin/node`. */
  nodeCommand: string;
  /** Decorbench's built `cli.js` as the nodes see it; '' means this installation's (it must be on shared storage). */
  cliPath: string;
  /** The shared folder (the same path on this machine and the nodes) that holds each run's folder. */
  runFolder: string;
  /** A job ended by its time limit or by preemption requeues itself and resumes from its checkpoint. */
  requeue: boolean;
  /** After a stop request (SIGTERM to the job), how long the worker has to save its checkpoint before `scancel`. */
  stopGraceSeconds: number;
}

export interface ClusterProfile {
  id: number;
  kind: 'slurm';
  settings: SlurmProfileSettings;
  createdAt: number;
  updatedAt: number;
  /** Runs placed on it (any status), and those with a job in Slurm's queue now. */
  runCount: number;
  activeJobCount: number;
}

/** Where a run trains. Absent or null on a RunSummary: locally, on this machine. */
export interface RunPlacement {
  kind: 'slurm';
  /** Null once the profile is removed (the run keeps the settings it was placed with). */
  profileId: number | null;
  profileName: string;
  /** The run's folder on shared storage: job.json, journal.ndjson, checkpoints/. */
  runDir: string;
  /** The newest job of the run (`123`, or `120_3` for a task of a job array); null before submission. */
  jobId: string | null;
  /** Slurm's state of that job as last seen (PENDING, RUNNING, COMPLETED, ...). */
  slurmState: string | null;
  /** The node it runs (or ran) on. */
  node: string | null;
  /** Slurm's reason (why pending) or message (why it failed), when it gave one. */
  reason: string | null;
  /** How many times Slurm requeued the job (SLURM_RESTART_COUNT). */
  restarts: number;
}

/** One job Decorbench submitted: a row of the Cluster view. */
export interface ClusterJob {
  id: number;
  runId: number;
  runName: string;
  runStatus: RunStatus;
  profileName: string;
  jobId: string;
  /** The array's job id when this is one task of a study's job array. */
  arrayJobId: string | null;
  state: string;
  node: string | null;
  reason: string | null;
  /** Slurm's exit code `code:signal`, once it ended. */
  exitCode: string | null;
  restarts: number;
  submittedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  /** When Decorbench last asked Slurm about it. */
  polledAt: number | null;
}

/** What `cluster:check` found for a profile: each check with its outcome. */
export interface ClusterCheck {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}

/**
 * Slurm's job states (squeue/scontrol `JobState`, without the `+` flags) and what each means for
 * a run. `active`: the job may still run the worker. The run's final status comes from its journal
 * (`done` or `failed`) when the worker wrote one; these say what happened when it could not.
 */
export const SLURM_STATES = {
  PENDING: { active: true, run: 'queued' },
  CONFIGURING: { active: true, run: 'running' },
  RUNNING: { active: true, run: 'running' },
  COMPLETING: { active: true, run: 'running' },
  SUSPENDED: { active: true, run: 'running' },
  REQUEUED: { active: true, run: 'queued' },
  REQUEUE_FED: { active: true, run: 'queued' },
  REQUEUE_HOLD: { active: true, run: 'queued' },
  RESIZING: { active: true, run: 'running' },
  SIGNALING: { active: true, run: 'running' },
  STAGE_OUT: { active: true, run: 'running' },
  COMPLETED: { active: false, run: 'completed' },
  CANCELLED: { active: false, run: 'stopped' },
  FAILED: { active: false, run: 'failed' },
  TIMEOUT: { active: false, run: 'failed' },
  NODE_FAIL: { active: false, run: 'failed' },
  PREEMPTED: { active: false, run: 'failed' },
  OUT_OF_MEMORY: { active: false, run: 'failed' },
  BOOT_FAIL: { active: false, run: 'failed' },
  DEADLINE: { active: false, run: 'failed' },
  SPECIAL_EXIT: { active: false, run: 'failed' },
  REVOKED: { active: false, run: 'failed' },
  STOPPED: { active: true, run: 'running' },
} as const satisfies Record<string, { active: boolean; run: RunStatus }>;

export type SlurmState = keyof typeof SLURM_STATES;

/** The state word of `JobState=CANCELLED+` or `CANCELLED by 0`; undefined for one Slurm does not define. */
export function parseSlurmState(text: string): SlurmState | undefined {
  const word = text.trim().split(/[\s+]/u)[0]?.toUpperCase() ?? '';
  return word in SLURM_STATES ? (word as SlurmState) : undefined;
}

/** Whether a job in this state may still run (or will run) the worker. Unknown states count as active. */
export function isActiveSlurmState(state: string): boolean {
  const known = parseSlurmState(state);
  return known === undefined ? true : SLURM_STATES[known].active;
}
