/**
 * The Slurm client: everything Decorbench asks of a cluster goes through these five calls, each
 * one of Slurm's own commands (`sbatch`, `scancel`, `squeue`/`scontrol`/`sacct`, `scontrol
 * requeue`, `sinfo`) run on this machine. No daemon, no REST API: a login node with the client
 * commands and a shared folder is all a placed run needs.
 */
import { runSlurmCommand, SlurmError } from './command';
import {
  JOB_ID,
  parseSacct,
  parseScontrolJobs,
  parseSinfo,
  parseSqueue,
  SACCT_FIELDS,
  SQUEUE_FORMAT,
  type SlurmJobInfo,
  type SlurmPartition,
} from './states';

export { SlurmError } from './command';
export type { SlurmJobInfo, SlurmPartition } from './states';
export { jobScript } from './job-script';

export interface SlurmClient {
  /** sbatch --parsable with the script on stdin; for an array the returned id is the array's ('12'; tasks are '12_0'..). */
  submit(script: string): Promise<{ jobId: string }>;
  /**
   * `scancel J`, or `scancel --signal=S --full J` (the batch shell and the worker both hear it), or
   * with `onlyPending` `scancel --state=PENDING J` (nothing happens to a job that started). A job
   * that ended already is no error.
   */
  cancel(
    jobId: string,
    options?: { signal?: 'TERM' | 'USR1' | 'KILL'; onlyPending?: boolean },
  ): Promise<void>;
  /**
   * squeue first, then scontrol show job for those squeue no longer lists, then sacct when
   * available; ids it cannot find are absent. Keyed by Slurm's id of each job or task: asking for
   * an array's id ('12') answers for each of its tasks ('12_0', '12_1').
   */
  states(jobIds: string[]): Promise<Map<string, SlurmJobInfo>>;
  /**
   * `squeue -h -t all --name=NAME -o %F`: the ids of the jobs (an array's own id for its tasks)
   * Slurm still lists under that name. Finds the job of an sbatch that timed out but was taken.
   */
  findByName(name: string): Promise<string[]>;
  /** `scontrol requeue J` (a pending job is requeued already), then `scontrol update JobId=J StartTime=now`. */
  requeue(jobId: string): Promise<void>;
  partitions(): Promise<SlurmPartition[]>;
}

export interface SlurmClientOptions {
  /** The environment of every command (SLURM_CONF among it); process.env at the time of each call by default. */
  env?: NodeJS.ProcessEnv;
  /** How long a command may take before it counts as not answering (default 30 s). */
  timeoutMs?: number;
}

/** squeue and scontrol take the ids as one comma list; a few hundred per call keeps it short. */
const CHUNK = 200;

function checkId(jobId: string): string {
  if (!JOB_ID.test(jobId)) throw new SlurmError(`Not a Slurm job id: "${jobId}"`, 'decorbench', null, '');
  return jobId;
}

/** Whether a job (or a task of an array) in `jobs` answers the asked id. */
const answers = (jobs: Iterable<SlurmJobInfo>, id: string) => {
  for (const job of jobs) if (job.jobId === id || job.arrayJobId === id) return true;
  return false;
};

const chunks = <T>(items: T[]) =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/** Slurm's answer when none of the ids asked for is known to the controller any more. */
const UNKNOWN_IDS = /Invalid job id specified/iu;

export function createSlurmClient(options: SlurmClientOptions = {}): SlurmClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const run = (command: string, args: string[], input?: string) =>
    runSlurmCommand(command, args, {
      env: options.env ?? process.env,
      timeoutMs,
      ...(input === undefined ? {} : { input }),
    });
  // Learned once: a cluster without accounting storage answers every sacct with an error.
  let sacctWorks: boolean | undefined;

  /** Runs a query whose only failure we forgive is "none of these ids exist". */
  async function query(command: string, args: string[]): Promise<string> {
    try {
      return (await run(command, args)).stdout;
    } catch (error) {
      if (error instanceof SlurmError && UNKNOWN_IDS.test(error.message)) return '';
      throw error;
    }
  }

  async function squeue(ids: string[]): Promise<SlurmJobInfo[]> {
    const found: SlurmJobInfo[] = [];
    for (const chunk of chunks(ids)) {
      // -t all: ended jobs too, for as long as the controller keeps them (MinJobAge).
      const stdout = await query('squeue', [
        '-h',
        '-r',
        '-t',
        'all',
        '-j',
        chunk.join(','),
        '-O',
        SQUEUE_FORMAT,
      ]);
      found.push(...parseSqueue(stdout));
    }
    return found;
  }

  async function scontrol(ids: string[]): Promise<SlurmJobInfo[]> {
    const found: SlurmJobInfo[] = [];
    // scontrol show job takes one id per call.
    for (const id of ids)
      found.push(...parseScontrolJobs(await query('scontrol', ['show', 'job', '-o', id])));
    return found;
  }

  async function sacct(ids: string[]): Promise<SlurmJobInfo[]> {
    if (sacctWorks === false) return [];
    const found: SlurmJobInfo[] = [];
    try {
      for (const chunk of chunks(ids)) {
        const args = ['-n', '-X', '-P', '-j', chunk.join(','), '-o', SACCT_FIELDS.join(',')];
        found.push(...parseSacct((await run('sacct', args)).stdout));
      }
      sacctWorks = true;
    } catch (error) {
      // Without accounting (or without sacct) the earlier answers stand, and sacct is not asked
      // again; another failure (slurmdbd busy) only skips this round.
      if (!(error instanceof SlurmError)) throw error;
      if (/accounting storage is disabled|was not found on PATH/iu.test(error.message)) sacctWorks = false;
    }
    return found;
  }

  return {
    async submit(script) {
      const { stdout } = await run('sbatch', ['--parsable'], script);
      // --parsable prints `id` or `id;cluster`.
      const jobId = stdout.trim().split('\n').pop()?.split(';')[0]?.trim() ?? '';
      if (!/^\d+$/u.test(jobId))
        throw new SlurmError(
          `sbatch answered without a job id: ${stdout.trim() || '(nothing)'}`,
          'sbatch',
          0,
          '',
        );
      return { jobId };
    },

    async cancel(jobId, cancelOptions = {}) {
      checkId(jobId);
      const args = cancelOptions.signal
        ? [`--signal=${cancelOptions.signal}`, '--full', jobId]
        : cancelOptions.onlyPending
          ? ['--state=PENDING', jobId]
          : [jobId];
      try {
        await run('scancel', args);
      } catch (error) {
        // Nothing left to signal: the job ended (and may be forgotten already).
        if (
          error instanceof SlurmError &&
          /Invalid job id|already completing or completed/iu.test(error.message)
        )
          return;
        throw error;
      }
    },

    async states(jobIds) {
      const ids = [...new Set(jobIds)].filter((id) => JOB_ID.test(id));
      const found = new Map<string, SlurmJobInfo>();
      const add = (jobs: SlurmJobInfo[]) => {
        for (const job of jobs) if (!found.has(job.jobId)) found.set(job.jobId, job);
      };
      if (ids.length === 0) return found;
      add(await squeue(ids));
      let missing = ids.filter((id) => !answers(found.values(), id));
      if (missing.length > 0) add(await scontrol(missing));
      missing = missing.filter((id) => !answers(found.values(), id));
      if (missing.length > 0) add(await sacct(missing));
      return found;
    },

    async findByName(name) {
      const stdout = (await run('squeue', ['-h', '-t', 'all', `--name=${name}`, '-o', '%F'])).stdout;
      const ids = stdout
        .split('\n')
        .map((line) => line.trim())
        .filter((id) => JOB_ID.test(id));
      return [...new Set(ids)];
    },

    async requeue(jobId) {
      checkId(jobId);
      try {
        await run('scontrol', ['requeue', jobId]);
      } catch (error) {
        // Requeued already (by its own job script, or by Slurm): it only needs its start time.
        if (!(error instanceof SlurmError && /pending execution/iu.test(error.message))) throw error;
      }
      // A requeued job waits for its credentials to expire (120 s by default) unless told to start now.
      await run('scontrol', ['update', `JobId=${jobId}`, 'StartTime=now']);
    },

    async partitions() {
      return parseSinfo((await run('sinfo', ['-h', '-o', '%P|%a|%G'])).stdout);
    },
  };
}
