import { afterEach, describe, expect, it } from 'vitest';
import type { WebGpuReport } from '@shared/api/contract';
import { SWIFTSHADER_ICD, useSoftwareVulkan } from '../../../helpers/webgpu';
import { cli } from '../run-cli';

interface Check {
  name: string;
  status: 'ok' | 'missing' | 'info';
}

interface DoctorJson {
  backend: { name: string; skipped: string[] };
  machine: Check[];
  webgpu: WebGpuReport & { backend: { available: boolean; detail: string }; checks: Check[] };
  gpu: Check[];
}

const ICD_BEFORE = process.env.VK_ICD_FILENAMES;

/** `doctor` and `doctor --json` in real processes, with this test's Vulkan environment. */
function doctor(): { text: string; json: DoctorJson } {
  const text = cli(['doctor']);
  expect(text.code, text.stderr).toBe(0);
  const json = cli(['doctor', '--json']);
  expect(json.code, json.stderr).toBe(0);
  return { text: text.stdout, json: JSON.parse(json.stdout) as DoctorJson };
}

describe('doctor (real process)', () => {
  afterEach(() => {
    if (ICD_BEFORE === undefined) delete process.env.VK_ICD_FILENAMES;
    else process.env.VK_ICD_FILENAMES = ICD_BEFORE;
  });

  it('marks each check as passed or missing, as its --json says, and tallies them', () => {
    const { text, json } = doctor();
    const lines = text.split('\n');
    const checks = [...json.machine, ...json.webgpu.checks, ...json.gpu];
    for (const check of checks) {
      // "  <mark, 9 wide>  <name> <detail>"
      const line = lines.find((candidate) => candidate.slice(13).startsWith(`${check.name} `));
      expect(line, check.name).toBeDefined();
      const mark = { ok: '✓ ok', missing: '✗ missing', info: '  info' }[check.status];
      expect(line!.startsWith(`  ${mark}`), line).toBe(true);
    }
    expect(text).toContain(`  ✓ ok       ${json.backend.name} (`);
    expect(lines.filter((line) => line.startsWith('  ✗ missing')).length).toBe(
      checks.filter((check) => check.status === 'missing').length + json.backend.skipped.length,
    );
    const passed = json.gpu.filter((check) => check.status === 'ok').length;
    expect(text).toMatch(
      new RegExp(
        `Summary: training uses ${json.backend.name};.* tfjs-node-gpu path: ${passed} of ${json.gpu.length} checks passed`,
      ),
    );
  });

  it('lists SwiftShader as a software adapter that training does not pick (it falls back to wasm)', () => {
    useSoftwareVulkan();
    const { text, json } = doctor();
    expect(json.webgpu.adapters).toHaveLength(1);
    expect(json.webgpu.adapters[0]).toMatchObject({ vendor: 'google', isFallback: true, api: 'Vulkan' });
    expect(json.webgpu.adapters[0]!.limits.maxBufferSize).toBe(2 ** 30);
    expect(json.webgpu.backend.available).toBe(false);
    expect(json.webgpu.reasons[0]).toBe(
      'the Vulkan drivers found (vk_swiftshader_icd.json) offer only a software device',
    );
    expect(json.backend.name).toBe('wasm');
    expect(json.backend.skipped.some((line) => line.startsWith('webgpu: only a software adapter'))).toBe(
      true,
    );
    const section = text.slice(text.indexOf('GPU path (WebGPU)'), text.indexOf('GPU path (tfjs-node-gpu)'));
    expect(section).toMatch(
      /info {5}SwiftShader Device \(Subzero\) \(Vulkan, software\) +google \/ swiftshader \/ swiftshader-device-subzero-; driver "SwiftShader driver 5\.0\.0"; software \(used only when "backend": "webgpu" is forced\); max buffer 1 GiB, storage binding 1 GiB, workgroup storage 32 KiB, 256 invocations per workgroup/,
    );
    expect(section).toMatch(
      /✗ missing {2}hardware adapter +the Vulkan drivers found \(vk_swiftshader_icd\.json\) offer only a software device/,
    );
    expect(section).toContain(
      'WebGPU: no hardware adapter, so training uses wasm (a software adapter is never picked',
    );
    expect(text).toContain('Summary: training uses wasm;');
  });

  it('says why when the driver manifest named does not exist', () => {
    process.env.VK_ICD_FILENAMES = `${SWIFTSHADER_ICD}.absent`;
    const { text, json } = doctor();
    expect(json.webgpu.adapters).toEqual([]);
    const why = `VK_ICD_FILENAMES/VK_DRIVER_FILES names no existing driver manifest (${SWIFTSHADER_ICD}.absent)`;
    expect(json.webgpu.reasons[0]).toBe(why);
    expect(json.webgpu.backend).toEqual({
      name: 'webgpu',
      available: false,
      detail: expect.stringContaining(`no adapter: ${why}`),
    });
    expect(text).toContain(`✗ missing  hardware adapter  ${why}`);
    expect(text).toContain('WebGPU: no hardware adapter, so training uses wasm.');
  });
});
