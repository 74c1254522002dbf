import { describe, expect, it } from 'vitest';
import type { BackendInfo, WebGpuReport } from '@shared/api/contract';
import {
  backendHint,
  backendOptions,
  gpuStatus,
  type BackendFacts,
} from '../../src-renderer/domain/gpu-status';
import { buildSections } from '../../src-renderer/domain/run-config-fields';
import { H200_ADAPTER, SWIFTSHADER_ADAPTER } from '../helpers/gpu-adapters';
import { schemaDefaultValues } from './run-config-values';

const H200 = H200_ADAPTER;
const SWIFTSHADER = SWIFTSHADER_ADAPTER;
const LOADER = 'no libvulkan.so.1: install the Vulkan loader (Debian/Ubuntu: apt install libvulkan1)';

function facts(webgpu: WebGpuReport): BackendFacts {
  const backends: BackendInfo[] = [
    { name: 'tensorflow', available: false, detail: 'not installed' },
    { name: 'webgpu', available: webgpu.adapters.some((adapter) => !adapter.isFallback), detail: '' },
    { name: 'wasm', available: true, detail: '' },
    { name: 'cpu', available: true, detail: '' },
  ];
  return { backends, webgpu };
}

describe('the GPU in the status bar', () => {
  it('names the hardware adapter, with every adapter and its details on hover', () => {
    const status = gpuStatus({ adapters: [H200, SWIFTSHADER], reasons: [] });
    expect(status.kind).toBe('hardware');
    expect(status.text).toBe('GPU: NVIDIA H200 (Vulkan)');
    expect(status.title.split('\n')).toEqual([
      'WebGPU: auto selection trains on NVIDIA H200 (Vulkan)',
      'NVIDIA H200 (Vulkan): nvidia / hopper / nvidia-h200; driver "NVIDIA: 560.35.03"; hardware; max buffer 128 GiB, storage binding 2 GiB, workgroup storage 48 KiB, 1024 invocations per workgroup',
      expect.stringMatching(/^SwiftShader Device \(Subzero\) \(Vulkan, software\): google \/ swiftshader/),
    ]);
  });

  it('says none, and why, when there is only a software adapter or none', () => {
    const software = gpuStatus({ adapters: [SWIFTSHADER], reasons: ['only software'] });
    expect(software.kind).toBe('software');
    expect(software.text).toBe('GPU: none — software only');
    expect(software.title).toMatch(/never picked automatically/);
    expect(software.title.split('\n').at(-1)).toBe('Why: only software');
    const none = gpuStatus({ adapters: [], reasons: [LOADER, 'no manifest'] });
    expect(none).toEqual({
      kind: 'none',
      text: 'GPU: none — no libvulkan.so.1',
      title: `WebGPU: no adapter\nWhy: ${LOADER}\nWhy: no manifest`,
    });
  });
});

describe('the backend choice of the New-run form', () => {
  it('names the adapter webgpu would use, forced-only software, or none; and unavailable backends', () => {
    const labels = (webgpu: WebGpuReport) => backendOptions(facts(webgpu)).map((option) => option.label);
    expect(labels({ adapters: [H200], reasons: [] })).toEqual([
      'auto',
      'tensorflow — unavailable',
      'webgpu — NVIDIA H200 (Vulkan)',
      'wasm',
      'cpu',
    ]);
    expect(labels({ adapters: [SWIFTSHADER], reasons: [] })[2]).toBe(
      'webgpu — software adapter only (forced)',
    );
    expect(labels({ adapters: [], reasons: [LOADER] })[2]).toBe('webgpu — no GPU adapter');
    expect(backendOptions(null).map((option) => option.label)).toEqual([
      'auto',
      'tensorflow',
      'webgpu',
      'wasm',
      'cpu',
    ]);
    expect(backendOptions(null).map((option) => option.value)).toEqual([
      'auto',
      'tensorflow',
      'webgpu',
      'wasm',
      'cpu',
    ]);
  });

  it('hints what auto and a forced webgpu run get here', () => {
    const software = facts({ adapters: [SWIFTSHADER], reasons: [] });
    expect(backendHint(software, 'auto')).toMatch(
      /no hardware GPU here, so not webgpu \(the software adapter is used only when forced\)$/,
    );
    expect(backendHint(software, 'webgpu')).toBe(
      'Only a software adapter exists (SwiftShader Device (Subzero) (Vulkan, software)): the run uses it because it is forced, slower than wasm',
    );
    expect(backendHint(facts({ adapters: [H200], reasons: [] }), 'auto')).toMatch(
      /the GPU here: NVIDIA H200 \(Vulkan\)$/,
    );
    expect(backendHint(facts({ adapters: [], reasons: [LOADER] }), 'webgpu')).toBe(
      `No GPU adapter: the run will fail to start (${LOADER})`,
    );
  });

  it('reaches the form: the Run section takes the host facts', () => {
    const values = { ...schemaDefaultValues(), backend: 'webgpu' };
    const field = buildSections(values, {
      backends: facts({ adapters: [SWIFTSHADER], reasons: [] }),
    })[0]!.fields.find((candidate) => candidate.path === 'backend');
    expect(field?.options?.find((option) => option.value === 'webgpu')?.label).toMatch(
      /^webgpu — software adapter only \(forced\)$/,
    );
    expect(field?.hint).toMatch(/^Only a software adapter exists/);
  });
});
