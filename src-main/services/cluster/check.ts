/**
 * `cluster:check` (the Settings page's Check button, `cluster profile check NAME`): what can be
 * known on this machine before a run is placed on a profile. Each check says what it looked at,
 * so a failure reads as the thing to fix (a partition name, a folder, the path of cli.js).
 */
import { execFile } from 'node:child_process';
import { existsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterCheck, SlurmProfileSettings } from '@shared/cluster/types';
import type { SlurmClient, SlurmPartition } from '../../cluster/slurm';
import { offersGpus } from '../../cluster/slurm/states';

export interface CheckOptions {
  /** This installation's built cli.js: what the nodes run when the profile leaves cliPath empty. */
  cliEntry?: string;
  /** The environment `nodeCommand --version` runs in (process.env by default). */
  env?: NodeJS.ProcessEnv;
  /** How long `nodeCommand --version` may take (default 15 s). */
  timeoutMs?: number;
}

type Check = ClusterCheck['checks'][number];

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function slurmAnswers(slurm: SlurmClient): Promise<{ check: Check; partitions?: SlurmPartition[] }> {
  try {
    const partitions = await slurm.partitions();
    const names = partitions.map((partition) => `${partition.name}${partition.isDefault ? '*' : ''}`);
    return {
      partitions,
      check: {
        name: 'Slurm',
        ok: true,
        detail: `sinfo answers: ${partitions.length} partition(s)${names.length ? ` (${names.join(', ')})` : ''}`,
      },
    };
  } catch (error) {
    return { check: { name: 'Slurm', ok: false, detail: errorText(error) } };
  }
}

/** The partition jobs of this profile go to: the named one, else the cluster's default. */
const targetPartition = (settings: SlurmProfileSettings, partitions: SlurmPartition[]) =>
  settings.partition
    ? partitions.find((partition) => partition.name === settings.partition)
    : partitions.find((partition) => partition.isDefault);

function partitionCheck(settings: SlurmProfileSettings, partitions: SlurmPartition[] | undefined): Check {
  const name = 'Partition';
  if (!partitions) return { name, ok: false, detail: 'Not checked: Slurm did not answer' };
  const wanted = targetPartition(settings, partitions);
  if (!wanted) {
    const known = partitions.map((partition) => partition.name).join(', ') || 'none';
    return settings.partition
      ? { name, ok: false, detail: `No partition "${settings.partition}" on this cluster (it has: ${known})` }
      : { name, ok: false, detail: `The cluster has no default partition: name one (it has: ${known})` };
  }
  const which = settings.partition
    ? `Partition "${wanted.name}"`
    : `The default partition, "${wanted.name}",`;
  return wanted.available
    ? { name, ok: true, detail: `${which} is up` }
    : { name, ok: false, detail: `${which} is not up (sinfo says it is down or inactive)` };
}

/** Only for a profile that asks for GPUs: the partition's nodes offer them (of the type asked for). */
function gpuCheck(settings: SlurmProfileSettings, partitions: SlurmPartition[] | undefined): Check[] {
  if (settings.gpusPerJob === 0) return [];
  const name = 'GPUs';
  const wanted = partitions && targetPartition(settings, partitions);
  if (!wanted) return [{ name, ok: false, detail: 'Not checked: no partition to look at' }];
  const what = settings.gpuType ? `${settings.gpuType} GPUs` : 'GPUs';
  const offered = wanted.gres.length > 0 ? wanted.gres.join(', ') : 'none';
  return offersGpus(wanted.gres, settings.gpuType)
    ? [
        {
          name,
          ok: true,
          detail: `Partition "${wanted.name}" offers ${what} (generic resources: ${offered})`,
        },
      ]
    : [
        {
          name,
          ok: false,
          detail: `Partition "${wanted.name}" offers no ${what} (generic resources: ${offered})`,
        },
      ];
}

/** The folder exists and takes a file, or the nearest folder above it that exists can hold it. */
function runFolderCheck(folder: string): Check {
  const name = 'Run folder';
  try {
    if (existsSync(folder)) {
      if (!statSync(folder).isDirectory()) return { name, ok: false, detail: `${folder} is not a folder` };
      // A probe file: access() alone says yes on a read-only mount.
      const probe = join(folder, `.decorbench-check-${process.pid}-${Date.now()}`);
      writeFileSync(probe, '');
      unlinkSync(probe);
      return {
        name,
        ok: true,
        detail: `${folder} exists and is writable here (the nodes must see the same path)`,
      };
    }
    // Never created here: a missing folder is most likely a share that is not mounted, and
    // creating it would put the runs on this machine's disk, where no node sees them.
    return {
      name,
      ok: false,
      detail: `${folder} does not exist on this machine: is the shared storage mounted? (create the folder on it; Decorbench creates only the runs' folders inside it)`,
    };
  } catch (error) {
    return { name, ok: false, detail: `${folder} is not writable here: ${errorText(error)}` };
  }
}

function cliCheck(settings: SlurmProfileSettings, cliEntry: string | undefined): Check {
  const name = 'Decorbench on the nodes';
  const path = settings.cliPath || cliEntry;
  if (!path)
    return {
      name,
      ok: false,
      detail: "This installation's cli.js is unknown here: give the profile a cliPath",
    };
  const whose = settings.cliPath ? "The profile's cliPath" : "This installation's cli.js";
  if (!existsSync(path) || !statSync(path).isFile())
    return { name, ok: false, detail: `${whose}, ${path}, does not exist on this machine` };
  return {
    name,
    ok: true,
    detail: `${whose}, ${path}, exists here (the nodes must see it at the same path)`,
  };
}

/** `node` or `/shared/node-20/bin/node`: one word a process can run; anything else is shell for the nodes. */
const PLAIN_COMMAND = /^[\w@%+=:,./-]+$/u;

function nodeCheck(settings: SlurmProfileSettings, options: CheckOptions): Promise<Check> {
  const name = 'Node';
  const command = settings.nodeCommand.trim();
  if (!PLAIN_COMMAND.test(command))
    return Promise.resolve({
      name,
      ok: true,
      detail: `Not checked: "${command}" is a shell command, run on the nodes only`,
    });
  return new Promise((resolve) => {
    execFile(
      command,
      ['--version'],
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 15_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({
            name,
            ok: true,
            detail: `${command} --version answers ${stdout.trim() || stderr.trim()} on this machine (checked here, not on the nodes)`,
          });
          return;
        }
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        const why = missing ? 'was not found' : `failed (${stderr.trim() || error.message})`;
        // The setup lines (module load ...) may put it on the nodes' PATH only.
        const onlyNodes = missing && settings.setup.trim() !== '';
        resolve({
          name,
          ok: onlyNodes,
          detail: `${command} --version ${why} on this machine (checked here, not on the nodes)${
            onlyNodes ? '; the setup lines may provide it on the nodes' : ''
          }`,
        });
      },
    );
  });
}

/** Checks a profile before runs are placed on it: Slurm answers, the partition is up, the paths are there. */
export async function checkProfile(
  settings: SlurmProfileSettings,
  slurm: SlurmClient,
  options: CheckOptions = {},
): Promise<ClusterCheck> {
  const [slurmResult, node] = await Promise.all([slurmAnswers(slurm), nodeCheck(settings, options)]);
  const checks = [
    slurmResult.check,
    partitionCheck(settings, slurmResult.partitions),
    ...gpuCheck(settings, slurmResult.partitions),
    runFolderCheck(settings.runFolder),
    cliCheck(settings, options.cliEntry),
    node,
  ];
  return { ok: checks.every((check) => check.ok), checks };
}
