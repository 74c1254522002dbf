import { createRequire } from 'node:module';
import { arch, cpus, platform, totalmem } from 'node:os';
import type { BackendInfo, SystemInfo, WebGpuReport } from '@shared/api/contract';
import { webGpuBackendInfo } from '@shared/gpu-report';
import { defaultWasmThreads } from '../compute/wasm-thread-count';
import { probeWebGpuInChild } from '../compute/webgpu/probe-process';

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
 * (loading libtensorflow in the host process would cost seconds and memory); WebGPU's entry
 * comes from the child process's report.
 */
export function probeBackends(webgpu: WebGpuReport): BackendInfo[] {
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
    webGpuBackendInfo(webgpu),
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
  /** The WebGPU report (see `cachedWebGpuProbe`). */
  webgpu: () => Promise<WebGpuReport>;
}

/**
 * The host's WebGPU report: probed in a child process (the built CLI's `gpu-probe --json`) on
 * the first call, then the same answer for the host's life. Adapters do not come and go while an
 * app runs, and a probe costs a process start and a Vulkan instance (about a second).
 */
export function cachedWebGpuProbe(
  cliEntry: string | undefined,
  timeoutMs?: number,
): () => Promise<WebGpuReport> {
  let report: Promise<WebGpuReport> | undefined;
  return () =>
    (report ??= cliEntry
      ? probeWebGpuInChild({ cliEntry, timeoutMs })
      : Promise.resolve({
          adapters: [],
          reasons: ['not probed: this host has no built command line to probe with'],
        }));
}

export async function systemInfo(context: SystemContext): Promise<SystemInfo> {
  const webgpu = await context.webgpu();
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
    backends: probeBackends(webgpu),
    webgpu,
  };
}
