import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { guardPoint } from '../../../../src-main/compute/measure/point-guard';
import { benchGpuCommand } from '../../../../src-main/cli/commands/bench-gpu';
import type { GpuBenchReport } from '../../../../src-main/cli/commands/bench-gpu-report';
import { benchLossCommand } from '../../../../src-main/cli/commands/bench-loss';
import { benchTrainCommand } from '../../../../src-main/cli/commands/bench-train';
import { selectBackend } from '../../../../src-main/compute/backend';
import { useSoftwareVulkan } from '../../../helpers/webgpu';
import { runInProcess } from '../run-command';

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** The benchmarks forced onto webgpu on the software device (SwiftShader): small sizes only. */
describe('the benchmarks on webgpu (SwiftShader)', () => {
  beforeAll(async () => {
    useSoftwareVulkan();
    await selectBackend('webgpu');
  });

  it('bench gpu --quick: loss points with GPU memory, the adapter and versions, goals computed', async () => {
    const result = await runInProcess(benchGpuCommand, [
      '--quick',
      '--parts',
      'loss',
      '--iterations',
      '1',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as GpuBenchReport;
    expect(report.backend).toMatchObject({ name: 'webgpu', adapter: { isFallback: true, api: 'Vulkan' } });
    expect(report.versions).toMatchObject({ 'tfjs-backend-webgpu': '4.22.0', webgpu: '0.6.2' });
    expect(report.loss.map((point) => `${point.method} ${point.d} ${point.status}`)).toEqual([
      'BT 256 ok',
      'sBT 256 ok',
      'BT 1024 ok',
      'sBT 1024 ok',
    ]);
    for (const point of report.loss) {
      // At least the two [32, d] inputs and their gradients live in GPU buffers.
      expect(point.gpuPeakBytes).toBeGreaterThanOrEqual(4 * 32 * point.d * 4);
      expect(point.medianMs).toBe(point.timesMs![0]);
    }
    const relaxed = report.loss[3]!;
    expect(report.goals[1]).toMatchObject({ measured: relaxed.medianMs, pass: relaxed.medianMs! < 5 });
  });

  it('a WebGPU buffer over the adapter limit is recorded as out of memory, and the next point runs', async () => {
    // 20000^2 float32 = 1.5 GiB, over SwiftShader's 1 GiB maxBufferSize: Dawn refuses the buffer
    // without throwing, and the kernels that use it are dropped.
    const failed = await guardPoint(async () => tf.ones([20000, 20000]).sum().data());
    expect(failed).toMatchObject({ status: 'out-of-memory' });
    expect((failed as { error: string }).error).toMatch(/^WebGPU: .*max buffer size/i);
    const next = await guardPoint(async () => Array.from(await tf.ones([3]).sum().data()));
    expect(next).toEqual({ status: 'ok', value: [3] });
  });

  it('bench loss and bench train --backend webgpu record the adapter and the GPU memory', async () => {
    const lossArgs = '--n 16 --d 64 --losses bt,fft-bt --b d --reps 2 --warmup 1'.split(' ');
    const loss = await runInProcess(benchLossCommand, [...lossArgs, '--backend', 'webgpu', '--json']);
    expect(loss.code, loss.stderr).toBe(0);
    for (const line of jsonLines(loss.stdout)) {
      expect(line).toMatchObject({ backend: 'webgpu', adapter: { isFallback: true } });
      expect(line.gpuPeakBytes).toBeGreaterThan(0);
    }
    const trainArgs = '--preset smoke --synthetic --steps 1 --warmup 1'.split(' ');
    const train = await runInProcess(benchTrainCommand, [...trainArgs, '--backend', 'webgpu', '--json']);
    expect(train.code, train.stderr).toBe(0);
    const [row] = jsonLines(train.stdout);
    expect(row).toMatchObject({
      backend: 'webgpu',
      adapter: { isFallback: true },
      forwardMs: null,
      backwardMs: null,
    });
    expect(row!.gpuPeakBytes).toBeGreaterThan(0);
    expect(row!.medianStepMs).toBeGreaterThan(0);
  });
});
