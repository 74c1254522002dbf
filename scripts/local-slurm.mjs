#!/usr/bin/env node
// A one-node Slurm on this machine, for the tests (issue 15): `node scripts/local-slurm.mjs start`
// writes a slurm.conf for this host under DECORBENCH_SLURM_DIR (default /tmp/decorbench-slurm),
// starts munged, slurmctld and slurmd in the background (no systemd, no cgroups, no accounting
// database) and waits until the node is idle; `stop` ends them; `env` prints the SLURM_CONF line.
// Needs root and Debian's slurmctld, slurmd, munge and slurm-client (scripts/ensure-test-deps.mjs
// installs them). Starting again while it runs reuses it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chownSync, openSync } from 'node:fs';
import { hostname, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const SLURM_DIR = process.env.DECORBENCH_SLURM_DIR ?? '/tmp/decorbench-slurm';
export const SLURM_CONF = join(SLURM_DIR, 'slurm.conf');
/** The partition the tests submit to. */
export const SLURM_PARTITION = 'debug';

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** Why a local Slurm cannot start here, or undefined when it can. */
export function slurmUnavailable() {
  for (const command of ['slurmctld', 'slurmd', 'munged', 'sbatch', 'sinfo'])
    if (!has(command))
      return `${command} is not installed (Debian packages slurmctld slurmd munge slurm-client)`;
  if (process.getuid?.() !== 0) return 'starting slurmctld, slurmd and munged needs root';
  return undefined;
}

function slurmConf() {
  const host = hostname().split('.')[0];
  // Leave the machine some memory of its own; Slurm refuses a node whose RealMemory exceeds what it finds.
  const memoryMb = Math.floor((totalmem() / 2 ** 20) * 0.8);
  return `# Written by scripts/local-slurm.mjs: a one-node Slurm for Decorbench's tests.
ClusterName=decorbench
SlurmctldHost=${host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
ReturnToService=2
MailProg=/bin/true
MinJobAge=600
SlurmctldPort=6917
SlurmdPort=6918
StateSaveLocation=${SLURM_DIR}/state
SlurmdSpoolDir=${SLURM_DIR}/spool
SlurmctldPidFile=${SLURM_DIR}/slurmctld.pid
SlurmdPidFile=${SLURM_DIR}/slurmd.pid
SlurmctldLogFile=${SLURM_DIR}/log/slurmctld.log
SlurmdLogFile=${SLURM_DIR}/log/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=10
Waittime=0
NodeName=${host} CPUs=${cpus().length} RealMemory=${memoryMb} State=UNKNOWN
PartitionName=${SLURM_PARTITION} Nodes=${host} Default=YES MaxTime=INFINITE State=UP
`;
}

const env = () => ({ ...process.env, SLURM_CONF });

function nodeState() {
  const result = spawnSync('sinfo', ['-h', '-o', '%t'], { env: env(), encoding: 'utf8', timeout: 5000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function mungeWorks() {
  const result = spawnSync('sh', ['-c', 'munge -n | unmunge'], { stdio: 'ignore', timeout: 5000 });
  return result.status === 0;
}

function daemon(command, args, { user } = {}) {
  const log = openSync(join(SLURM_DIR, 'log', `${command}.out`), 'a');
  const [file, argv] = user ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
  const child = spawn(file, argv, { env: env(), detached: true, stdio: ['ignore', log, log] });
  child.unref();
  return child.pid;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the daemon of `<name>.pid` (slurmctld, slurmd) is alive. */
function daemonAlive(name) {
  const pidFile = join(SLURM_DIR, `${name}.pid`);
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts (or reuses) the one-node Slurm; resolves once the node is idle. */
export async function startLocalSlurm({ log = (line) => console.log(line), timeoutMs = 30_000 } = {}) {
  const why = slurmUnavailable();
  if (why) throw new Error(`No local Slurm: ${why}`);
  // A Slurm that runs is reused, never restarted: a restart (-c) ends every job on it, and
  // slurmctld/slurmd kill the daemons of their pid files when they start. Its daemons being alive
  // is what counts: on a busy machine sinfo can take longer than its 5 s, and a busy node says
  // `comp` or `mix`, not `idle`.
  if (existsSync(SLURM_CONF) && daemonAlive('slurmctld') && daemonAlive('slurmd')) {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (nodeState()) return { conf: SLURM_CONF, reused: true };
      await sleep(500);
    }
    throw new Error(`Local Slurm's daemons run but sinfo does not answer after ${timeoutMs / 1000} s`);
  }
  for (const dir of ['state', 'spool', 'log']) mkdirSync(join(SLURM_DIR, dir), { recursive: true });
  writeFileSync(SLURM_CONF, slurmConf());
  if (!mungeWorks()) {
    mkdirSync('/run/munge', { recursive: true });
    const munge = spawnSync('id', ['-u', 'munge'], { encoding: 'utf8' });
    const group = spawnSync('id', ['-g', 'munge'], { encoding: 'utf8' });
    chownSync('/run/munge', Number(munge.stdout), Number(group.stdout));
    daemon('munged', ['-F'], { user: 'munge' });
    for (let i = 0; i < 50 && !mungeWorks(); i++) await sleep(100);
    if (!mungeWorks()) throw new Error('munged did not start (see /var/log/munge/munged.log)');
  }
  // -c: a clean start, without jobs from an earlier run of the tests.
  daemon('slurmctld', ['-D', '-c', '-f', SLURM_CONF]);
  daemon('slurmd', ['-D', '-c', '-f', SLURM_CONF]);
  const started = Date.now();
  let last;
  while (Date.now() - started < timeoutMs) {
    last = nodeState();
    if (last === 'idle') {
      log(`Local Slurm up in ${((Date.now() - started) / 1000).toFixed(1)} s (SLURM_CONF=${SLURM_CONF})`);
      return { conf: SLURM_CONF, reused: false };
    }
    await sleep(250);
  }
  const tail = (name) => {
    const path = join(SLURM_DIR, 'log', name);
    return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-8).join('\n') : '';
  };
  throw new Error(
    `Local Slurm's node is not idle after ${timeoutMs / 1000} s (sinfo: ${last ?? 'no answer'})\n${tail('slurmctld.log')}\n${tail('slurmd.log')}`,
  );
}

/** Ends slurmd and slurmctld (munged stays: other users of munge may rely on it). */
export function stopLocalSlurm() {
  for (const name of ['slurmd', 'slurmctld']) {
    const pidFile = join(SLURM_DIR, `${name}.pid`);
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const command = process.argv[2];
  if (command === 'start') {
    startLocalSlurm().catch((error) => {
      console.error(error.message);
      process.exit(1);
    });
  } else if (command === 'stop') stopLocalSlurm();
  else if (command === 'env') console.log(`export SLURM_CONF=${SLURM_CONF}`);
  else {
    console.error('Usage: node scripts/local-slurm.mjs start|stop|env');
    process.exit(2);
  }
}
