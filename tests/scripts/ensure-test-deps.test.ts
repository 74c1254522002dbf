import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ensureTestPackages,
  hasSharedLibrary,
  TEST_PACKAGES,
  type TestPackage,
} from '../../scripts/ensure-test-deps.mjs';
import { useTempDir } from '../helpers/temp-dir';
import { ROOT } from '../helpers/workbench';

/** Packages that are "installed" when their marker file exists in `dir`. */
function packagesIn(dir: string, names: string[]): TestPackage[] {
  return names.map((name) => ({ name, why: `testing ${name}`, present: () => existsSync(join(dir, name)) }));
}

describe('the system packages npm test installs first', () => {
  const tempDir = useTempDir();

  it('installs only what is missing with apt-get when root, and says so', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'python3-numpy'), '');
    const commands: string[] = [];
    const log: string[] = [];
    const missing = ensureTestPackages({
      packages: packagesIn(dir, ['chromium', 'python3-numpy', 'dataset-fashion-mnist']),
      isRoot: true,
      hasAptGet: true,
      // The real shell runs the command with apt-get swapped for `touch` of the package names.
      run: (command) => {
        commands.push(command);
        const touch = `cd ${dir} && touch chromium dataset-fashion-mnist`;
        return spawnSync('sh', ['-c', touch]).status === 0;
      },
      log: (line) => log.push(line),
    });
    expect(missing).toEqual([]);
    expect(commands).toEqual([
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium dataset-fashion-mnist >/dev/null',
    ]);
    expect(log[0]).toBe('Missing Debian package chromium (for testing chromium).');
    expect(log).toContain(`Installing them: ${commands[0]}`);
    expect(log.at(-1)).toBe('Installed chromium dataset-fashion-mnist.');
  });

  it("installs Slurm's packages without their recommended ones, after the others", () => {
    const dir = tempDir();
    const packages = [
      ...packagesIn(dir, ['chromium']),
      ...packagesIn(dir, ['slurmctld', 'munge']).map((item) => ({ ...item, noRecommends: true })),
    ];
    const commands: string[] = [];
    const missing = ensureTestPackages({
      packages,
      isRoot: true,
      hasAptGet: true,
      run: (command) => {
        commands.push(command);
        return spawnSync('sh', ['-c', `cd ${dir} && touch chromium slurmctld munge`]).status === 0;
      },
      log: () => undefined,
    });
    expect(missing).toEqual([]);
    expect(commands).toEqual([
      'apt-get update -qq' +
        ' && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null' +
        ' && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld munge >/dev/null',
    ]);
    // Only Slurm's missing: one install, without recommends.
    const only: string[] = [];
    ensureTestPackages({
      packages: packagesIn(tempDir(), ['slurm-client']).map((item) => ({ ...item, noRecommends: true })),
      isRoot: true,
      hasAptGet: true,
      run: (command) => (only.push(command), false),
      log: () => undefined,
    });
    expect(only).toEqual([
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-client >/dev/null',
    ]);
  });

  it('says what to install where it cannot install, or when apt-get fails', () => {
    const dir = tempDir();
    const packages = packagesIn(dir, ['chromium', 'python3-numpy']);
    const asUser: string[] = [];
    const run = () => {
      throw new Error('must not run apt-get without root');
    };
    expect(
      ensureTestPackages({ packages, isRoot: false, hasAptGet: true, run, log: (line) => asUser.push(line) }),
    ).toEqual(['chromium', 'python3-numpy']);
    expect(asUser).toContain(
      'Still missing: chromium, python3-numpy. Install them with: sudo apt-get install -y chromium python3-numpy',
    );
    expect(asUser.at(-1)).toBe('The tests that need them will fail or be skipped.');

    const failed: string[] = [];
    ensureTestPackages({
      packages,
      isRoot: true,
      hasAptGet: true,
      run: () => false,
      log: (line) => failed.push(line),
    });
    expect(failed).toContain('apt-get failed (see above).');
    expect(failed).toContain(
      'Still missing: chromium, python3-numpy. Install them with: apt-get install -y chromium python3-numpy',
    );

    const elsewhere: string[] = [];
    ensureTestPackages({
      packages,
      isRoot: true,
      hasAptGet: false,
      run,
      log: (line) => elsewhere.push(line),
    });
    expect(elsewhere.join('\n')).toMatch(
      /Install them with: the equivalents of the Debian packages chromium, python3-numpy/,
    );
  });

  it('is silent when everything is there, and npm test runs it before the build', () => {
    const dir = tempDir();
    for (const name of ['a', 'b']) writeFileSync(join(dir, name), '');
    const log: string[] = [];
    expect(
      ensureTestPackages({ packages: packagesIn(dir, ['a', 'b']), log: (line) => log.push(line) }),
    ).toEqual([]);
    expect(log).toEqual([]);
    expect(TEST_PACKAGES.map((item) => item.name)).toEqual([
      'chromium',
      'libvulkan1',
      'python3-numpy',
      'dataset-fashion-mnist',
      'slurmctld',
      'slurmd',
      'munge',
      'slurm-client',
    ]);
    expect(TEST_PACKAGES.filter((item) => item.noRecommends).map((item) => item.name)).toEqual([
      'slurmctld',
      'slurmd',
      'munge',
      'slurm-client',
    ]);
    const { scripts } = JSON.parse(
      spawnSync('cat', [join(ROOT, 'package.json')], { encoding: 'utf8' }).stdout,
    );
    expect(scripts.test).toMatch(/^node scripts\/ensure-test-deps\.mjs && /);
  });

  it('sees the Vulkan loader (libvulkan1) by its soname, as Dawn opens it', () => {
    expect(hasSharedLibrary('libc.so.6')).toBe(true);
    expect(hasSharedLibrary('libdecorbench-absent.so.1')).toBe(false);
  });
});
