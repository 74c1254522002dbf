#!/usr/bin/env node
// Run by `npm test` before the build: the system packages the tests need. On Debian as root it
// installs what is missing (apt-get), saying so; elsewhere it says what to install. It never
// fails the test run itself: the tests that need a missing package fail or skip with their reason.
//   chromium               the end-to-end tests drive Debian's Chromium (CHROMIUM_PATH overrides);
//                          it also carries SwiftShader, the software Vulkan driver the WebGPU tests
//                          run on (/usr/lib/chromium/vk_swiftshader_icd.json)
//   libvulkan1             the Vulkan loader (libvulkan.so.1) Dawn opens for WebGPU; the WebGPU
//                          tests point it at SwiftShader themselves (tests/helpers/webgpu.ts)
//   python3-numpy          exports are also checked with numpy itself (skipped without it)
//   dataset-fashion-mnist  the full dataset, read where installed (skipped without it)
//   slurmctld slurmd munge slurm-client
//                          a one-node Slurm the cluster tests submit jobs to (scripts/local-slurm.mjs,
//                          started by tests/global-setup.ts; skipped without it); installed without
//                          their recommended packages (no mail server, no accounting database)
// DECORBENCH_SKIP_TEST_DEPS=1 skips the check (e.g. to run the tests without what they need).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Whether the dynamic linker finds `soname` (its cache, or the usual library folders). */
export function hasSharedLibrary(soname) {
  const cache = spawnSync('sh', ['-c', 'ldconfig -p 2>/dev/null || /sbin/ldconfig -p'], { encoding: 'utf8' });
  if (cache.stdout?.split('\n').some((line) => line.trim().startsWith(`${soname} `))) return true;
  return ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'].some((dir) =>
    existsSync(`${dir}/${soname}`),
  );
}

const canRun = (command) =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/**
 * What the tests need, each with how to see whether it is there; `noRecommends` ones are
 * installed with --no-install-recommends.
 */
export const TEST_PACKAGES = [
  {
    name: 'chromium',
    why: 'the end-to-end tests in tests/e2e',
    present: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
  },
  {
    name: 'libvulkan1',
    why: 'the WebGPU tests (Dawn opens the Vulkan loader, libvulkan.so.1)',
    present: () => hasSharedLibrary('libvulkan.so.1'),
  },
  {
    name: 'python3-numpy',
    why: 'checking exported .npy and CSV files with numpy itself',
    present: () => spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0,
  },
  {
    name: 'dataset-fashion-mnist',
    why: 'the tests that read the full Fashion-MNIST',
    present: () => existsSync('/usr/share/datasets/fashion-mnist'),
  },
  ...[
    ['slurmctld', 'slurmctld', "the cluster tests (Slurm's controller)"],
    ['slurmd', 'slurmd', "the cluster tests (Slurm's node daemon)"],
    ['munge', 'munged', "the cluster tests (Slurm's authentication)"],
    ['slurm-client', 'sbatch', 'the cluster tests (sbatch, squeue, scontrol, scancel, sinfo)'],
  ].map(([name, command, why]) => ({ name, why, noRecommends: true, present: () => canRun(command) })),
];

/**
 * Installs the missing packages when this is a Debian-like machine and we are root; returns the
 * names still missing afterwards. `run` runs one shell command with its output on the terminal.
 */
export function ensureTestPackages({
  packages = TEST_PACKAGES,
  isRoot = process.getuid?.() === 0,
  hasAptGet = canRun('apt-get'),
  run = (command) => spawnSync('sh', ['-c', command], { stdio: 'inherit' }).status === 0,
  log = (line) => console.log(line),
} = {}) {
  const missing = packages.filter((item) => !item.present());
  if (missing.length === 0) return [];
  const names = missing.map((item) => item.name).join(' ');
  for (const item of missing) log(`Missing Debian package ${item.name} (for ${item.why}).`);
  if (hasAptGet && isRoot) {
    // apt's progress lines go nowhere; its errors still reach the terminal.
    const install = (items, flags = '') =>
      `DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${flags}${items.map((item) => item.name).join(' ')} >/dev/null`;
    const plain = missing.filter((item) => !item.noRecommends);
    const bare = missing.filter((item) => item.noRecommends);
    const command = [
      'apt-get update -qq',
      ...(plain.length > 0 ? [install(plain)] : []),
      ...(bare.length > 0 ? [install(bare, '--no-install-recommends ')] : []),
    ].join(' && ');
    log(`Installing them: ${command}`);
    if (!run(command)) log(`apt-get failed (see above).`);
  }
  const stillMissing = missing.filter((item) => !item.present()).map((item) => item.name);
  if (stillMissing.length > 0) {
    const how = hasAptGet
      ? `${isRoot ? '' : 'sudo '}apt-get install -y ${stillMissing.join(' ')}`
      : `the equivalents of the Debian packages ${stillMissing.join(', ')} (or CHROMIUM_PATH=/path/to/chromium)`;
    log(`Still missing: ${stillMissing.join(', ')}. Install them with: ${how}`);
    log('The tests that need them will fail or be skipped.');
  } else {
    log(`Installed ${names}.`);
  }
  return stillMissing;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.env.DECORBENCH_SKIP_TEST_DEPS !== '1') ensureTestPackages();
}
