import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSlurmClient } from '../../../../src-main/cluster/slurm';
import { checkProfile } from '../../../../src-main/services/cluster/check';
import { slurmSkipReason, testProfile, useSlurmEnv } from '../../../helpers/slurm';
import { useTempDir } from '../../../helpers/temp-dir';

const skip = slurmSkipReason();
/** Any file that exists stands for cli.js: the check looks for the file, it does not run it. */
const SOME_FILE = import.meta.filename;

const byName = (result: Awaited<ReturnType<typeof checkProfile>>) =>
  Object.fromEntries(result.checks.map((check) => [check.name, check]));

describe('checking a profile where Slurm is missing', () => {
  const tempDir = useTempDir('decorbench-check-');

  it("says Slurm's commands are missing, and still checks the paths and Node here", async () => {
    const slurm = createSlurmClient({ env: { PATH: tempDir() } });
    const folder = tempDir();
    const result = await checkProfile(testProfile(folder, { cliPath: SOME_FILE }), slurm);
    expect(result.ok).toBe(false);
    const checks = byName(result);
    expect(checks.Slurm).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^sinfo was not found on PATH.*slurm-client/u),
    });
    expect(checks.Partition).toEqual({
      name: 'Partition',
      ok: false,
      detail: 'Not checked: Slurm did not answer',
    });
    expect(checks['Run folder']?.ok).toBe(true);
    expect(checks['Decorbench on the nodes']?.ok).toBe(true);
    expect(checks.Node).toMatchObject({
      ok: true,
      detail: expect.stringContaining(`answers ${process.version} on this machine`),
    });
  });

  it('finds folders, cli.js and Node commands that are not there', async () => {
    const slurm = createSlurmClient({ env: { PATH: tempDir() } });
    const dir = tempDir();
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const check = async (overrides: Parameters<typeof testProfile>[1], cliEntry?: string) =>
      byName(
        await checkProfile(testProfile(join(dir, 'runs'), overrides), slurm, cliEntry ? { cliEntry } : {}),
      );

    const notYet = await check({ cliPath: '', runFolder: join(dir, 'absent') }, SOME_FILE);
    expect(notYet['Run folder']).toMatchObject({
      ok: false,
      detail: `${join(dir, 'absent')} does not exist on this machine: is the shared storage mounted? (create the folder on it; Decorbench creates only the runs' folders inside it)`,
    });
    expect(notYet['Decorbench on the nodes']).toMatchObject({
      ok: true,
      detail: `This installation's cli.js, ${SOME_FILE}, exists here (the nodes must see it at the same path)`,
    });
    expect((await check({ runFolder: file }))['Run folder']).toMatchObject({
      ok: false,
      detail: `${file} is not a folder`,
    });
    expect((await check({ cliPath: '/nowhere/cli.js' }))['Decorbench on the nodes']).toMatchObject({
      ok: false,
      detail: "The profile's cliPath, /nowhere/cli.js, does not exist on this machine",
    });
    expect((await check({ cliPath: '' }))['Decorbench on the nodes']?.ok).toBe(false);

    const missingNode = await check({ nodeCommand: 'no-such-node-here' });
    expect(missingNode.Node).toEqual({
      name: 'Node',
      ok: false,
      detail: 'no-such-node-here --version was not found on this machine (checked here, not on the nodes)',
    });
    // With setup lines (module load nodejs), the nodes may have what this machine has not.
    expect((await check({ nodeCommand: 'no-such-node-here', setup: 'module load nodejs' })).Node?.ok).toBe(
      true,
    );
    expect((await check({ nodeCommand: 'apptainer exec node.sif node' })).Node).toMatchObject({
      ok: true,
      detail: 'Not checked: "apptainer exec node.sif node" is a shell command, run on the nodes only',
    });
  });
});

describe.skipIf(skip)(
  `checking a profile against the local Slurm${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    useSlurmEnv();
    const tempDir = useTempDir('decorbench-check-');
    const slurm = createSlurmClient();

    it('passes a profile that fits the cluster, and names the partition that does not', async () => {
      const folder = tempDir();
      const good = await checkProfile(testProfile(folder, { cliPath: SOME_FILE }), slurm);
      expect(good.checks.filter((check) => !check.ok)).toEqual([]);
      expect(good.ok).toBe(true);
      expect(byName(good).Partition?.detail).toBe('Partition "debug" is up');
      expect(byName(good)['Run folder']?.detail).toBe(
        `${folder} exists and is writable here (the nodes must see the same path)`,
      );

      const byDefault = await checkProfile(testProfile(folder, { partition: '', cliPath: SOME_FILE }), slurm);
      expect(byName(byDefault).Partition).toMatchObject({
        ok: true,
        detail: 'The default partition, "debug", is up',
      });

      const wrong = await checkProfile(testProfile(folder, { partition: 'nope', cliPath: SOME_FILE }), slurm);
      expect(wrong.ok).toBe(false);
      expect(byName(good).GPUs).toBeUndefined();
      // The local node has no GPUs: a profile that asks for one is told before sbatch refuses it.
      const gpus = await checkProfile(testProfile(folder, { gpusPerJob: 1, cliPath: SOME_FILE }), slurm);
      expect(byName(gpus).GPUs).toEqual({
        name: 'GPUs',
        ok: false,
        detail: 'Partition "debug" offers no GPUs (generic resources: none)',
      });
      expect(gpus.ok).toBe(false);
      expect(byName(wrong).Partition).toMatchObject({
        ok: false,
        detail: 'No partition "nope" on this cluster (it has: debug)',
      });
    });
  },
);
