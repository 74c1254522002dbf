/**
 * When Slurm refuses, is missing or does not answer, the client says so in a sentence the user
 * can act on (Slurm's own words where it gave some), within seconds: never a hang.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSlurmClient, jobScript, SlurmError } from '../../../../src-main/cluster/slurm';
import {
  SLURM_CONF,
  SLURM_PARTITION,
  slurmSkipReason,
  testProfile,
  useSlurmEnv,
} from '../../../helpers/slurm';
import { useTempDir } from '../../../helpers/temp-dir';

const skip = slurmSkipReason();

describe('Slurm commands that are missing or do not answer', () => {
  const tempDir = useTempDir('decorbench-slurm-bin-');

  it('names the missing command and the package that carries it', async () => {
    // A PATH without Slurm's commands (node stays reachable through its absolute path).
    const slurm = createSlurmClient({ env: { PATH: tempDir() } });
    const error = await slurm.submit('#!/bin/bash\ntrue\n').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SlurmError);
    expect((error as SlurmError).message).toMatch(/^sbatch was not found on PATH/u);
    expect((error as SlurmError).message).toContain('apt-get install slurm-client');
    expect((error as SlurmError).code).toBe('unavailable');
    await expect(slurm.partitions()).rejects.toThrow(/^sinfo was not found on PATH/u);
    await expect(slurm.states(['12'])).rejects.toThrow(/^squeue was not found on PATH/u);
  });

  it('gives up on a command that does not answer, with what it said so far', async () => {
    const bin = tempDir();
    writeFileSync(
      join(bin, 'sinfo'),
      '#!/bin/sh\necho "sinfo: error: Unable to contact slurm controller" >&2\nsleep 30\n',
    );
    chmodSync(join(bin, 'sinfo'), 0o755);
    const slurm = createSlurmClient({ env: { PATH: `${bin}:/usr/bin:/bin` }, timeoutMs: 500 });
    const started = Date.now();
    await expect(slurm.partitions()).rejects.toThrow(
      'sinfo did not answer within 0.5 s (is slurmctld reachable from this machine?); it said: sinfo: error: Unable to contact slurm controller',
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a job id that is not one before running anything', async () => {
    const slurm = createSlurmClient({ env: { PATH: tempDir() } });
    await expect(slurm.cancel('1;reboot')).rejects.toThrow('Not a Slurm job id: "1;reboot"');
    await expect(slurm.requeue('')).rejects.toThrow('Not a Slurm job id');
  });
});

describe.skipIf(skip)(`Slurm's refusals${skip ? ` (skipped: ${skip})` : ''}`, () => {
  useSlurmEnv();
  const tempDir = useTempDir('decorbench-slurm-');

  it("gives Slurm's message for a wrong partition, within seconds", async () => {
    const folder = tempDir();
    mkdirSync(join(folder, 'run-1'));
    const script = jobScript({
      profile: testProfile(folder, { partition: 'nope' }),
      name: 'decorbench-test-slurm',
      runDirs: [join(folder, 'run-1')],
      cliPath: '/nowhere/cli.js',
      outputDir: folder,
    });
    const started = Date.now();
    const error = await createSlurmClient()
      .submit(script)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SlurmError);
    expect((error as SlurmError).message.split('\n')[0]).toBe(
      'sbatch: error: invalid partition specified: nope',
    );
    expect((error as SlurmError).exitCode).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);

    // A GPU the cluster does not have: refused at once too.
    const gpu = jobScript({
      profile: testProfile(folder, { gpusPerJob: 1 }),
      name: 'decorbench-test-slurm',
      runDirs: [join(folder, 'run-1')],
      cliPath: '/nowhere/cli.js',
      outputDir: folder,
    });
    await expect(createSlurmClient().submit(gpu)).rejects.toThrow(
      'sbatch: error: Invalid generic resource (gres) specification',
    );
  });

  it("lists the cluster's partitions, the default one marked", async () => {
    expect(await createSlurmClient().partitions()).toContainEqual({
      name: SLURM_PARTITION,
      available: true,
      isDefault: true,
      gres: [],
    });
  });

  it('reads SLURM_CONF from the environment it is given', async () => {
    const slurm = createSlurmClient({
      env: { ...process.env, SLURM_CONF: join(tempDir(), 'none.conf') },
      timeoutMs: 3000,
    });
    // Without its configuration, sinfo complains (and retries until our time limit ends it).
    await expect(slurm.partitions()).rejects.toThrow(/sinfo.*(none\.conf|did not answer)/su);
    expect(SLURM_CONF).toBe(process.env.SLURM_CONF);
  });
});
