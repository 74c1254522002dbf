import type { WebGpuReport } from '@shared/api/contract';
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
