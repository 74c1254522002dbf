/**
 * Reading what Slurm says about jobs: `squeue -O` lines, `scontrol show job -o` records and
 * `sacct -P` lines, each turned into a SlurmJobInfo. Pure functions over text, so the formats
 * are tested without a cluster.
 */
import { isActiveSlurmState, type ClusterJob } from '@shared/cluster/types';

/**
 * One job (or one task of a job array) as Slurm last described it: the fields of a Cluster view
 * row that Slurm knows. jobId is `123`, or `120_3` for a task of array `120`; state is the word
 * without `+` or `by 0`; reason is why it is pending or ended (None becomes null); exitCode is
 * `code:signal`, null while it runs; restarts is SLURM_RESTART_COUNT of the current start.
 */
export type SlurmJobInfo = Pick<
  ClusterJob,
  'jobId' | 'arrayJobId' | 'state' | 'node' | 'reason' | 'exitCode' | 'restarts' | 'startedAt' | 'endedAt'
>;

/** The `squeue -O` fields read, in order; `:|` ends each with `|` and never truncates it. */
export const SQUEUE_FIELDS = [
  'JobArrayID',
  'ArrayJobID',
  'ArrayTaskID',
  'State',
  'RestartCnt',
  'NodeList',
  'Reason',
  'StartTime',
  'EndTime',
  'exit_code',
] as const;
export const SQUEUE_FORMAT = SQUEUE_FIELDS.map((field) => `${field}:|`).join(',');

/** The `sacct --parsable2 --format` fields read, in order. */
export const SACCT_FIELDS = ['JobID', 'State', 'NodeList', 'Reason', 'ExitCode', 'Start', 'End'] as const;

/** A job id as the client passes it to Slurm: `123` or `120_3`; anything else is never sent. */
export const JOB_ID = /^\d+(?:_\d+)?$/u;

const NONE = new Set(['', 'N/A', 'n/a', 'None', 'NONE', 'Unknown', '(null)', 'null']);
const orNull = (text: string | undefined): string | null => {
  const value = text?.trim() ?? '';
  return NONE.has(value) ? null : value;
};

/** Slurm's `2026-12-02T20:14:28` (local time, no zone) as epoch ms; null for N/A, Unknown, None. */
export function parseSlurmTime(text: string | undefined): number | null {
  const value = text?.trim() ?? '';
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/u.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(year, month - 1, day, hour, minute, second).getTime();
}

/** `CANCELLED by 0`, `COMPLETED+`, `running` → `CANCELLED`, `COMPLETED`, `RUNNING`. */
export function stateWord(text: string): string {
  return (text.trim().split(/[\s+]/u)[0] ?? '').toUpperCase();
}

/** squeue's exit_code is the raw wait status (768 for exit 3, 9 for SIGKILL): as `code:signal`. */
export function waitStatusToExitCode(text: string | undefined): string | null {
  const value = orNull(text);
  if (value === null) return null;
  if (/^\d+:\d+$/u.test(value)) return value;
  if (!/^\d+$/u.test(value)) return null;
  const status = Number(value);
  return `${(status >> 8) & 0xff}:${status & 0x7f}`;
}

/**
 * Times Slurm gives before a job starts or ends are forecasts (the expected start of a pending
 * job, the time limit of a running one): only an ended job's times are facts.
 */
function settle(info: SlurmJobInfo): SlurmJobInfo {
  const active = isActiveSlurmState(info.state);
  const waiting = info.state === 'PENDING' || info.state.startsWith('REQUEUE');
  return {
    ...info,
    startedAt: waiting ? null : info.startedAt,
    endedAt: active ? null : info.endedAt,
    exitCode: active ? null : info.exitCode,
  };
}

function taskId(arrayJobId: string | null, task: string | null, jobId: string) {
  if (arrayJobId !== null && task !== null && /^\d+$/u.test(task))
    return { jobId: `${arrayJobId}_${task}`, arrayJobId };
  return { jobId, arrayJobId: null };
}

/** `squeue -h -r -t all -O SQUEUE_FORMAT` output. */
export function parseSqueue(stdout: string): SlurmJobInfo[] {
  const jobs: SlurmJobInfo[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const [id, arrayJob, task, state, restarts, node, reason, start, end, exit] = line.split('|');
    if (!id || !JOB_ID.test(id.trim()) || !state) continue;
    const ids = id.includes('_')
      ? taskId(id.split('_')[0]!, id.split('_')[1]!, id.trim())
      : taskId(orNull(arrayJob), orNull(task), id.trim());
    jobs.push(
      settle({
        ...ids,
        state: stateWord(state),
        node: orNull(node),
        reason: orNull(reason),
        exitCode: waitStatusToExitCode(exit),
        restarts: Number(restarts) || 0,
        startedAt: parseSlurmTime(start),
        endedAt: parseSlurmTime(end),
      }),
    );
  }
  return jobs;
}

/**
 * One `scontrol show job -o` line as its `Key=value` pairs. Values may hold spaces (a reason, a
 * path): a value runs until the next ` Key=`.
 */
export function scontrolFields(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  const keys = [...line.matchAll(/(?:^|\s)([A-Za-z][\w:/]*)=/gu)];
  keys.forEach((match, i) => {
    const start = (match.index ?? 0) + match[0].length;
    const next = keys[i + 1];
    const end = next ? (next.index ?? line.length) : line.length;
    if (!fields.has(match[1]!)) fields.set(match[1]!, line.slice(start, end).trim());
  });
  return fields;
}

/** `1-3,7`, `0-9%2` (a pending array's tasks not yet split): each task number. */
function expandTasks(text: string): string[] {
  const tasks: string[] = [];
  for (const part of text.split('%')[0]!.split(',')) {
    const range = /^(\d+)-(\d+)(?::(\d+))?$/u.exec(part);
    if (range) {
      const step = Number(range[3] ?? 1) || 1;
      for (let n = Number(range[1]); n <= Number(range[2]) && tasks.length < 100_000; n += step)
        tasks.push(String(n));
    } else if (/^\d+$/u.test(part)) tasks.push(part);
  }
  return tasks;
}

/** `scontrol show job -o ID...` output: one record per line (a pending array's record per task). */
export function parseScontrolJobs(stdout: string): SlurmJobInfo[] {
  const jobs: SlurmJobInfo[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('JobId=')) continue;
    const fields = scontrolFields(line);
    const jobId = fields.get('JobId') ?? '';
    if (!/^\d+$/u.test(jobId)) continue;
    const arrayJobId = orNull(fields.get('ArrayJobId'));
    const tasks = orNull(fields.get('ArrayTaskId'));
    const base = {
      state: stateWord(fields.get('JobState') ?? ''),
      node: orNull(fields.get('NodeList')),
      reason: orNull(fields.get('Reason')),
      exitCode: orNull(fields.get('ExitCode')),
      restarts: Number(fields.get('Restarts')) || 0,
      startedAt: parseSlurmTime(fields.get('StartTime')),
      endedAt: parseSlurmTime(fields.get('EndTime')),
    };
    const taskList = arrayJobId !== null && tasks !== null ? expandTasks(tasks) : [null];
    for (const task of taskList) jobs.push(settle({ ...base, ...taskId(arrayJobId, task, jobId) }));
  }
  return jobs;
}

/** `sacct -n -X -P -o SACCT_FIELDS` output; sacct knows no restart count. */
export function parseSacct(stdout: string): SlurmJobInfo[] {
  const jobs: SlurmJobInfo[] = [];
  for (const line of stdout.split('\n')) {
    const [id, state, node, reason, exit, start, end] = line.split('|');
    const jobId = id?.trim() ?? '';
    if (!JOB_ID.test(jobId) || !state) continue;
    const [arrayJob, task] = jobId.split('_');
    jobs.push(
      settle({
        jobId,
        arrayJobId: task === undefined ? null : arrayJob!,
        state: stateWord(state),
        node: orNull(node),
        reason: orNull(reason),
        exitCode: orNull(exit),
        restarts: 0,
        startedAt: parseSlurmTime(start),
        endedAt: parseSlurmTime(end),
      }),
    );
  }
  return jobs;
}

/** A partition as sinfo describes it (all its lines together). */
export interface SlurmPartition {
  name: string;
  /** State `up` on at least one line of sinfo. */
  available: boolean;
  /** The cluster's default partition (`*` in sinfo): where a job without `--partition` goes. */
  isDefault: boolean;
  /** Its nodes' generic resources (`gpu:a100:4`, `gpu:2(S:0-1)`); empty when none. */
  gres: string[];
}

/** `sinfo -h -o '%P|%a|%G'` output: partitions (the default one marked `*`), one line per group of nodes. */
export function parseSinfo(stdout: string): SlurmPartition[] {
  const partitions = new Map<string, SlurmPartition>();
  for (const line of stdout.split('\n')) {
    const [raw, avail, gres] = line.split('|');
    const name = raw?.trim().replace(/\*$/u, '') ?? '';
    if (!name) continue;
    const seen = partitions.get(name) ?? { name, available: false, isDefault: false, gres: [] };
    seen.available ||= avail?.trim() === 'up';
    seen.isDefault ||= raw!.trim().endsWith('*');
    // `gpu:a100:4(S:0-1),gpu:v100:2`: split on commas outside parentheses.
    for (const item of (orNull(gres) ?? '').split(/,(?![^(]*\))/u))
      if (item.trim() && !seen.gres.includes(item.trim())) seen.gres.push(item.trim());
    partitions.set(name, seen);
  }
  return [...partitions.values()];
}

/** Whether any of `gres` offers GPUs (of `type`, when given). */
export function offersGpus(gres: string[], type: string): boolean {
  return gres.some((item) => {
    const [kind, second] = item.replace(/\(.*\)$/u, '').split(':');
    if (kind !== 'gpu') return false;
    // `gpu:4` has no type; `gpu:a100:4` has one.
    return !type || (second !== undefined && !/^\d+$/u.test(second) && second === type);
  });
}
