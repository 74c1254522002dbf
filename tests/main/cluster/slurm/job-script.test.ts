import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SlurmProfileSettings } from '@shared/cluster/types';
import {
  jobScript,
  sbatchQuote,
  shellQuote,
  signalLeadSeconds,
  timeLimitSeconds,
} from '../../../../src-main/cluster/slurm/job-script';
import { useTempDir } from '../../../helpers/temp-dir';

const FAKE_WORKER = join(import.meta.dirname, 'fixtures/fake-worker.mjs');

/**
 * Runs a job script with plain bash, as slurmd would, with a stand-in `scontrol` on PATH that
 * records its arguments; `signal` is sent to the batch shell once the worker has started.
 */
async function runScript(
  dir: string,
  mode: string,
  signal?: NodeJS.Signals,
  slurm: { state?: string; requeue?: 'succeeds' | 'fails' } = {},
) {
  const runDir = join(dir, 'run');
  const bin = join(dir, 'bin');
  mkdirSync(runDir, { recursive: true });
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(runDir, 'mode'), mode);
  writeFileSync(
    join(bin, 'scontrol'),
    [
      '#!/bin/sh',
      // `scontrol show job -o` as Slurm answers it: one line, the state among the fields.
      `if [ "$1" = show ]; then echo 'JobId=41 JobName=n JobState=${slurm.state ?? 'RUNNING'} Reason=None'; exit 0; fi`,
      `echo "$@" >> '${dir}/scontrol.log'`,
      slurm.requeue === 'fails' ? 'exit 1' : 'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'scontrol'), 0o755);
  const text = jobScript({
    profile: profile({ nodeCommand: process.execPath }),
    name: 'n',
    runDirs: [runDir],
    cliPath: FAKE_WORKER,
    outputDir: dir,
  });
  const shell = spawn('bash', ['-c', text], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SLURM_JOB_ID: '41' },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => shell.on('exit', (code) => resolve(code)));
  if (signal) {
    while (!existsSync(join(runDir, 'starts.ndjson'))) await new Promise((r) => setTimeout(r, 20));
    shell.kill(signal);
  }
  const code = await exited;
  const log = join(dir, 'scontrol.log');
  return {
    code,
    scontrol: existsSync(log) ? readFileSync(log, 'utf8') : '',
    term: existsSync(join(runDir, 'term')) ? readFileSync(join(runDir, 'term'), 'utf8') : null,
  };
}

const profile = (overrides: Partial<SlurmProfileSettings> = {}): SlurmProfileSettings => ({
  name: 'p',
  partition: '',
  gpusPerJob: 0,
  gpuType: '',
  cpusPerTask: 4,
  memoryGb: 0,
  timeLimit: '',
  account: '',
  extraArgs: [],
  setup: '',
  nodeCommand: 'node',
  cliPath: '',
  runFolder: '/shared/runs',
  requeue: true,
  stopGraceSeconds: 120,
  ...overrides,
});

const sbatchLines = (script: string) => script.split('\n').filter((line) => line.startsWith('#SBATCH '));
const script = (overrides: Partial<SlurmProfileSettings> = {}, runDirs = ['/shared/runs/run-7']) =>
  jobScript({
    profile: profile(overrides),
    name: 'decorbench-run-7',
    runDirs,
    cliPath: '/opt/decorbench/cli.js',
    outputDir: '/shared/runs/run-7',
  });

describe('the batch script of a placed run', () => {
  it('asks for what the profile says, and only that', () => {
    expect(sbatchLines(script())).toEqual([
      '#SBATCH --job-name=decorbench-run-7',
      '#SBATCH --output=/shared/runs/run-7/slurm-%j.out',
      '#SBATCH --chdir=/shared/runs/run-7',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --requeue',
      '#SBATCH --open-mode=append',
    ]);
    const full = sbatchLines(
      script({
        partition: 'gpu',
        gpusPerJob: 2,
        gpuType: 'a100',
        memoryGb: 32,
        timeLimit: '04:00:00',
        account: 'lab',
        extraArgs: ['--qos=high', '--constraint=ib'],
      }),
    );
    expect(full).toEqual([
      '#SBATCH --job-name=decorbench-run-7',
      '#SBATCH --output=/shared/runs/run-7/slurm-%j.out',
      '#SBATCH --chdir=/shared/runs/run-7',
      '#SBATCH --partition=gpu',
      '#SBATCH --gres=gpu:a100:2',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --mem=32G',
      '#SBATCH --time=04:00:00',
      '#SBATCH --account=lab',
      '#SBATCH --requeue',
      '#SBATCH --signal=B:USR1@120',
      '#SBATCH --open-mode=append',
      '#SBATCH --qos=high',
      '#SBATCH --constraint=ib',
    ]);
    expect(sbatchLines(script({ gpusPerJob: 1 }))).toContain('#SBATCH --gres=gpu:1');
    const noRequeue = sbatchLines(script({ requeue: false, timeLimit: '60' }));
    expect(noRequeue).toContain('#SBATCH --no-requeue');
    expect(noRequeue.some((line) => line.includes('--signal'))).toBe(false);
  });

  it('warns the job before its time limit by the stop grace, at most half the limit', () => {
    expect(timeLimitSeconds('90')).toBe(5400);
    expect(timeLimitSeconds('10:30')).toBe(630);
    expect(timeLimitSeconds('04:00:00')).toBe(14_400);
    expect(timeLimitSeconds('2-00')).toBe(172_800);
    expect(timeLimitSeconds('1-02:03')).toBe(93_780);
    expect(timeLimitSeconds('1-02:03:04')).toBe(93_784);
    expect(timeLimitSeconds('')).toBeUndefined();
    expect(signalLeadSeconds(profile({ timeLimit: '04:00:00', stopGraceSeconds: 300 }))).toBe(300);
    expect(signalLeadSeconds(profile({ timeLimit: '2', stopGraceSeconds: 300 }))).toBe(60);
    expect(signalLeadSeconds(profile({ timeLimit: '', stopGraceSeconds: 300 }))).toBeUndefined();
    expect(signalLeadSeconds(profile({ timeLimit: '60', requeue: false }))).toBeUndefined();
  });

  it('makes a job array of several run folders, each task with its own', () => {
    const text = script({}, ['/shared/a', "/shared/it's b"]);
    expect(sbatchLines(text)).toContain('#SBATCH --array=0-1');
    expect(sbatchLines(text)).toContain('#SBATCH --output=/shared/runs/run-7/slurm-%A_%a.out');
    expect(text).toContain(`RUN_DIRS=('/shared/a' '/shared/it'\\''s b')`);
    expect(text).toContain('scontrol requeue "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"');
    // Bash itself picks each task's folder.
    const pick = text.split('\n').filter((line) => line.startsWith('RUN_DIR'));
    for (const [task, dir] of [
      ['0', '/shared/a'],
      ['1', "/shared/it's b"],
    ] as const) {
      const result = spawnSync('bash', ['-c', `${pick.join('\n')}\nprintf %s "$RUN_DIR"`], {
        env: { SLURM_ARRAY_TASK_ID: task },
        encoding: 'utf8',
      });
      expect(result.stdout).toBe(dir);
    }
    expect(() => script({}, [])).toThrow(/at least one run folder/u);
  });

  it('writes the setup lines and the node command as given, and quotes every path', () => {
    const text = jobScript({
      profile: profile({
        setup: 'module load nodejs/20\nexport X="a b"',
        nodeCommand: 'apptainer exec img.sif node',
      }),
      name: 'run "quoted" # not a comment',
      runDirs: ["/shared/run's $HOME `x`"],
      cliPath: "/opt/it's/cli.js",
      outputDir: '/shared/out dir',
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    expect(lines).toContain('#SBATCH "--job-name=run \\"quoted\\" # not a comment"');
    expect(lines).toContain('#SBATCH "--output=/shared/out dir/slurm-%j.out"');
    expect(lines).toContain('module load nodejs/20');
    expect(lines).toContain('export X="a b"');
    expect(lines).toContain(`RUN_DIR='/shared/run'\\''s $HOME \`x\`'`);
    expect(lines).toContain(
      `apptainer exec img.sif node '/opt/it'\\''s/cli.js' worker --run-dir "$RUN_DIR" &`,
    );
    // Every #SBATCH line comes before the first command (sbatch stops reading them there).
    const firstCommand = lines.findIndex((line, i) => i > 0 && !line.startsWith('#') && line.trim());
    const lastSbatch = lines.map((line) => line.startsWith('#SBATCH')).lastIndexOf(true);
    expect(lastSbatch).toBeLessThan(firstCommand);
    expect(spawnSync('bash', ['-n'], { input: text }).status).toBe(0);
  });

  it('quotes for bash and for sbatch so that the words come back as written', () => {
    for (const word of ['plain', "it's", 'a b', '$(rm -rf /)', '`x`', 'back\\slash', '"q"', '']) {
      const echoed = spawnSync('bash', ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' });
      expect(echoed.stdout).toBe(word);
    }
    expect(sbatchQuote('--qos=high')).toBe('--qos=high');
    expect(sbatchQuote('--comment=a b')).toBe('"--comment=a b"');
    expect(sbatchQuote('--comment=x#y')).toBe('"--comment=x#y"');
    expect(sbatchQuote('--comment="a\\b"')).toBe('"--comment=\\"a\\\\b\\""');
  });

  it('forwards TERM and USR1 to the worker, waits for it, and requeues on exit 75', () => {
    const text = script();
    expect(text).toContain('trap forward_stop TERM INT USR1');
    expect(text).toContain(`node '/opt/decorbench/cli.js' worker --run-dir "$RUN_DIR" &`);
    expect(text).toContain('if [ "$code" -eq 75 ]; then');
    expect(text).toContain(
      `  if scontrol show job -o "$SLURM_JOB_ID" 2>/dev/null | grep -q ' JobState=RUNNING '; then\n    scontrol requeue "$SLURM_JOB_ID" && exit 0`,
    );
    expect(text.trimEnd().endsWith('fi\nexit "$code"')).toBe(true);
  });

  describe('run by bash', () => {
    const tempDir = useTempDir('decorbench-job-script-');

    it('passes USR1 (the time limit is near) to the worker as TERM and requeues the job when it exits 75', async () => {
      const result = await runScript(tempDir(), 'wait', 'SIGUSR1');
      expect(result.term).toBe('requeue');
      expect(result.scontrol).toBe('requeue 41\n');
      expect(result.code).toBe(0);
    });

    it('ends with 75 when Slurm refuses the requeue', async () => {
      const result = await runScript(tempDir(), 'wait', 'SIGUSR1', { requeue: 'fails' });
      expect(result).toMatchObject({ term: 'requeue', scontrol: 'requeue 41\n', code: 75 });
    });

    it('does not bring back a job Slurm is ending (scancel J, the end of the time limit)', async () => {
      const result = await runScript(tempDir(), 'wait', 'SIGTERM', { state: 'COMPLETING' });
      expect(result).toEqual({ term: 'requeue', scontrol: '', code: 75 });
    });

    it("ends with the worker's own exit code otherwise", async () => {
      const stopped = tempDir();
      mkdirSync(join(stopped, 'run'), { recursive: true });
      writeFileSync(join(stopped, 'run', 'stop-requested'), '');
      expect(await runScript(stopped, 'wait', 'SIGTERM')).toEqual({ code: 0, scontrol: '', term: 'stop' });
      expect(await runScript(tempDir(), 'fail')).toEqual({ code: 3, scontrol: '', term: null });
      expect(await runScript(tempDir(), 'complete')).toEqual({ code: 0, scontrol: '', term: null });
    });
  });
});
