import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PRESETS } from '@shared/config/presets';
import type { RunConfig } from '@shared/config/run-config';
import { AppFailure } from '@shared/errors';
import type { RunSummary } from '@shared/runs';
import { assertDatasetPaths } from '../../datasets/check-paths';
import { createHeadlessWorkbench } from '../../host/headless';
import { parseRunConfig, RESUMABLE, resumeRun } from '../../services/runs.service';
import type { Workbench } from '../../services/workbench';
import { UsageError, type CliCommand } from '../command';
import { placeRuns } from '../../services/cluster/placement';
import { followRun } from './follow-run';
import { PLACEMENT_USAGE, placementByName } from './placement';

/** The newest resumable run with exactly this configuration, if it has a checkpoint. */
function resumableTwin(workbench: Workbench, config: RunConfig): RunSummary | undefined {
  const wanted = JSON.stringify(config);
  return workbench.store.runs
    .list({ statuses: RESUMABLE, limit: 10000 })
    .find(
      (run) =>
        JSON.stringify(workbench.store.runs.config(run.id)) === wanted &&
        workbench.store.checkpoints.list(run.id).length > 0,
    );
}

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
    const config = parseRunConfig(raw);
    assertDatasetPaths(config.dataset);
    return config;
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
  usage: `Usage: npm run cli -- train (--config FILE | --preset NAME) [--name NAME] [--placement NAME]
         [--db PATH] [--json]

  --config FILE   a run configuration (JSON); omitted fields take their defaults
  --preset NAME   a named configuration (see "presets"): ${Object.keys(PRESETS).join(', ')}
  --name NAME     override the run's name
  ${PLACEMENT_USAGE}
  --db PATH       database file (default: DECORBENCH_DB or the app's data folder)
  --json          end with one JSON line: runId, status, backend, steps, durationMs, metrics, results
  --auto-resume   if a run with exactly this configuration was interrupted, stopped or failed,
                  resume it from its last good checkpoint instead of starting a new one

Ctrl-C or SIGTERM stops the run after the current step with a checkpoint (the worker is killed if it
takes over 10 s); a second Ctrl-C kills it at once. The run waits in the database's shared queue while
other hosts (the app, serve mode) already run as many workers as the limit allows.`,
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        preset: { type: 'string' },
        name: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
        'auto-resume': { type: 'boolean', default: false },
        placement: { type: 'string' },
      },
    });
    // Validate before anything is opened, so a bad config writes nothing.
    const config = loadConfig(values);
    const workbench = createHeadlessWorkbench({
      buildDir: context.buildDir,
      host: 'cli',
      databasePath: values.db,
    });
    return followRun(workbench, context, { json: values.json, label: config.name }, () => {
      if (values['auto-resume']) {
        const previous = resumableTwin(workbench, config);
        if (previous) {
          const checkpoint = resumeRun(workbench.store, workbench.supervisor, previous);
          context.stderr.write(
            `Resuming run ${previous.id} "${config.name}" at step ${checkpoint.step} in ${workbench.store.path}\n`,
          );
          return previous.id;
        }
      }
      const { store } = workbench;
      const profile = placementByName(workbench, values.placement);
      const created = store.database.transaction(() => {
        const run = store.runs.create(config);
        if (profile) placeRuns(store, [run.id], profile);
        return run;
      })();
      workbench.supervisor.enqueue(created.id);
      const where = profile ? ` on Slurm profile ${profile.settings.name}` : '';
      context.stderr.write(
        `Run ${created.id} "${config.name}" (${config.loss.name})${where} in ${workbench.store.path}\n`,
      );
      return created.id;
    });
  },
};
