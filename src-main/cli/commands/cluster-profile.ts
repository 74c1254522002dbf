/**
 * `cluster profile add|list|remove|check`: the Slurm profiles runs are placed on (issue 15), as
 * the Settings page edits them. Every value is checked by the same schema as the form, and a
 * mistake is named by the option that carries it (`--gpus: ...`).
 */
import { parseArgs } from 'node:util';
import { CLUSTER_LIMITS, slurmProfileSchema } from '@shared/cluster/profile-schema';
import type { ClusterCheck, ClusterProfile, SlurmProfileSettings } from '@shared/cluster/types';
import { AppFailure } from '@shared/errors';
import { fieldMessages } from '@shared/validation';
import { UsageError, type CliCommand, type CliContext } from '../command';
import { formatTable } from '../format';
import { call, profileByName, withClusterWorkbench } from './cluster-common';

/** Each option of `profile add` and the profile field it sets. */
const OPTION_FIELDS = {
  'run-folder': 'runFolder',
  partition: 'partition',
  gpus: 'gpusPerJob',
  'gpu-type': 'gpuType',
  cpus: 'cpusPerTask',
  mem: 'memoryGb',
  time: 'timeLimit',
  account: 'account',
  'sbatch-arg': 'extraArgs',
  setup: 'setup',
  'node-command': 'nodeCommand',
  'cli-path': 'cliPath',
  'no-requeue': 'requeue',
  'stop-grace': 'stopGraceSeconds',
} as const satisfies Record<string, keyof SlurmProfileSettings>;

const NUMBER_OPTIONS = ['gpus', 'cpus', 'mem', 'stop-grace'] as const;

const optionOf = (field: string) =>
  field === 'name'
    ? 'NAME'
    : `--${Object.entries(OPTION_FIELDS).find(([, name]) => field === name || field.startsWith(`${name}.`))?.[0] ?? field}`;

const ADD_USAGE = `Usage: npm run cli -- cluster profile add NAME --run-folder DIR [options] [--check] [--db PATH] [--json]

A Slurm profile: where runs placed on NAME (--placement NAME, or the forms' Placement) train.
  --run-folder DIR      the shared folder for run folders: the same absolute path here and on the nodes
  --partition P         sbatch --partition (default: the cluster's default partition)
  --gpus N              GPUs per job, as --gres=gpu[:TYPE]:N (default 0, at most ${CLUSTER_LIMITS.maxGpus})
  --gpu-type T          the GPU type in --gres, e.g. a100 (default: any)
  --cpus N              --cpus-per-task (default 4)
  --mem GB              --mem in GB (default: the partition's)
  --time T              --time as Slurm writes it: 90, 04:00:00, 2-00:00:00 (default: the partition's)
  --account A           --account (default: yours)
  --sbatch-arg ARG      one more sbatch option, e.g. --sbatch-arg=--qos=high (repeatable)
  --setup LINE          a shell line run on the node before the worker, e.g. "module load nodejs/20" (repeatable)
  --node-command CMD    how Node starts on the nodes (default node; e.g. /shared/node-20/bin/node)
  --cli-path PATH       Decorbench's cli.js as the nodes see it (default: this installation's)
  --no-requeue          a preempted or timed-out job ends instead of requeueing itself and resuming
  --stop-grace S        seconds a stopping job has to save its checkpoint (default 120)
  --check               check the profile first (Slurm, partition, folder, cli.js, Node); save it only if it passes`;

function parseNumber(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`--${option} takes a whole number, not "${text}"`);
  return value;
}

/** The profile the command line describes, checked by the Settings form's schema. */
export function profileFromArgs(args: string[]): {
  settings: SlurmProfileSettings;
  check: boolean;
  db?: string;
  json: boolean;
} {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'run-folder': { type: 'string' },
      partition: { type: 'string' },
      gpus: { type: 'string' },
      'gpu-type': { type: 'string' },
      cpus: { type: 'string' },
      mem: { type: 'string' },
      time: { type: 'string' },
      account: { type: 'string' },
      'sbatch-arg': { type: 'string', multiple: true },
      setup: { type: 'string', multiple: true },
      'node-command': { type: 'string' },
      'cli-path': { type: 'string' },
      'no-requeue': { type: 'boolean', default: false },
      'stop-grace': { type: 'string' },
      check: { type: 'boolean', default: false },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('Give the profile one NAME');
  if (values['run-folder'] === undefined)
    throw new UsageError('Give --run-folder DIR: the shared folder for run folders');
  const input: Record<string, unknown> = { name: positionals[0], runFolder: values['run-folder'] };
  for (const option of ['partition', 'gpu-type', 'time', 'account', 'node-command', 'cli-path'] as const)
    if (values[option] !== undefined) input[OPTION_FIELDS[option]] = values[option];
  for (const option of NUMBER_OPTIONS) {
    const value = parseNumber(option, values[option]);
    if (value !== undefined) input[OPTION_FIELDS[option]] = value;
  }
  if (values['sbatch-arg']) input.extraArgs = values['sbatch-arg'];
  if (values.setup) input.setup = values.setup.join('\n');
  if (values['no-requeue']) input.requeue = false;
  const parsed = slurmProfileSchema.safeParse(input);
  if (!parsed.success) {
    const lines = Object.entries(fieldMessages(parsed.error)).map(
      ([field, message]) => `${optionOf(field)}: ${message}`,
    );
    throw new AppFailure('invalid-input', lines.join('\n'));
  }
  return {
    settings: parsed.data,
    check: values.check,
    json: values.json,
    ...(values.db ? { db: values.db } : {}),
  };
}

/** One line per check: `ok    Partition: Partition "debug" is up`. */
export function checkText(result: ClusterCheck): string {
  const lines = result.checks.map((check) => `${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}`);
  return `${lines.join('\n')}\n`;
}

function profileLine(profile: ClusterProfile): string {
  const { settings } = profile;
  const gpus =
    settings.gpusPerJob > 0
      ? `${settings.gpusPerJob}${settings.gpuType ? ` ${settings.gpuType}` : ''} GPU, `
      : '';
  return `profile "${settings.name}" (${profile.id}): partition ${settings.partition || '(default)'}, ${gpus}${settings.cpusPerTask} CPU, run folder ${settings.runFolder}`;
}

export const clusterProfileAddCommand: CliCommand = {
  name: 'cluster profile add',
  summary: 'Add a Slurm profile to place runs on (partition, GPUs, time, shared run folder)',
  usage: ADD_USAGE,
  async run(args, context: CliContext) {
    const options = profileFromArgs(args);
    return withClusterWorkbench(context, options.db, async (workbench) => {
      if (options.check) {
        const result = await call(workbench, 'cluster:check', { settings: options.settings });
        context.stderr.write(checkText(result));
        if (!result.ok) {
          context.stderr.write('The profile is not saved: fix what failed, or add it without --check.\n');
          return 1;
        }
      }
      const saved = await call(workbench, 'cluster:profile-save', { settings: options.settings });
      context.stdout.write(options.json ? `${JSON.stringify(saved)}\n` : `Added ${profileLine(saved)}\n`);
      return 0;
    });
  },
};

export const clusterProfileListCommand: CliCommand = {
  name: 'cluster profile list',
  summary: 'List the Slurm profiles with their runs and jobs in the queue',
  usage: 'Usage: npm run cli -- cluster profile list [--db PATH] [--json]',
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: { db: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    return withClusterWorkbench(context, values.db, async (workbench) => {
      const profiles = await call(workbench, 'cluster:profiles', {});
      if (values.json) context.stdout.write(`${JSON.stringify(profiles)}\n`);
      else if (profiles.length === 0)
        context.stdout.write(
          'No cluster profiles yet. Add one with: npm run cli -- cluster profile add NAME --run-folder DIR\n',
        );
      else {
        const rows = profiles.map(({ settings, runCount, activeJobCount }) => [
          settings.name,
          settings.partition || '(default)',
          settings.gpusPerJob > 0
            ? `${settings.gpusPerJob}${settings.gpuType ? `:${settings.gpuType}` : ''}`
            : '-',
          settings.cpusPerTask,
          settings.memoryGb > 0 ? `${settings.memoryGb}G` : '-',
          settings.timeLimit || '-',
          settings.requeue ? 'yes' : 'no',
          settings.runFolder,
          runCount,
          activeJobCount,
        ]);
        const headers = [
          'name',
          'partition',
          'gpus',
          'cpus',
          'mem',
          'time',
          'requeue',
          'run folder',
          'runs',
          'queued/running',
        ];
        context.stdout.write(`${formatTable(headers, rows)}\n`);
      }
      return 0;
    });
  },
};

function nameAndDb(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { db: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new UsageError('Give one profile NAME (see "cluster profile list")');
  return { name: positionals[0]!, db: values.db, json: values.json };
}

export const clusterProfileRemoveCommand: CliCommand = {
  name: 'cluster profile remove',
  summary: 'Remove a Slurm profile (its runs keep the settings they were placed with)',
  usage:
    "Usage: npm run cli -- cluster profile remove NAME [--db PATH]\n\nRefused while one of its runs has a job in Slurm's queue.",
  async run(args, context) {
    const { name, db } = nameAndDb(args);
    return withClusterWorkbench(context, db, async (workbench) => {
      const profile = await profileByName(workbench, name);
      await call(workbench, 'cluster:profile-remove', { id: profile.id });
      context.stdout.write(`Removed profile "${name}"\n`);
      return 0;
    });
  },
};

export const clusterProfileCheckCommand: CliCommand = {
  name: 'cluster profile check',
  summary:
    'Check a Slurm profile: Slurm answers, its partition is up, its folder and cli.js are there, Node runs',
  usage: `Usage: npm run cli -- cluster profile check NAME [--db PATH] [--json]

Exits 0 when every check passes, 1 otherwise. Node is checked on this machine, not on the nodes.`,
  async run(args, context) {
    const { name, db, json } = nameAndDb(args);
    return withClusterWorkbench(context, db, async (workbench) => {
      const profile = await profileByName(workbench, name);
      const result = await call(workbench, 'cluster:check', { settings: profile.settings });
      context.stdout.write(json ? `${JSON.stringify(result)}\n` : checkText(result));
      return result.ok ? 0 : 1;
    });
  },
};
