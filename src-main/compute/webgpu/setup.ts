import * as tf from '@tensorflow/tfjs';
import { adapterLabel, type GpuAdapterInfo } from '@shared/gpu';
import { findAdapters } from './adapter';
import { loadDawn } from './dawn';
import { vulkanEnvironment, whyNoAdapter } from './diagnose';

export type WebGpuStart =
  { ok: true; adapter: GpuAdapterInfo; device: string } | { ok: false; reason: string };

/**
 * Puts tfjs's webgpu backend on Dawn: Dawn's globals and `navigator.gpu` first (the backend checks
 * for WebGPU when it is imported), then the import, then `setBackend`. `allowFallback` lets a
 * software adapter (SwiftShader) through; without it only a hardware adapter is used.
 */
export async function startWebGpu(allowFallback: boolean): Promise<WebGpuStart> {
  const dawn = await loadDawn();
  if (!dawn.ok) return { ok: false, reason: dawn.reason };
  const adapters = await findAdapters(dawn.gpu);
  const hardware = adapters.find((found) => !found.info.isFallback);
  const chosen = hardware ?? (allowFallback ? adapters[0] : undefined);
  if (!chosen) {
    const software = adapters[0];
    const reasons = whyNoAdapter(vulkanEnvironment(), Boolean(software));
    const found = software
      ? `only a software adapter, ${adapterLabel(software.info)}, which is never picked automatically (force "backend": "webgpu" to use it); `
      : 'no adapter: ';
    return { ok: false, reason: `${found}${reasons.join('; ')}` };
  }
  for (const [name, value] of Object.entries(dawn.module.globals)) {
    if (!(name in globalThis))
      Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  // tfjs asks navigator.gpu for an adapter: hand it the one checked above. Node >= 21 has its own
  // navigator (a getter), hence defineProperty rather than assignment.
  const gpu = {
    requestAdapter: async () => chosen.adapter,
    getPreferredCanvasFormat: () => 'rgba8unorm',
    wgslLanguageFeatures: dawn.gpu.wgslLanguageFeatures,
  };
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  try {
    await import(/* @vite-ignore */ '@tensorflow/tfjs-backend-webgpu' as string);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      reason: /Cannot find (package|module)/.test(message)
        ? 'the optional package @tensorflow/tfjs-backend-webgpu is not installed (npm install @tensorflow/tfjs-backend-webgpu@4.22.0)'
        : `@tensorflow/tfjs-backend-webgpu failed to load: ${message.split('\n')[0]}`,
    };
  }
  try {
    if (!(await tf.setBackend('webgpu')))
      return { ok: false, reason: 'the webgpu backend did not initialise' };
    await tf.ready();
  } catch (error) {
    return {
      ok: false,
      reason: `the webgpu backend failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return { ok: true, adapter: chosen.info, device: adapterLabel(chosen.info) };
}
