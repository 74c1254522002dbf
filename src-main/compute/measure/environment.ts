/** The machine and software a benchmark ran on, so a report read later says what it measured. */
import { createRequire } from 'node:module';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { CostEnvironment } from '@shared/cost/types';
import type { GpuAdapterInfo } from '@shared/gpu';
import type { BackendSelection } from '../backend';
import { readAppVersion } from '../../paths';

export interface BenchEnvironment {
  machine: {
    platform: string;
    release: string;
    arch: string;
    cpu: string;
    cpuCount: number;
    memoryBytes: number;
  };
  backend: { name: string; device: string; adapter: GpuAdapterInfo | null; skipped: string[] };
  /** Decorbench, Node and the compute packages; null for a package that is not installed. */
  versions: Record<string, string | null>;
}

const resolver = createRequire(import.meta.url);

/** The installed version of an (optional) package, read from its package.json. */
function packageVersion(name: string): string | null {
  try {
    return (resolver(`${name}/package.json`) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

function describeMachine(): BenchEnvironment['machine'] {
  return {
    platform: platform(),
    release: release(),
    arch: arch(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus().length,
    memoryBytes: totalmem(),
  };
}

export function describeEnvironment(selection: BackendSelection, buildDir: string): BenchEnvironment {
  return {
    machine: describeMachine(),
    backend: {
      name: selection.name,
      device: selection.device,
      adapter: selection.adapter ?? null,
      skipped: selection.skipped,
    },
    versions: {
      decorbench: readAppVersion(buildDir),
      node: process.versions.node,
      tfjs: tf.version.tfjs,
      'tfjs-backend-webgpu': packageVersion('@tensorflow/tfjs-backend-webgpu'),
      'tfjs-backend-wasm': packageVersion('@tensorflow/tfjs-backend-wasm'),
      'tfjs-node-gpu': packageVersion('@tensorflow/tfjs-node-gpu'),
      webgpu: packageVersion('webgpu'),
    },
  };
}

/** Where a cost study ran, as stored with it (src-shared/cost/types.ts). */
export function costEnvironment(selection: BackendSelection, appVersion: string): CostEnvironment {
  const machine = describeMachine();
  return {
    hostname: hostname(),
    platform: `${machine.platform} ${machine.release} ${machine.arch}`,
    cpuModel: machine.cpu,
    cpuCount: machine.cpuCount,
    memoryBytes: machine.memoryBytes,
    backend: selection.name,
    device: selection.device,
    adapter: selection.adapter ?? null,
    appVersion,
  };
}
