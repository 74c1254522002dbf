/**
 * The batch script a placed run (or a study's job array) is submitted with. It runs the headless
 * worker (`cli.js worker --run-dir DIR`) on the compute node and stays the worker's parent: Slurm
 * signals the batch shell (`scancel --signal=TERM --full`, or `--signal=B:USR1@N` before the time
 * limit), the shell's trap passes TERM to the worker, the worker saves a checkpoint and exits, and
 * exit code 75 ("stopped by a signal, the user did not ask": preemption, time limit) requeues the
 * job so that it resumes from that checkpoint.
 */
import type { SlurmProfileSettings } from '@shared/cluster/types';

export interface JobScriptOptions {
  profile: SlurmProfileSettings;
  /** The job's name in squeue (`decorbench-run-12`). */
  name: string;
  /** One run folder per task: one for a single run, several for a study's job array. */
  runDirs: string[];
  /** Decorbench's cli.js as the nodes see it. */
  cliPath: string;
  /** Where `slurm-%j.out` (arrays: `slurm-%A_%a.out`) goes; also the job's working directory. */
  outputDir: string;
}

/** The exit code by which the worker asks to be requeued (EX_TEMPFAIL). */
export const REQUEUE_EXIT_CODE = 75;

/** Slurm's upper bound for `--signal`'s time (a 16-bit count of seconds). */
const MAX_SIGNAL_SECONDS = 65_535;

/** A word for bash: single-quoted, with each `'` written as `'\''`. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/gu, `'\\''`)}'`;
}

/**
 * An argument of an `#SBATCH` line as sbatch reads it: sbatch splits these lines on blanks,
 * strips quotes, honours backslashes and ends the line at an unquoted `#`. Plain words stay as
 * they are; anything else goes in double quotes with `"` and `\` escaped.
 */
export function sbatchQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/u.test(text) ? text : `"${text.replace(/(["\\])/gu, '\\$1')}"`;
}

/** Slurm's `--time` (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS) in seconds. */
export function timeLimitSeconds(limit: string): number | undefined {
  const text = limit.trim();
  let match = /^(\d+)-(\d+)(?::(\d+))?(?::(\d+))?$/u.exec(text);
  if (match) {
    const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
    return ((days! * 24 + hours!) * 60 + minutes!) * 60 + seconds!;
  }
  match = /^(\d+)(?::(\d+))?(?::(\d+))?$/u.exec(text);
  if (!match) return undefined;
  const parts = match
    .slice(1)
    .filter((part) => part !== undefined)
    .map(Number);
  if (parts.length === 1) return parts[0]! * 60;
  if (parts.length === 2) return parts[0]! * 60 + parts[1]!;
  return (parts[0]! * 60 + parts[1]!) * 60 + parts[2]!;
}

/**
 * How long before the time limit the batch shell hears USR1: the stop grace, but never more
 * than half the time limit (the job must get to train) nor more than Slurm accepts.
 */
export function signalLeadSeconds(profile: SlurmProfileSettings): number | undefined {
  const limit = timeLimitSeconds(profile.timeLimit);
  if (!profile.requeue || limit === undefined || limit <= 0) return undefined;
  return Math.max(1, Math.min(profile.stopGraceSeconds, Math.floor(limit / 2), MAX_SIGNAL_SECONDS));
}

function sbatchOptions(options: JobScriptOptions): string[] {
  const { profile, runDirs, outputDir } = options;
  const array = runDirs.length > 1;
  const out = `${outputDir.replace(/\/+$/u, '') || '/'}/${array ? 'slurm-%A_%a.out' : 'slurm-%j.out'}`;
  const args = [`--job-name=${options.name}`, `--output=${out}`, `--chdir=${outputDir}`];
  if (profile.partition) args.push(`--partition=${profile.partition}`);
  if (profile.gpusPerJob > 0)
    args.push(`--gres=gpu:${profile.gpuType ? `${profile.gpuType}:` : ''}${profile.gpusPerJob}`);
  args.push(`--cpus-per-task=${profile.cpusPerTask}`);
  if (profile.memoryGb > 0) args.push(`--mem=${profile.memoryGb}G`);
  if (profile.timeLimit) args.push(`--time=${profile.timeLimit}`);
  if (profile.account) args.push(`--account=${profile.account}`);
  args.push(profile.requeue ? '--requeue' : '--no-requeue');
  const lead = signalLeadSeconds(profile);
  if (lead !== undefined) args.push(`--signal=B:USR1@${lead}`);
  // A requeued job appends to its output instead of replacing what the first start wrote.
  args.push('--open-mode=append');
  if (array) args.push(`--array=0-${runDirs.length - 1}`);
  args.push(...profile.extraArgs);
  return args.map((arg) => `#SBATCH ${sbatchQuote(arg)}`);
}

function runDirLines(runDirs: string[]): string[] {
  if (runDirs.length === 1) return [`RUN_DIR=${shellQuote(runDirs[0]!)}`];
  return [`RUN_DIRS=(${runDirs.map(shellQuote).join(' ')})`, 'RUN_DIR="${RUN_DIRS[$SLURM_ARRAY_TASK_ID]}"'];
}

/** The batch script: #SBATCH lines from the profile, setup lines, the worker with & + wait, TERM/USR1 traps, requeue on exit 75. */
export function jobScript(options: JobScriptOptions): string {
  const { profile, runDirs, cliPath } = options;
  if (runDirs.length === 0) throw new Error('jobScript needs at least one run folder');
  const array = runDirs.length > 1;
  const self = array ? '"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"' : '"$SLURM_JOB_ID"';
  const setup = profile.setup.trim()
    ? ['# Setup lines of the profile', profile.setup.replace(/\n+$/u, '')]
    : [];
  return [
    '#!/bin/bash',
    // sbatch reads #SBATCH lines only up to the first command: they all come first.
    ...sbatchOptions(options),
    `# Written by Decorbench: ${array ? `a job array of ${runDirs.length} runs` : 'one run'} (cli.js worker).`,
    ...runDirLines(runDirs),
    // A task of an array writes its output beside its own journal, like a single job's slurm-J.out
    // (sbatch's --output names one folder for all tasks); setup lines' errors land there too.
    ...(array ? ['exec >>"$RUN_DIR/slurm-${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}.out" 2>&1'] : []),
    ...setup,
    '',
    '# A trap runs only while bash waits, so the worker runs in the background and bash waits for it.',
    'worker_pid=',
    'forward_stop() { if [ -n "$worker_pid" ]; then kill -TERM "$worker_pid" 2>/dev/null; fi; }',
    'trap forward_stop TERM INT USR1',
    `${profile.nodeCommand} ${shellQuote(cliPath)} worker --run-dir "$RUN_DIR" &`,
    'worker_pid=$!',
    '# wait returns early when a trap ran; keep waiting while the worker saves its checkpoint.',
    'while kill -0 "$worker_pid" 2>/dev/null; do wait "$worker_pid"; done',
    'wait "$worker_pid"',
    'code=$?',
    `if [ "$code" -eq ${REQUEUE_EXIT_CODE} ]; then`,
    '  # Stopped by a signal the user did not ask for, with requeue on: run again, from the checkpoint.',
    '  # Only while Slurm still runs the job: after `scancel J`, a preemption Slurm requeues itself, or',
    '  # the end of the time limit, the job is ending (COMPLETING) and must not come back.',
    `  if scontrol show job -o "$SLURM_JOB_ID" 2>/dev/null | grep -q ' JobState=RUNNING '; then`,
    `    scontrol requeue ${self} && exit 0`,
    '    # Slurm refused (requeue not allowed here): the job ends with 75; the run resumes from its checkpoint.',
    '    echo "decorbench: scontrol requeue failed; the run can be resumed from its checkpoint" >&2',
    '  fi',
    'fi',
    'exit "$code"',
    '',
  ].join('\n');
}
