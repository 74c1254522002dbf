import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WebGpuReport } from '@shared/api/contract';
import { formatBytes, webGpuBackendInfo } from '@shared/gpu-report';
import { webGpuChecks } from '../../../../src-main/compute/webgpu/probe-checks';
import { probeWebGpuInChild } from '../../../../src-main/compute/webgpu/probe-process';
import { H200_ADAPTER, SWIFTSHADER_ADAPTER } from '../../../helpers/gpu-adapters';
import { useTempDir } from '../../../helpers/temp-dir';
import { SWIFTSHADER_ICD } from '../../../helpers/webgpu';
import { BUILD_DIR, requireBuild } from '../../../helpers/workbench';

const H200 = H200_ADAPTER;
const SWIFTSHADER = SWIFTSHADER_ADAPTER;

describe('the webgpu entry of the backend list and of doctor', () => {
  it('names the hardware adapter auto trains on, even beside a software one', () => {
    const report: WebGpuReport = { adapters: [H200, SWIFTSHADER], reasons: [] };
    expect(webGpuBackendInfo(report)).toEqual({
      name: 'webgpu',
      available: true,
      detail: 'NVIDIA H200 (Vulkan)',
    });
    expect(webGpuChecks(report)).toEqual([
      {
        name: 'NVIDIA H200 (Vulkan)',
        status: 'ok',
        detail:
          'nvidia / hopper / nvidia-h200; driver "NVIDIA: 560.35.03"; hardware; max buffer 128 GiB, storage binding 2 GiB, workgroup storage 48 KiB, 1024 invocations per workgroup',
      },
      expect.objectContaining({ name: 'SwiftShader Device (Subzero) (Vulkan, software)', status: 'info' }),
    ]);
  });

  it('is unavailable with only a software adapter or none, and says why', () => {
    const softwareOnly = webGpuBackendInfo({
      adapters: [SWIFTSHADER],
      reasons: ['only software', 'a container'],
    });
    expect(softwareOnly).toEqual({
      name: 'webgpu',
      available: false,
      detail:
        'only a software adapter, SwiftShader Device (Subzero) (Vulkan, software) (used only when "backend": "webgpu" is forced): only software; a container',
    });
    expect(webGpuBackendInfo({ adapters: [], reasons: ['no libvulkan.so.1'] }).detail).toBe(
      'no adapter: no libvulkan.so.1',
    );
    expect(webGpuChecks({ adapters: [], reasons: ['no loader', 'no manifest'] })).toEqual([
      { name: 'hardware adapter', status: 'missing', detail: 'no loader' },
      { name: 'also', status: 'missing', detail: 'no manifest' },
    ]);
    expect([formatBytes(1536), formatBytes(100), formatBytes(3 * 2 ** 20)]).toEqual([
      '1.5 KiB',
      '100 B',
      '3 MiB',
    ]);
  });
});

describe('probeWebGpuInChild', () => {
  const tempDir = useTempDir();

  it('runs the built gpu-probe in a child: SwiftShader as software, or why there is no adapter', async () => {
    requireBuild();
    const cliEntry = join(BUILD_DIR, 'cli.js');
    const software = await probeWebGpuInChild({
      cliEntry,
      env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD },
    });
    expect(software.adapters).toEqual([SWIFTSHADER]);
    expect(software.reasons[0]).toBe(
      'the Vulkan drivers found (vk_swiftshader_icd.json) offer only a software device',
    );
    const none = await probeWebGpuInChild({
      cliEntry,
      env: { ...process.env, VK_ICD_FILENAMES: '/nowhere/icd.json' },
    });
    expect(none).toMatchObject({
      adapters: [],
      reasons: expect.arrayContaining([
        'VK_ICD_FILENAMES/VK_DRIVER_FILES names no existing driver manifest (/nowhere/icd.json)',
      ]),
    });
  });

  it('runs the entry as Node (ELECTRON_RUN_AS_NODE) and reports a child that fails, lies or hangs', async () => {
    const dir = tempDir();
    const script = (name: string, body: string) => {
      writeFileSync(join(dir, name), body);
      return join(dir, name);
    };
    const echo = script(
      'echo.mjs',
      `console.log('driver noise'); console.log(JSON.stringify({ adapters: [], reasons: [process.env.ELECTRON_RUN_AS_NODE + ' ' + process.argv.slice(2).join(' ')] }));`,
    );
    expect(await probeWebGpuInChild({ cliEntry: echo })).toEqual({
      adapters: [],
      reasons: ['1 gpu-probe --json'],
    });
    const failing = script('failing.mjs', `console.error('dawn.node: cannot open'); process.exit(3);`);
    expect((await probeWebGpuInChild({ cliEntry: failing })).reasons).toEqual([
      'the GPU probe failed: exit code 3: dawn.node: cannot open',
    ]);
    const odd = script('odd.mjs', `console.log('{"adapters": "none"}');`);
    expect((await probeWebGpuInChild({ cliEntry: odd })).reasons[0]).toMatch(
      /^the GPU probe failed: exit code 0: \{"adapters"/,
    );
    const hanging = script('hanging.mjs', `setInterval(() => {}, 1000);`);
    const started = Date.now();
    expect(await probeWebGpuInChild({ cliEntry: hanging, timeoutMs: 500 })).toEqual({
      adapters: [],
      reasons: ['the GPU probe failed: no answer within 0.5 s'],
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
