import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CallHandlers } from '@shared/api/contract';
import type { CallChannel } from '@shared/api/channels';
import { createCompareHandlers } from '../../services/compare.service';
import { median } from '../../services/compare/compare-rows';
import { createDispatcher } from '../../services/dispatch';
import { EventBus } from '../../services/event-bus';
import { RunStore } from '../../storage/store';
import { UsageError, type CliCommand } from '../command';
import { BENCH_METRICS, createBenchRuns } from './bench-compare-data';

function integerOption(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}`);
  }
  return value;
}

interface Measurement {
  name: string;
  /** What the call returned, in words (runs, points). */
  detail: string;
  targetMs: number | null;
  warmupMs: number[];
  timesMs: number[];
  medianMs: number;
  /** This process's CPU time per call (user + system), apart from waiting on a busy machine. */
  medianCpuMs: number;
}

const round = (ms: number) => Number(ms.toFixed(2));

export const benchCompareCommand: CliCommand = {
  name: 'bench compare',
  summary: 'Benchmark the runs list and reduced metric fetches of run comparison',
  usage: `Usage: npm run cli -- bench compare [--runs 1000] [--long-runs 20] [--metrics 6] [--steps 100000]
                                  [--points 2000] [--repeats 7] [--warmup 2] [--json]

Builds a database of synthetic runs in a temporary folder (--runs runs; the last --long-runs
have --metrics series of --steps points each), then times calls through the real dispatcher
(input validation included), the median of --repeats after --warmup untimed calls:
  runs:query      one page of every run, sorted by creation   (target <= 100 ms)
  metrics:range   every long run x metric, reduced to --points (target <= 300 ms)
  metrics:range   the same, zoomed into a tenth of the steps
  compare:rows    the summary rows of the long runs
The first metrics:range call also fills the bucket cache; its time is reported apart (cold).`,
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        runs: { type: 'string', default: '1000' },
        'long-runs': { type: 'string', default: '20' },
        metrics: { type: 'string', default: String(BENCH_METRICS.length) },
        steps: { type: 'string', default: '100000' },
        points: { type: 'string', default: '2000' },
        repeats: { type: 'string', default: '7' },
        warmup: { type: 'string', default: '2' },
        json: { type: 'boolean', default: false },
      },
    });
    const runs = integerOption(values.runs, '--runs', 1, 2000);
    const longRuns = integerOption(values['long-runs'], '--long-runs', 1, Math.min(200, runs));
    const metrics = integerOption(values.metrics, '--metrics', 1, BENCH_METRICS.length);
    const steps = integerOption(values.steps, '--steps', 16, 10_000_000);
    const points = integerOption(values.points, '--points', 10, 20_000);
    const repeats = integerOption(values.repeats, '--repeats', 1, 1000);
    const warmup = integerOption(values.warmup, '--warmup', 0, 1000);
    const folder = mkdtempSync(join(tmpdir(), 'decorbench-bench-compare-'));
    const store = RunStore.open(join(folder, 'bench.sqlite'));
    try {
      context.stderr.write(`Creating ${runs} runs (${longRuns} x ${metrics} x ${steps} points)...\n`);
      const setupStart = performance.now();
      // A throw-away file: no fsync while filling it; the app's setting again for the timed calls.
      store.database.pragma('synchronous = OFF');
      const runIds = createBenchRuns(store, { runs, longRuns, metrics, steps });
      store.database.pragma('synchronous = NORMAL');
      const setupMs = performance.now() - setupStart;
      const dispatch = createDispatcher(createCompareHandlers(store, new EventBus()) as CallHandlers);
      const call = async (channel: CallChannel, input: unknown): Promise<unknown> => {
        const result = await dispatch(channel, input);
        if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
        return result.value;
      };
      const names = BENCH_METRICS.slice(0, metrics);
      const rangeInput = { runIds, names: [...names], points };
      const pointsOf = (value: unknown) =>
        (value as { series: { steps: number[] }[] }).series.reduce((sum, s) => sum + s.steps.length, 0);

      const coldStart = performance.now();
      const cold = await call('metrics:range', rangeInput);
      const coldMs = performance.now() - coldStart;

      const measure = async (
        name: string,
        targetMs: number | null,
        run: () => Promise<unknown>,
        describe: (value: unknown) => string,
      ): Promise<Measurement> => {
        const warmupMs: number[] = [];
        const timesMs: number[] = [];
        const cpuMs: number[] = [];
        let value: unknown;
        for (let index = 0; index < warmup + repeats; index += 1) {
          const start = performance.now();
          const cpuStart = process.cpuUsage();
          value = await run();
          const cpu = process.cpuUsage(cpuStart);
          (index < warmup ? warmupMs : timesMs).push(round(performance.now() - start));
          if (index >= warmup) cpuMs.push((cpu.user + cpu.system) / 1000);
        }
        return {
          name,
          detail: describe(value),
          targetMs,
          warmupMs,
          timesMs,
          medianMs: round(median(Float64Array.from(timesMs))!),
          medianCpuMs: round(median(Float64Array.from(cpuMs))!),
        };
      };
      const zoomFrom = Math.floor(steps * 0.45);
      const results = [
        await measure(
          'runs:query',
          100,
          () => call('runs:query', { sort: 'createdAt', direction: 'desc', limit: runs }),
          (value) => `${(value as { runs: unknown[] }).runs.length} runs`,
        ),
        await measure(
          'runs:query (filter)',
          100,
          () => call('runs:query', { filter: 'fft seed-1', sort: 'knnTop1', limit: runs }),
          (value) => `${(value as { total: number }).total} of ${runs} match`,
        ),
        await measure(
          'metrics:range',
          300,
          () => call('metrics:range', rangeInput),
          (value) => `${runIds.length}x${names.length} series, ${pointsOf(value)} points`,
        ),
        await measure(
          'metrics:range (zoom)',
          300,
          () =>
            call('metrics:range', {
              ...rangeInput,
              fromStep: zoomFrom,
              toStep: zoomFrom + Math.floor(steps / 10),
            }),
          (value) => `${pointsOf(value)} points`,
        ),
        await measure(
          'compare:rows',
          null,
          () => call('compare:rows', { runIds }),
          (value) => `${(value as unknown[]).length} rows`,
        ),
      ];
      const summary = {
        benchmark: 'compare',
        runs,
        longRuns,
        metrics,
        steps,
        points,
        setupMs: Math.round(setupMs),
        coldRangeMs: round(coldMs),
        coldRangePoints: pointsOf(cold),
        results,
      };
      if (values.json) {
        context.stdout.write(`${JSON.stringify(summary)}\n`);
        return 0;
      }
      const lines = [
        `${runs} runs; ${longRuns} x ${metrics} series of ${steps} points (set-up ${Math.round(setupMs)} ms)`,
        `first metrics:range (fills the bucket cache): ${round(coldMs)} ms, ${pointsOf(cold)} points`,
        '',
        `${'call'.padEnd(22)} ${'median ms'.padStart(10)} ${'cpu ms'.padStart(8)} ${'target'.padStart(8)}  result`,
        ...results.map(
          (row) =>
            `${row.name.padEnd(22)} ${row.medianMs.toFixed(1).padStart(10)} ${row.medianCpuMs.toFixed(1).padStart(8)} ${(row.targetMs === null ? '-' : `<= ${row.targetMs}`).padStart(8)}  ${row.detail}${row.targetMs !== null && row.medianMs > row.targetMs ? '  (over target)' : ''}`,
        ),
        `(median of ${repeats} after ${warmup} warm-up calls; cpu ms: this process's CPU time, without the waits of a busy machine)`,
      ];
      context.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    } finally {
      store.close();
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
