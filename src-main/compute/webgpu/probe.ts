import type { BackendInfo, WebGpuReport } from '@shared/api/contract';
import { adapterLabel } from '@shared/gpu';
import { findAdapters } from './adapter';
import { loadDawn } from './dawn';
import { vulkanEnvironment, whyNoAdapter, type VulkanEnvironment } from './diagnose';

/**
 * Loads Dawn in this process and lists every adapter it offers, with the reasons when none is a
 * hardware one. Only for processes that may load Dawn (the CLI, a probe child): the app's host
 * process asks a child (probe-process.ts).
 */
export async function probeWebGpu(
  environment: () => VulkanEnvironment = () => vulkanEnvironment(),
): Promise<WebGpuReport> {
  const dawn = await loadDawn();
  if (!dawn.ok) return { adapters: [], reasons: [dawn.reason] };
  const adapters = (await findAdapters(dawn.gpu)).map((found) => found.info);
  const hardware = adapters.some((adapter) => !adapter.isFallback);
  return { adapters, reasons: hardware ? [] : whyNoAdapter(environment(), adapters.length > 0) };
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
