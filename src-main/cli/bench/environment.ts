/** The machine and software a benchmark ran on, so a report read later says what it measured. */
import { createRequire } from 'node:module';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { GpuAdapterInfo } from '@shared/gpu';
import type { BackendSelection } from '../../compute/backend';
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

export function describeEnvironment(selection: BackendSelection, buildDir: string): BenchEnvironment {
  return {
    machine: {
      platform: platform(),
      release: release(),
      arch: arch(),
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cpuCount: cpus().length,
      memoryBytes: totalmem(),
    },
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
