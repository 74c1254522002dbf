import { platform } from 'node:os';
import { gpuApiFor, type GpuAdapterInfo } from '@shared/gpu';

/** Dawn's adapter info and limits in our shape (`isFallbackAdapter` moved into info in 2024). */
export function describeAdapter(adapter: GPUAdapter): GpuAdapterInfo {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = adapter as GPUAdapter & { isFallbackAdapter?: boolean };
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallback: Boolean(info.isFallbackAdapter ?? legacy.isFallbackAdapter),
    api: gpuApiFor(platform()),
    limits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
    },
  };
}

export interface FoundAdapter {
  adapter: GPUAdapter;
  info: GpuAdapterInfo;
}

/**
 * Every adapter Dawn offers: the high-performance one, the low-power one (a laptop's integrated
 * GPU) and the fallback (software) one, without duplicates. Hardware adapters come first.
 */
export async function findAdapters(gpu: GPU): Promise<FoundAdapter[]> {
  const requests: GPURequestAdapterOptions[] = [
    { powerPreference: 'high-performance' },
    { powerPreference: 'low-power' },
    { forceFallbackAdapter: true },
  ];
  const found: FoundAdapter[] = [];
  for (const options of requests) {
    const adapter = await gpu.requestAdapter(options).catch(() => null);
    if (!adapter) continue;
    const info = describeAdapter(adapter);
    const key = (item: GpuAdapterInfo) =>
      `${item.vendor}|${item.device}|${item.description}|${item.isFallback}`;
    if (!found.some((other) => key(other.info) === key(info))) found.push({ adapter, info });
  }
  return found.sort((a, b) => Number(a.info.isFallback) - Number(b.info.isFallback));
}
