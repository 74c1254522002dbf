/**
 * How both ends describe what WebGPU found: the webgpu entry of the backend list, and one
 * adapter's details (doctor's lines, the status bar's and the run header's tooltips).
 */
import type { BackendInfo, WebGpuReport } from './api/contract';
import { adapterLabel, type GpuAdapterInfo } from './gpu';

/** 1073741824 -> "1 GiB", 49152 -> "48 KiB". */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} B`;
}

/** Dawn's identification, the driver, the kind and the limits that bound our tensors and kernels. */
export function adapterDetail(adapter: GpuAdapterInfo): string {
  const identity = [adapter.vendor, adapter.architecture, adapter.device]
    .map((part) => part || '?')
    .join(' / ');
  const kind = adapter.isFallback ? 'software (used only when "backend": "webgpu" is forced)' : 'hardware';
  const { limits } = adapter;
  return [
    identity,
    `driver "${adapter.description || 'unknown'}"`,
    kind,
    `max buffer ${formatBytes(limits.maxBufferSize)}, storage binding ${formatBytes(limits.maxStorageBufferBindingSize)}, ` +
      `workgroup storage ${formatBytes(limits.maxComputeWorkgroupStorageSize)}, ` +
      `${limits.maxComputeInvocationsPerWorkgroup} invocations per workgroup`,
  ].join('; ');
}

/**
 * The webgpu entry of the backend list: available with a hardware adapter (what auto would train
 * on), else the reason; a software adapter is named as usable only when forced.
 */
export function webGpuBackendInfo(report: WebGpuReport): BackendInfo {
  const hardware = report.adapters.find((adapter) => !adapter.isFallback);
  if (hardware) return { name: 'webgpu', available: true, detail: adapterLabel(hardware) };
  const software = report.adapters[0];
  const found = software
    ? `only a software adapter, ${adapterLabel(software)} (used only when "backend": "webgpu" is forced)`
    : 'no adapter';
  const why = report.reasons.join('; ');
  return { name: 'webgpu', available: false, detail: why ? `${found}: ${why}` : found };
}
