import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PRESETS } from '@shared/config/presets';
import type { RunConfig } from '@shared/config/run-config';
import { AppFailure } from '@shared/errors';
import type { RunStatus, RunSummary } from '@shared/runs';
import { createHeadlessWorkbench } from '../../host/headless';
import { parseRunConfig } from '../../services/runs.service';
import { UsageError, type CliCommand } from '../command';
import { formatDuration, formatNumber, ProgressBar } from '../format';

const TERMINAL: readonly RunStatus[] = ['completed', 'stopped', 'failed', 'interrupted'];

function loadConfig(values: { config?: string; preset?: string; name?: string }): RunConfig {
  if (Boolean(values.config) === Boolean(values.preset))
    throw new UsageError('Give exactly one of --config FILE or --preset NAME');
  let raw: unknown;
  if (values.preset) {
    const preset = PRESETS[values.preset];
    if (!preset)
      throw new UsageError(`Unknown preset "${values.preset}"; known: ${Object.keys(PRESETS).join(', ')}`);
    raw = structuredClone(preset.config);
  } else {
    let text: string;
    try {
      text = readFileSync(values.config!, 'utf8');
    } catch (error) {
      throw new UsageError(`Cannot read ${values.config}: ${(error as Error).message}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${values.config} is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (values.name && typeof raw === 'object' && raw !== null) (raw as { name?: string }).name = values.name;
  try {
    return parseRunConfig(raw);
  } catch (error) {
    if (error instanceof AppFailure && error.fields) {
      const lines = Object.entries(error.fields).map(([field, message]) => `  ${field}: ${message}`);
      throw new UsageError(`The configuration is not valid:\n${lines.join('\n')}`);
    }
    throw error;
  }
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train one run to completion in the terminal',
  usage: `Usage: npm run cli -- train (--config FILE | --preset NAME) [--name NAME] [--db PATH] [--json]

  --config FILE   a run configuration (JSON); omitted fields take their defaults
  --preset NAME   a named configuration (see "presets"): ${Object.keys(PRESETS).join(', ')}
  --name NAME     override the run's name
  --db PATH       database file (default: DECORBENCH_DB or the app's data folder)
  --json          end with one JSON line: runId, status, backend, steps, durationMs, metrics

Ctrl-C stops the run cleanly after the current step; a second Ctrl-C kills the worker.`,
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        preset: { type: 'string' },
        name: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    // Validate before anything is opened, so a bad config writes nothing.
    const config = loadConfig(values);
    const workbench = createHeadlessWorkbench({
      buildDir: context.buildDir,
      host: 'cli',
      databasePath: values.db,
    });
    const bar = new ProgressBar(context.stderr, config.name);
    let runId = -1;
    const finished = new Promise<RunSummary>((resolve) => {
      workbench.events.subscribe((channel, payload) => {
        if (channel === 'run:progress') {
          const { progress } = payload as { runId: number; progress: NonNullable<RunSummary['progress']> };
          const speed = progress.samplesPerSecond ? `${progress.samplesPerSecond.toFixed(0)} img/s` : '';
          bar.update(
            progress.step,
            progress.totalSteps,
            `epoch ${progress.epoch}/${progress.totalEpochs} ${speed} ETA ${formatDuration(progress.etaMs)}`,
          );
        } else if (channel === 'run:status') {
          const summary = payload as RunSummary;
          if (summary.id === runId && TERMINAL.includes(summary.status)) resolve(summary);
        } else if (channel === 'run:log' && !values.json) {
          for (const line of (payload as { lines: { level: string; message: string }[] }).lines) {
            if (line.level === 'warn' || line.level === 'error')
              context.stderr.write(`\n[${line.level}] ${line.message}\n`);
          }
        }
      });
    });
    let interrupts = 0;
    const onInterrupt = () => {
      interrupts += 1;
      if (interrupts === 1) {
        context.stderr.write('\nStopping after the current step (Ctrl-C again to kill)...\n');
        workbench.supervisor.stop(runId);
      } else {
        const pid = workbench.supervisor.workerPid(runId);
        if (pid) process.kill(pid, 'SIGKILL');
      }
    };
    process.on('SIGINT', onInterrupt);
    const created = await workbench.handlers['runs:create']({ config, start: true });
    runId = created.id;
    context.stderr.write(`Run ${runId} "${config.name}" (${config.loss.name}) in ${workbench.store.path}\n`);
    const summary = await finished;
    bar.end();
    process.off('SIGINT', onInterrupt);
    const detail = workbench.store.runs.detail(runId)!;
    const metrics = workbench.store.metrics.latest(runId);
    await workbench.close();
    const durationMs = summary.startedAt && summary.endedAt ? summary.endedAt - summary.startedAt : null;
    if (summary.status === 'failed') context.stderr.write(`Run ${runId} failed: ${summary.error}\n`);
    if (values.json) {
      const line = {
        runId,
        status: summary.status,
        backend: detail.backend,
        device: detail.device,
        steps: summary.results.steps ?? summary.progress?.step ?? 0,
        durationMs,
        metrics,
      };
      context.stdout.write(`${JSON.stringify(line)}\n`);
    } else {
      context.stdout.write(
        `Run ${runId} ${summary.status} in ${formatDuration(durationMs)} on ${detail.backend} (${detail.device}); final loss ${formatNumber(metrics.loss)}\n`,
      );
    }
    return summary.status === 'completed' ? 0 : summary.status === 'stopped' ? 130 : 1;
  },
};
