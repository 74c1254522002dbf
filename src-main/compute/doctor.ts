import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { ldconfigLibraries } from './shared-libraries';

export type CheckStatus = 'ok' | 'missing' | 'info';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
}

/**
 * What tfjs-node-gpu 4.22 loads (libtensorflow 2.9.1, built for CUDA 11.2 and cuDNN 8.1): the
 * sonames it opens at start-up. Newer CUDA majors do not satisfy them (different sonames).
 */
export const CUDA_LIBRARIES = [
  'libcudart.so.11.0',
  'libcublas.so.11',
  'libcublasLt.so.11',
  'libcufft.so.10',
  'libcurand.so.10',
  'libcusolver.so.11',
  'libcusparse.so.11',
  'libcudnn.so.8',
];

export const GPU_REQUIREMENTS = [
  'The GPU path uses @tensorflow/tfjs-node-gpu 4.22 (optional dependency), which needs:',
  '  - its libtensorflow 2.9.1 GPU build, downloaded by its install script from storage.googleapis.com',
  '    (npm install @tensorflow/tfjs-node-gpu on a machine with that access, or TFJS_NODE_CDN_STORAGE',
  '    pointing at a local HTTP mirror of the tarball);',
  '  - CUDA 11.x runtime libraries on the library path:',
  `    ${CUDA_LIBRARIES.slice(0, 4).join(', ')},`,
  `    ${CUDA_LIBRARIES.slice(4, -1).join(', ')};`,
  '  - cuDNN 8 for CUDA 11 (libcudnn.so.8) and an NVIDIA driver >= 450.80.02;',
  '  - GPUs newer than Ampere run it only through PTX JIT (slow first start); Hopper (sm_90) is untested.',
  'CUDA 12/13 alone does not work: libtensorflow 2.9.1 opens the .so.11 / .so.8 names above.',
].join('\n');

const resolver = createRequire(import.meta.url);

/** The shared-library cache plus LD_LIBRARY_PATH, for the CUDA libraries: soname -> path. */
function sharedLibraries(): Map<string, string> {
  const found = ldconfigLibraries();
  for (const dir of (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) {
    for (const name of CUDA_LIBRARIES) if (existsSync(join(dir, name))) found.set(name, join(dir, name));
  }
  return found;
}

function nvidiaSmi(): string | undefined {
  try {
    return execFileSync(
      'nvidia-smi',
      ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 10_000,
      },
    ).trim();
  } catch {
    return undefined;
  }
}

function packageDir(name: string): string | undefined {
  try {
    return dirname(resolver.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** Checks of the GPU path, without loading anything (loading is what `selectBackend` does). */
export function gpuChecks(): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const gpuPackage = packageDir('@tensorflow/tfjs-node-gpu');
  checks.push(
    gpuPackage
      ? { name: 'tfjs-node-gpu', status: 'ok', detail: `installed at ${gpuPackage}` }
      : {
          name: 'tfjs-node-gpu',
          status: 'missing',
          detail: 'not installed (npm install @tensorflow/tfjs-node-gpu)',
        },
  );
  if (gpuPackage) {
    const library = join(gpuPackage, 'deps', 'lib', 'libtensorflow.so.2');
    checks.push(
      existsSync(library)
        ? { name: 'libtensorflow 2.9.1 (GPU)', status: 'ok', detail: library }
        : {
            name: 'libtensorflow 2.9.1 (GPU)',
            status: 'missing',
            detail: `${library} is absent: its install script did not download it`,
          },
    );
  }
  const libraries = sharedLibraries();
  for (const name of CUDA_LIBRARIES) {
    const path = libraries.get(name);
    const other = [...libraries.keys()].filter(
      (key) => key.startsWith(name.split('.so')[0]! + '.so.') && key !== name,
    );
    checks.push(
      path
        ? { name, status: 'ok', detail: path }
        : {
            name,
            status: 'missing',
            detail:
              other.length > 0
                ? `not found; this machine has ${other.join(', ')} (another CUDA major)`
                : 'not found',
          },
    );
  }
  const gpu = nvidiaSmi();
  checks.push(
    gpu
      ? { name: 'NVIDIA GPU', status: 'ok', detail: gpu }
      : { name: 'NVIDIA GPU', status: 'missing', detail: 'nvidia-smi not found or no GPU visible' },
  );
  return checks;
}

export function machineChecks(): DoctorCheck[] {
  return [
    { name: 'Node.js', status: 'info', detail: process.versions.node },
    { name: 'CPU', status: 'info', detail: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown'}` },
    { name: 'memory', status: 'info', detail: `${(totalmem() / 2 ** 30).toFixed(1)} GiB` },
    {
      name: 'tfjs-node (CPU)',
      status: packageDir('@tensorflow/tfjs-node') ? 'ok' : 'missing',
      detail: packageDir('@tensorflow/tfjs-node')
        ? 'installed'
        : 'not installed (optional: libtensorflow on the CPU)',
    },
  ];
}
