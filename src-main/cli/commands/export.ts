import { parseArgs } from 'node:util';
import { AppFailure } from '@shared/errors';
import { selectBackend } from '../../compute/backend';
import {
  exportCheckpoint,
  exportConfig,
  exportEmbeddings,
  exportMetrics,
  type ExportResult,
} from '../../export/export-run';
import { writeRunArchive } from '../../export/run-archive';
import { findResourcesDir, resolveDatabasePath } from '../../paths';
import { RunStore } from '../../storage/store';
import { parseRunId, UsageError, type CliCommand, type CliContext } from '../command';

const WHAT = ['checkpoint', 'metrics', 'embeddings', 'config', 'run'] as const;
type What = (typeof WHAT)[number];

const USAGE = `Usage: npm run cli -- export RUN_ID --what ${WHAT.join('|')} --out PATH [--step N] [--db PATH] [--json]

  --what checkpoint   PATH is a folder: backbone/ and projector/, each a TensorFlow.js model
                      (model.json + weights.bin) that tf.loadLayersModel loads, and export.json
                      (step, input shape, preprocessing: pixels / 255, resized to the views' size)
  --what embeddings   PATH is a folder: backbone.npy and projector.npy (float32 [N, dim], inference
                      mode) of the held-out split, labels.npy (int32 [N]), classes.json, export.json
  --what metrics      PATH is a CSV file: one row per step (step, epoch, wall_time_ms in Unix ms),
                      then one column per metric
  --what config       PATH is a JSON file: the run's configuration (train --config takes it)
  --what run          PATH is a file (e.g. run-7.jsonl.gz): the whole run, row, metrics, logs,
                      checkpoints and evaluations, which "import" turns back into the same run

  --step N            checkpoint and embeddings: the checkpoint of step N (default: the newest
                      one that passes its sha256 check)
  --json              print what was written as one JSON line`;

function parseStep(text: string | undefined, what: What): number | undefined {
  if (text === undefined) return undefined;
  if (what !== 'checkpoint' && what !== 'embeddings')
    throw new UsageError('--step applies to --what checkpoint and --what embeddings only');
  const step = Number(text);
  if (!Number.isInteger(step) || step < 0) throw new UsageError(`--step takes a step number, not "${text}"`);
  return step;
}

/** Checkpoint and embedding exports run the model: on the run's backend, else the best available. */
async function modelExport(
  store: RunStore,
  runId: number,
  what: 'checkpoint' | 'embeddings',
  out: string,
  step: number | undefined,
  context: CliContext,
): Promise<ExportResult> {
  const config = store.runs.config(runId);
  if (!config) throw new AppFailure('not-found', `Run ${runId} does not exist in ${store.path}`);
  await selectBackend(config.backend).catch(() => selectBackend('auto'));
  const options = {
    step,
    resourcesDir: findResourcesDir(context.buildDir),
    onWarning: (message: string) => context.stderr.write(`${message}\n`),
  };
  return what === 'checkpoint'
    ? exportCheckpoint(store, runId, out, options)
    : exportEmbeddings(store, runId, out, options);
}

async function runExport(
  store: RunStore,
  runId: number,
  what: What,
  out: string,
  step: number | undefined,
  context: CliContext,
): Promise<ExportResult & { rows?: Record<string, number> }> {
  switch (what) {
    case 'config':
      return exportConfig(store, runId, out);
    case 'metrics':
      return exportMetrics(store, runId, out);
    case 'run': {
      const archive = await writeRunArchive(store, runId, out);
      return { files: [archive.path], rows: archive.rows };
    }
    case 'checkpoint':
    case 'embeddings':
      return modelExport(store, runId, what, out, step, context);
  }
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary:
    'Export a run: checkpoint (TF.js model), metrics (CSV), embeddings (.npy), config, or the whole run',
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        what: { type: 'string' },
        out: { type: 'string' },
        step: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const runId = parseRunId(positionals[0]);
    const what = values.what as What;
    if (!WHAT.includes(what))
      throw new UsageError(`Give --what ${WHAT.join('|')}, not "${values.what ?? ''}"`);
    if (!values.out) throw new UsageError('Give --out PATH: where to write the export');
    const step = parseStep(values.step, what);
    const store = RunStore.open(resolveDatabasePath(values.db));
    try {
      const result = await runExport(store, runId, what, values.out, step, context);
      if (values.json) {
        context.stdout.write(`${JSON.stringify({ runId, what, ...result })}\n`);
      } else {
        const detail = result.step === undefined ? '' : ` (the checkpoint of step ${result.step})`;
        context.stdout.write(`Exported the ${what} of run ${runId}${detail}:\n`);
        for (const file of result.files) context.stdout.write(`  ${file}\n`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
