import { describe, expect, it } from 'vitest';
import {
  evaluateGoals,
  goalMark,
  stepSpeedups,
  type GpuBenchSettings,
  type LossPointResult,
  type Method,
  type TrainPointResult,
} from '../../../../src-main/cli/commands/bench-gpu-report';
import { FULL_SIZES } from '../../../../src-main/cli/commands/bench-gpu';
import { formatGpuReport } from '../../../../src-main/cli/commands/bench-gpu-table';
import type { PointStatus } from '../../../../src-main/compute/measure/point-guard';

/** The issue's sizes, as `bench gpu` runs them without --quick. */
const FULL: GpuBenchSettings = { ...FULL_SIZES, quick: false, seed: 0 };

function step(method: Method, d: number, ms: number | null, status: PointStatus = 'ok'): TrainPointResult {
  return {
    method,
    loss: method === 'BT' ? 'bt' : 'fft-bt',
    backbone: 'resnet18-cifar',
    d,
    batchSize: 256,
    status,
    ...(status === 'ok' ? {} : { error: 'GPU out of memory: buffer' }),
    medianStepMs: ms,
    minStepMs: ms,
    imagesPerSecond: ms === null ? null : 256 / (ms / 1000),
    lossMs: null,
    gpuPeakBytes: null,
    parameters: null,
  };
}

function lossPoint(
  method: Method,
  d: number,
  ms: number | null,
  status: PointStatus = 'ok',
): LossPointResult {
  return {
    method,
    loss: method === 'BT' ? 'bt' : 'fft-bt',
    n: 256,
    d,
    b: method === 'BT' ? null : d,
    status,
    medianMs: ms,
    minMs: ms,
    timesMs: ms === null ? null : [ms],
    gpuPeakBytes: null,
    tfPeakBytes: null,
  };
}

describe('bench gpu goals: marks computed from the measured figures', () => {
  it('the step speed-up is BT over sBT at d = 8192; the loss goal reads sBT at n = 256, d = 8192', () => {
    const train = [
      step('BT', 2048, 300),
      step('sBT', 2048, 250),
      step('BT', 8192, 900),
      step('sBT', 8192, 300),
    ];
    const speedups = stepSpeedups(train, FULL.trainDims);
    expect(speedups.map((entry) => entry.speedup)).toEqual([1.2, 3]);
    const loss = [lossPoint('sBT', 2048, 1), lossPoint('BT', 8192, 20), lossPoint('sBT', 8192, 4.2)];
    const [stepGoal, lossGoal] = evaluateGoals(FULL, loss, speedups);
    expect(stepGoal).toMatchObject({ measured: 3, pass: true, atGoalSize: true, target: 2.2 });
    expect(lossGoal).toMatchObject({ measured: 4.2, pass: true, atGoalSize: true, target: 5 });
    expect(goalMark(stepGoal!)).toBe('PASS');
  });

  it('fails a goal the figures miss, at the threshold too (5 ms is not under 5 ms)', () => {
    const speedups = stepSpeedups([step('BT', 8192, 430), step('sBT', 8192, 200)], FULL.trainDims);
    const [stepGoal, lossGoal] = evaluateGoals(FULL, [lossPoint('sBT', 8192, 5)], speedups);
    expect(stepGoal!.measured).toBeCloseTo(2.15, 10);
    expect(stepGoal!.pass).toBe(false);
    expect(lossGoal!.pass).toBe(false);
    expect(goalMark(lossGoal!)).toBe('FAIL');
    const exactly = evaluateGoals(
      FULL,
      [],
      stepSpeedups([step('BT', 8192, 440), step('sBT', 8192, 200)], [8192]),
    );
    expect(exactly[0]!.pass).toBe(true);
  });

  it('an out-of-memory point leaves its goal unmarked, never passed or failed', () => {
    const train = [step('BT', 8192, null, 'out-of-memory'), step('sBT', 8192, 300)];
    const speedups = stepSpeedups(train, FULL.trainDims);
    expect(speedups.find((entry) => entry.d === 8192)).toMatchObject({
      btStepMs: null,
      sbtStepMs: 300,
      speedup: null,
    });
    const [stepGoal, lossGoal] = evaluateGoals(FULL, [lossPoint('sBT', 8192, null, 'failed')], speedups);
    expect(stepGoal!.pass).toBeNull();
    expect(lossGoal!.pass).toBeNull();
    expect(goalMark(stepGoal!)).toBe('not measured');
  });

  it('quick sizes read the goals at the largest d run and say it is not the goal size', () => {
    const quick = {
      ...FULL,
      quick: true,
      n: 32,
      lossDims: [256, 1024],
      trainDims: [256, 1024],
      batchSize: 8,
    };
    const speedups = stepSpeedups([step('BT', 1024, 10), step('sBT', 1024, 40)], quick.trainDims);
    const [stepGoal, lossGoal] = evaluateGoals(quick, [lossPoint('sBT', 1024, 2)], speedups);
    expect(stepGoal).toMatchObject({
      measured: 0.25,
      pass: false,
      atGoalSize: false,
      measuredAt: 'd = 1024, batch 8',
    });
    expect(lossGoal).toMatchObject({
      measured: 2,
      pass: true,
      atGoalSize: false,
      measuredAt: 'n = 32, d = 1024',
    });
    expect(goalMark(stepGoal!)).toBe('FAIL (not at the goal size)');
  });

  it('the table prints each goal beside its measured figure and mark, and out-of-memory points', () => {
    const train = [step('BT', 8192, 900), step('sBT', 8192, 300), step('BT', 2048, null, 'out-of-memory')];
    const loss = [lossPoint('sBT', 8192, 6.5)];
    const speedups = stepSpeedups(train, FULL.trainDims);
    const text = formatGpuReport({
      benchmark: 'gpu',
      createdAt: '2026-01-01T00:00:00.000Z',
      machine: {
        platform: 'linux',
        release: '6',
        arch: 'x64',
        cpu: 'cpu',
        cpuCount: 2,
        memoryBytes: 2 ** 34,
      },
      backend: { name: 'webgpu', device: 'NVIDIA H200 (Vulkan)', adapter: null, skipped: [] },
      versions: { decorbench: '0.1.0', webgpu: '0.6.2', 'tfjs-node-gpu': null },
      settings: FULL,
      loss,
      train,
      speedups,
      paper: { d: 8192, speedupRange: [1.2, 2.2], measured: 3 },
      goals: evaluateGoals(FULL, loss, speedups),
    });
    expect(text).toMatch(
      /sBT's training step at least 2\.2x .*>= 2\.2 x\s+3\.00x\s+d = 8192, batch 256\s+PASS/,
    );
    expect(text).toMatch(/sBT forward \+ backward under 5 ms .*< 5 ms\s+6\.50 ms\s+n = 256, d = 8192\s+FAIL/);
    expect(text).toMatch(/BT\s+2048\s+256\s+-\s+-\s+-\s+-\s+out-of-memory: GPU out of memory/);
    expect(text).toContain('versions: decorbench 0.1.0, webgpu 0.6.2');
    expect(text).not.toContain('tfjs-node-gpu');
  });
});
