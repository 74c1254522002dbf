import type { SystemInfo, WebGpuReport } from '@shared/api/contract';
import { BACKEND_NAMES, type BackendChoice } from '@shared/config/run-config';
import { adapterLabel, type GpuAdapterInfo } from '@shared/gpu';
import { adapterDetail } from '@shared/gpu-report';
import type { FieldOption } from './run-config-field-types';

/** What the host's probe found, as the status bar, the New-run form and the run header need it. */
export type BackendFacts = Pick<SystemInfo, 'backends' | 'webgpu'>;

export interface GpuStatus {
  /** hardware: auto trains on it; software: only when forced; none: no adapter at all. */
  kind: 'hardware' | 'software' | 'none';
  /** One short line, e.g. "GPU: NVIDIA H200 (Vulkan)" or "GPU: none — no libvulkan.so.1". */
  text: string;
  /** Everything found and every reason, one per line, for the tooltip. */
  title: string;
}

/** The adapter auto selection trains on (the first hardware one), else the software one, else none. */
function adapters(report: WebGpuReport): { hardware?: GpuAdapterInfo; software?: GpuAdapterInfo } {
  return {
    hardware: report.adapters.find((adapter) => !adapter.isFallback),
    software: report.adapters.find((adapter) => adapter.isFallback),
  };
}

/** A reason's head, before what to do about it: "no libvulkan.so.1: install ..." -> "no libvulkan.so.1". */
function shortReason(reason: string): string {
  return reason.split(/: |; /)[0]!;
}

/** The status bar's GPU item. */
export function gpuStatus(report: WebGpuReport): GpuStatus {
  const { hardware, software } = adapters(report);
  const found = report.adapters.map((adapter) => `${adapterLabel(adapter)}: ${adapterDetail(adapter)}`);
  if (hardware)
    return {
      kind: 'hardware',
      text: `GPU: ${adapterLabel(hardware)}`,
      title: [`WebGPU: auto selection trains on ${adapterLabel(hardware)}`, ...found].join('\n'),
    };
  const why = report.reasons.map((reason) => `Why: ${reason}`);
  if (software)
    return {
      kind: 'software',
      text: 'GPU: none — software only',
      title: [
        'WebGPU: no hardware adapter; the software one is never picked automatically ("backend": "webgpu" forces it)',
        ...found,
        ...why,
      ].join('\n'),
    };
  return {
    kind: 'none',
    text: `GPU: none — ${report.reasons[0] ? shortReason(report.reasons[0]) : 'no adapter'}`,
    title: ['WebGPU: no adapter', ...why].join('\n'),
  };
}

/**
 * The New-run form's backend choices: webgpu names the adapter it would use (and says when only
 * a software one exists, which it uses only because the choice forces it); a backend the host
 * found unavailable says so. Plain names until the host has answered.
 */
export function backendOptions(facts: BackendFacts | null): FieldOption[] {
  return BACKEND_NAMES.map((name) => {
    if (!facts || name === 'auto') return { value: name, label: name };
    if (name === 'webgpu') {
      const { hardware, software } = adapters(facts.webgpu);
      const label = hardware
        ? adapterLabel(hardware)
        : software
          ? 'software adapter only (forced)'
          : 'no GPU adapter';
      return { value: name, label: `webgpu — ${label}` };
    }
    const known = facts.backends.find((backend) => backend.name === name);
    return { value: name, label: known && !known.available ? `${name} — unavailable` : name };
  });
}

/** The backend field's hint: what auto does here, and what a forced webgpu run will get. */
export function backendHint(facts: BackendFacts | null, choice: BackendChoice | undefined): string {
  const order =
    'auto picks the fastest available: tensorflow, then webgpu (a hardware GPU), then wasm, then cpu';
  if (!facts) return order;
  const { hardware, software } = adapters(facts.webgpu);
  if (choice === 'webgpu') {
    if (hardware) return `Trains on ${adapterLabel(hardware)} through WebGPU`;
    if (software)
      return `Only a software adapter exists (${adapterLabel(software)}): the run uses it because it is forced, slower than wasm`;
    return `No GPU adapter: the run will fail to start (${facts.webgpu.reasons.join('; ') || 'none found'})`;
  }
  if (hardware) return `${order}; the GPU here: ${adapterLabel(hardware)}`;
  return `${order}; no hardware GPU here, so not webgpu${software ? ' (the software adapter is used only when forced)' : ''}`;
}
