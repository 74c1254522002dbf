import type { WebGpuReport } from '@shared/api/contract';
import { adapterLabel, type GpuAdapterInfo } from '@shared/gpu';
import type { DoctorCheck } from '../doctor';

/** 1073741824 -> "1 GiB", 32768 -> "32 KiB". */
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
export function describeAdapterDetail(adapter: GpuAdapterInfo): string {
  const identity = [adapter.vendor, adapter.architecture, adapter.device]
    .map((part) => part || '?')
    .join(' / ');
  const kind = adapter.isFallback ? 'software (used only when "backend": "webgpu" is forced)' : 'hardware';
  const { limits } = adapter;
  return [
    `${identity}`,
    `driver "${adapter.description || 'unknown'}"`,
    kind,
    `max buffer ${formatBytes(limits.maxBufferSize)}, storage binding ${formatBytes(limits.maxStorageBufferBindingSize)}, ` +
      `workgroup storage ${formatBytes(limits.maxComputeWorkgroupStorageSize)}, ` +
      `${limits.maxComputeInvocationsPerWorkgroup} invocations per workgroup`,
  ].join('; ');
}

/**
 * The doctor's WebGPU section: one line per adapter (a hardware one passes, a software one is a
 * fact), then, without a hardware adapter, one missing line per reason.
 */
export function webGpuChecks(report: WebGpuReport): DoctorCheck[] {
  const checks: DoctorCheck[] = report.adapters.map((adapter) => ({
    name: adapterLabel(adapter),
    status: adapter.isFallback ? 'info' : 'ok',
    detail: describeAdapterDetail(adapter),
  }));
  if (report.adapters.some((adapter) => !adapter.isFallback)) return checks;
  const [first, ...more] = report.reasons;
  checks.push({ name: 'hardware adapter', status: 'missing', detail: first ?? 'none found' });
  for (const reason of more) checks.push({ name: 'also', status: 'missing', detail: reason });
  return checks;
}
