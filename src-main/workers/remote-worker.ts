/**
 * The worker on a compute node (issue 15): `worker --run-dir DIR`, run by the Slurm job script.
 * It trains the run described by DIR/job.json with the same training job as a local worker, and
 * reports through DIR's journal instead of a channel to the desktop: nothing needs a connection
 * back. Every process continues from the newest checkpoint of the journal that verifies, so a
 * requeued job, a resumed run and a rerun by hand all pick up where the last one left off.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { findResourcesDir } from '../paths';
import { JOB_FILE, parseRemoteJob, STOP_FILE, type RemoteJob, type SegmentEntry } from './journal/format';
import { latestResumable, readWholeJournal } from './journal/journal-reader';
import { JournalPort } from './journal/journal-writer';
import type { ParentPort } from './parent-port';
import { runTrainJob } from './train-job';

/** Exit codes the job script acts on (sysexits' EX_TEMPFAIL: "try again": the script requeues). */
export const REMOTE_EXIT = { ok: 0, failed: 1, requeue: 75 } as const;

const STOP_FILE_CHECK_MS = 1000;

/** Signals that stop the run after its current step, with a stop checkpoint. */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGUSR1'] as const;

export interface RemoteWorkerOptions {
  /** Where the worker says what it does (the job's slurm-%j.out); nothing when absent. */
  output?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
  /** Where this installation's code is (its resources folder is found above it); default: this file's folder. */
  installDir?: string;
}

/**
 * The resources folder (embedded dataset, downloaded ones) this worker reads: DECORBENCH_RESOURCES,
 * else its own installation's (what the nodes run: job.json's is the desktop's, which a packaged
 * app or another install given by --cli-path may not have on the nodes), else job.json's.
 */
export function remoteResourcesDir(
  job: RemoteJob,
  env: NodeJS.ProcessEnv,
  installDir: string,
): { dir: string; why: string } {
  if (env.DECORBENCH_RESOURCES) return { dir: env.DECORBENCH_RESOURCES, why: 'from DECORBENCH_RESOURCES' };
  try {
    return { dir: findResourcesDir(installDir), why: 'of this installation' };
  } catch {
    return { dir: job.resourcesDir, why: `from ${JOB_FILE} (none found above ${installDir})` };
  }
}

/** The Slurm job this process belongs to: `12`, or `12_3` for task 3 of job array 12. */
function slurmJobId(env: NodeJS.ProcessEnv): string | null {
  if (env.SLURM_ARRAY_JOB_ID && env.SLURM_ARRAY_TASK_ID)
    return `${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}`;
  return env.SLURM_JOB_ID ?? null;
}

function readJob(runDir: string): RemoteJob {
  const path = join(runDir, JOB_FILE);
  if (!existsSync(path)) throw new Error(`${path} is missing: is ${runDir} a Decorbench run folder?`);
  return parseRemoteJob(readFileSync(path, 'utf8'));
}

/** Trains the run of `runDir` on this machine; resolves to the process's exit code (REMOTE_EXIT). */
export async function runRemoteWorker(runDir: string, options: RemoteWorkerOptions = {}): Promise<number> {
  const say = (text: string) => options.output?.write(`${text}\n`);
  const env = options.env ?? process.env;
  let job: RemoteJob;
  try {
    job = readJob(runDir);
  } catch (error) {
    const message = (error as Error).message;
    say(message);
    // The host learns why from the journal, when there is a folder to hold one.
    if (existsSync(runDir)) {
      const port = new JournalPort(runDir);
      port.append({ type: 'failed', message });
      port.close();
    }
    return REMOTE_EXIT.failed;
  }
  if (readWholeJournal(runDir).some((line) => line.type === 'done' && line.outcome === 'completed')) {
    say(`Run ${job.runId} (${job.name}) has completed already: nothing to do`);
    return REMOTE_EXIT.ok;
  }

  const { keepLast, keepBest } = job.config.checkpoint;
  const journal = new JournalPort(runDir, { keepLast, keepBest });
  let stopSignal: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopSignal) say(`${signal}: stopping after this step, with a checkpoint`);
    stopSignal ??= signal;
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  // The host writes stop-requested before it signals the job; reading it too (at most once a
  // second) stops the run for the user even when Slurm's signal never reaches this process.
  const stopPath = join(runDir, STOP_FILE);
  let stopFileSeen = false;
  let lastStopCheckMs = 0;
  const shouldStop = () => {
    if (stopSignal !== undefined || stopFileSeen) return true;
    const now = Date.now();
    if (now - lastStopCheckMs >= STOP_FILE_CHECK_MS) {
      lastStopCheckMs = now;
      stopFileSeen = existsSync(stopPath);
      if (stopFileSeen) say(`${STOP_FILE} found: stopping after this step, with a checkpoint`);
    }
    return stopFileSeen;
  };
  // Stopped by a signal that the user did not ask for (time limit, preemption): with requeue on,
  // the done line says so and the script requeues the job, which resumes from the stop checkpoint;
  // with requeue off the run did not finish and the user did not stop it: it fails, resumable.
  const stoppedBySlurm = () => stopSignal !== undefined && !stopFileSeen && !existsSync(stopPath);
  let requeue = false;
  let failed = false;
  /** The newest checkpoint on disk: the one resumed from, then each one the journal saved. */
  let checkpointStep: number | null = null;
  journal.onMessage((message) => {
    if (message.type === 'checkpoint-saved') checkpointStep = message.step;
  });
  const port: ParentPort = {
    onMessage: (listener) => journal.onMessage(listener),
    send: async (message) => {
      if (message.type === 'log') say(`[${message.level}] ${message.message}`);
      if (message.type === 'done' && message.outcome === 'stopped' && stoppedBySlurm()) {
        if (job.requeue) {
          requeue = true;
          journal.append({ ...message, requeue: true });
          return;
        }
        const resume =
          checkpointStep === null
            ? 'it has no checkpoint: resume starts it again from the beginning'
            : `resume continues from the checkpoint of step ${checkpointStep}`;
        message = {
          type: 'failed',
          message: `Stopped by Slurm (${stopSignal}) before it finished, with requeue off; ${resume}`,
        };
      }
      if (message.type === 'failed') {
        failed = true;
        say(`Failed: ${message.message}`);
      }
      return journal.send(message);
    },
  };
  try {
    const resume = latestResumable(runDir);
    checkpointStep = resume?.step ?? null;
    const segment: SegmentEntry = {
      type: 'segment',
      jobId: slurmJobId(env),
      restart: Number(env.SLURM_RESTART_COUNT ?? 0) || 0,
      node: hostname(),
      pid: process.pid,
      resumeStep: resume?.step ?? null,
    };
    journal.append(segment);
    const resources = remoteResourcesDir(job, env, options.installDir ?? import.meta.dirname);
    say(`Resources folder ${resources.why}: ${resources.dir}`);
    say(
      `Run ${job.runId} (${job.name}) on ${segment.node}, job ${segment.jobId ?? '(none)'}, ` +
        (resume ? `resuming from step ${resume.step}` : 'from the start'),
    );
    await runTrainJob(
      {
        type: 'start',
        runId: job.runId,
        config: job.config,
        resourcesDir: resources.dir,
        ...(resume
          ? { resume: { step: resume.step, checkpoint: resume.data, trainingMs: resume.trainingMs } }
          : {}),
      },
      port,
      shouldStop,
    );
    if (requeue) say('Stopped by a signal without a stop request: exit 75, the job is requeued');
    if (failed) return REMOTE_EXIT.failed;
    return requeue ? REMOTE_EXIT.requeue : REMOTE_EXIT.ok;
  } catch (error) {
    // runTrainJob reports its own failure; anything before it gets its line here.
    if (!failed) journal.append({ type: 'failed', message: (error as Error).message });
    return REMOTE_EXIT.failed;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    journal.close();
  }
}
