import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedWebGpuProbe, systemInfo } from '../../../src-main/services/system.service';
import { useTempDir } from '../../helpers/temp-dir';
import { SWIFTSHADER_ICD } from '../../helpers/webgpu';
import { BUILD_DIR, requireBuild } from '../../helpers/workbench';

const CONTEXT = {
  host: 'serve',
  appVersion: '1.2.3',
  databasePath: '/tmp/db.sqlite',
  maxConcurrentRuns: 1,
} as const;

describe('system info', () => {
  const tempDir = useTempDir();

  it('probes WebGPU in one child process per host, whatever the number of calls', async () => {
    const dir = tempDir();
    const starts = join(dir, 'starts');
    writeFileSync(starts, '');
    const entry = join(dir, 'probe.mjs');
    writeFileSync(
      entry,
      `import { appendFileSync } from 'node:fs';
       appendFileSync(${JSON.stringify(starts)}, 'x');
       setTimeout(() => console.log(JSON.stringify({ adapters: [], reasons: ['probed'] })), 200);`,
    );
    const webgpu = cachedWebGpuProbe(entry);
    const infos = await Promise.all([1, 2, 3].map(() => systemInfo({ ...CONTEXT, webgpu })));
    await systemInfo({ ...CONTEXT, webgpu });
    expect(readFileSync(starts, 'utf8')).toBe('x');
    expect(infos[2]!.webgpu).toEqual({ adapters: [], reasons: ['probed'] });
    expect(infos[2]!.backends.map((backend) => backend.name)).toEqual([
      'tensorflow',
      'webgpu',
      'wasm',
      'cpu',
    ]);
    expect(infos[2]!.backends[1]).toEqual({ name: 'webgpu', available: false, detail: 'no adapter: probed' });
    // A host without a built command line says so instead of probing.
    const unprobed = await systemInfo({ ...CONTEXT, webgpu: cachedWebGpuProbe(undefined) });
    expect(unprobed.backends[1]!.detail).toBe(
      'no adapter: not probed: this host has no built command line to probe with',
    );
  });

  it('lists the software adapter the built probe finds, and never loads Dawn in this process', async () => {
    requireBuild();
    const before = process.env.VK_ICD_FILENAMES;
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    try {
      const info = await systemInfo({ ...CONTEXT, webgpu: cachedWebGpuProbe(join(BUILD_DIR, 'cli.js')) });
      expect(info.webgpu.adapters.map((adapter) => [adapter.device, adapter.isFallback])).toEqual([
        ['swiftshader-device-subzero-', true],
      ]);
      expect(info.backends[1]!.detail).toMatch(
        /^only a software adapter, SwiftShader Device \(Subzero\) \(Vulkan, software\)/,
      );
      expect(info.host).toBe('serve');
    } finally {
      if (before === undefined) delete process.env.VK_ICD_FILENAMES;
      else process.env.VK_ICD_FILENAMES = before;
    }
    // The shared objects mapped into this process: dawn.node would be one once loaded.
    expect(readFileSync('/proc/self/maps', 'utf8')).not.toContain('dawn.node');
  });
});
