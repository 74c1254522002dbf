import { createRequire } from 'node:module';
import { arch, cpus, platform, totalmem } from 'node:os';
import type { BackendInfo, SystemInfo } from '@shared/api/contract';
import { defaultWasmThreads } from '../compute/wasm-thread-count';

const resolver = createRequire(import.meta.url);

function installed(packageName: string): boolean {
  try {
    resolver.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

/**
 * What the training workers could use on this machine, found without loading any backend
 * (loading libtensorflow in the host process would cost seconds and memory).
 */
export function probeBackends(): BackendInfo[] {
  const wasmThreads = defaultWasmThreads();
  const gpu = installed('@tensorflow/tfjs-node-gpu');
  const node = installed('@tensorflow/tfjs-node');
  return [
    {
      name: 'tensorflow',
      available: gpu || node,
      detail: gpu
        ? 'tfjs-node-gpu is installed (CUDA 11.2 + cuDNN 8.1 needed at run time)'
        : node
          ? 'tfjs-node is installed (CPU)'
          : 'tfjs-node-gpu and tfjs-node are not installed',
    },
    {
      name: 'wasm',
      available: installed('@tensorflow/tfjs-backend-wasm'),
      detail: `WebAssembly, SIMD, ${wasmThreads} thread${wasmThreads === 1 ? '' : 's'} (falls back to 1 if threads cannot start)`,
    },
    { name: 'cpu', available: true, detail: 'plain JavaScript (slow; tests and tiny shapes)' },
  ];
}

export interface SystemContext {
  host: SystemInfo['host'];
  appVersion: string;
  databasePath: string;
  maxConcurrentRuns: number;
}

export function systemInfo(context: SystemContext): SystemInfo {
  return {
    appVersion: context.appVersion,
    host: context.host,
    platform: platform(),
    arch: arch(),
    cpuCount: cpus().length,
    totalMemoryBytes: totalmem(),
    nodeVersion: process.versions.node,
    electronVersion: process.versions.electron ?? null,
    databasePath: context.databasePath,
    maxConcurrentRuns: context.maxConcurrentRuns,
    backends: probeBackends(),
  };
}
