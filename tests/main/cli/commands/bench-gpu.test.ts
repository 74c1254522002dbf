import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchGpuCommand } from '../../../../src-main/cli/commands/bench-gpu';
import type { GpuBenchReport } from '../../../../src-main/cli/commands/bench-gpu-report';
import { useTempDir } from '../../../helpers/temp-dir';
import { runInProcess } from '../run-command';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const benchGpu = (args: string[]) => runInProcess(benchGpuCommand, args);

describe('bench gpu: arguments', () => {
  it.each([
    [['--iterations', '0'], /--iterations takes positive integers, not "0"/],
    [['--warmup=-1'], /--warmup must be a non-negative integer/],
    [['--backend', 'metal'], /--backend must be one of auto, tensorflow, webgpu, wasm, cpu/],
    [['--parts', 'loss,eval'], /--parts takes loss, train \(comma-separated\), not "eval"/],
    [['--n', '1'], /--n must be at least 2/],
    [['--d', '64,x'], /--d must be a comma-separated list of positive integers/],
    [['--batch', '2.5'], /--batch takes positive integers/],
    [['--quick', '--bogus'], /Unknown option '--bogus'/],
  ])('%j is a usage error (exit 2, with the usage)', async (args, message) => {
    const result = await benchGpu(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage: npm run cli -- bench gpu');
  });
});

describe('bench gpu on the CPU-side backends (real runs, tiny sizes)', () => {
  const tempDir = useTempDir();

  it('loss points: medians of the timed passes, a size that cannot be held recorded as out of memory', async () => {
    const out = join(tempDir(), 'gpu.json');
    const args = ['--backend', 'cpu', '--quick', '--parts', 'loss', '--d', '64,70000', '--iterations', '3'];
    const result = await benchGpu([...args, '--warmup', '1', '--json', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as GpuBenchReport;
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(report);
    expect(report).toMatchObject({
      benchmark: 'gpu',
      backend: { name: 'cpu', adapter: null },
      settings: { quick: true, n: 32, lossDims: [64, 70000], iterations: 3, warmup: 1 },
      versions: { tfjs: '4.22.0', node: process.versions.node },
      train: [],
    });
    expect(report.machine.cpuCount).toBeGreaterThan(0);
    expect(report.loss.map((point) => `${point.method} ${point.d} ${point.status}`)).toEqual([
      'BT 64 ok',
      'sBT 64 ok',
      'BT 70000 out-of-memory',
      'sBT 70000 ok',
    ]);
    const [, , tooLarge, relaxed] = report.loss;
    // C alone is 70000^2 float32 (18 GiB): known not to fit before any allocation is tried.
    expect(tooLarge).toMatchObject({ medianMs: null, timesMs: null, b: null });
    expect(tooLarge!.error).toMatch(/bt at d = 70000 needs ~\d+\.\d GB of d x d matrices/);
    for (const point of report.loss.filter((entry) => entry.status === 'ok')) {
      expect(point.timesMs).toHaveLength(3);
      expect(point.medianMs).toBe(median(point.timesMs!));
      expect(point.minMs).toBe(Math.min(...point.timesMs!));
      expect(point.gpuPeakBytes).toBeNull();
      expect(point.tfPeakBytes).toBeGreaterThan(0);
    }
    // The goals are read at the largest d run (not 8192 here) from the measured medians.
    const [stepGoal, lossGoal] = report.goals;
    expect(stepGoal).toMatchObject({ measured: null, pass: null });
    expect(lossGoal).toMatchObject({ measuredAt: 'n = 32, d = 70000', atGoalSize: false });
    expect(lossGoal!.measured).toBe(relaxed!.medianMs);
    expect(lossGoal!.pass).toBe(relaxed!.medianMs! < 5);
  });

  it('training points: ResNet-18 steps of BT and sBT, images/s, the speed-up and its goal mark', async () => {
    // wasm, not cpu: the cpu backend takes minutes for one ResNet-18 step.
    const args = ['--backend', 'wasm', '--quick', '--parts', 'train', '--train-d', '32', '--batch', '2'];
    const result = await benchGpu([...args, '--iterations', '2', '--warmup', '0', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as GpuBenchReport;
    expect(report.loss).toEqual([]);
    expect(report.train.map((point) => `${point.method} ${point.loss} ${point.d} ${point.status}`)).toEqual([
      'BT bt 32 ok',
      'sBT fft-bt 32 ok',
    ]);
    for (const point of report.train) {
      expect(point).toMatchObject({ backbone: 'resnet18-cifar', batchSize: 2, gpuPeakBytes: null });
      expect(point.minStepMs).toBeLessThanOrEqual(point.medianStepMs!);
      expect(point.imagesPerSecond).toBeCloseTo(2 / (point.medianStepMs! / 1000), 10);
      expect(point.parameters).toBeGreaterThan(11_000_000);
    }
    const [bt, sbt] = report.train;
    const speedup = bt!.medianStepMs! / sbt!.medianStepMs!;
    expect(report.speedups).toEqual([
      { d: 32, btStepMs: bt!.medianStepMs, sbtStepMs: sbt!.medianStepMs, speedup },
    ]);
    expect(report.goals[0]).toMatchObject({ measured: speedup, pass: speedup >= 2.2, atGoalSize: false });
    expect(report.paper).toEqual({ d: 8192, speedupRange: [1.2, 2.2], measured: null });
  });
});
