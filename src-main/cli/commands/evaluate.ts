import { parseArgs } from 'node:util';
import type { EvaluationSummary } from '@shared/runs';
import { createHeadlessWorkbench } from '../../host/headless';
import { parseRunId, UsageError, type CliCommand, type CliContext } from '../command';
import { formatTable, ProgressBar } from '../format';

function optionalNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`${flag} takes a number, not "${text}"`);
  return value;
}

function describe(evaluation: EvaluationSummary): string {
  const percent = (value: number | undefined) => (value === undefined ? '-' : `${(value * 100).toFixed(2)}%`);
  const { results } = evaluation;
  const head = `Evaluation ${evaluation.id} (${evaluation.kind}) of run ${evaluation.runId} at step ${evaluation.checkpointStep}`;
  if (evaluation.kind === 'linear') {
    return `${head}: top-1 ${percent(results.top1)}, top-5 ${percent(results.top5)} (train loss ${results.trainLoss?.toFixed(4)})`;
  }
  const rows = (evaluation.grid ?? []).map((cell) => [
    cell.k,
    cell.temperature,
    percent(cell.top1),
    percent(cell.top5),
  ]);
  return `${head}: best top-1 ${percent(results.top1)} at k=${results.k}, T=${results.temperature}\n${formatTable(['k', 'T', 'top-1', 'top-5'], rows)}`;
}

/** Starts an evaluation through the supervisor (a worker process) and follows it to the end. */
async function evaluate(kind: 'linear' | 'knn', args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      checkpoint: { type: 'string' },
      epochs: { type: 'string' },
      'learning-rate': { type: 'string' },
      'batch-size': { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const runId = parseRunId(positionals[0]);
  const workbench = createHeadlessWorkbench({
    buildDir: context.buildDir,
    host: 'cli',
    databasePath: values.db,
  });
  const bar = new ProgressBar(context.stderr, `${kind} evaluation`);
  try {
    let evaluationId = -1;
    const finished = new Promise<EvaluationSummary>((resolve) => {
      workbench.events.subscribe((channel, payload) => {
        if (channel !== 'run:evaluation') return;
        const evaluation = payload as EvaluationSummary;
        if (evaluation.id !== evaluationId) return;
        if (evaluation.progress)
          bar.update(evaluation.progress.done, evaluation.progress.total, evaluation.progress.stage);
        if (evaluation.status === 'completed' || evaluation.status === 'failed') resolve(evaluation);
      });
    });
    const settings = Object.fromEntries(
      Object.entries({
        epochs: optionalNumber(values.epochs, '--epochs'),
        learningRate: optionalNumber(values['learning-rate'], '--learning-rate'),
        batchSize: optionalNumber(values['batch-size'], '--batch-size'),
      }).filter(([, value]) => value !== undefined),
    );
    const checkpointStep = optionalNumber(values.checkpoint, '--checkpoint');
    const result = await workbench.dispatch('evaluations:start', {
      runId,
      kind,
      ...(checkpointStep === undefined ? {} : { checkpointStep }),
      settings,
    });
    if (!result.ok) {
      context.stderr.write(`${result.error.message}\n`);
      return result.error.code === 'invalid-input' ? 2 : 1;
    }
    evaluationId = (result.value as EvaluationSummary).id;
    const evaluation = await finished;
    bar.end();
    if (values.json) context.stdout.write(`${JSON.stringify(evaluation)}\n`);
    else if (evaluation.status === 'failed')
      context.stderr.write(`Evaluation ${evaluation.id} failed: ${evaluation.error}\n`);
    else context.stdout.write(`${describe(evaluation)}\n`);
    return evaluation.status === 'completed' ? 0 : 1;
  } finally {
    await workbench.close();
  }
}

const COMMON = `  --checkpoint STEP   the checkpoint to evaluate (default: the newest good one)
  --db PATH           database file
  --json              print the stored evaluation as one JSON line`;

export const evalLinearCommand: CliCommand = {
  name: 'eval linear',
  summary: 'Linear evaluation of a run: a linear classifier on frozen backbone features',
  usage: `Usage: npm run cli -- eval linear RUN_ID [--checkpoint STEP] [--epochs 100] [--learning-rate LR] [--batch-size 256]

Trains a linear classifier (SGD, momentum 0.9, step decay at 60% and 80% of the epochs) on the
backbone's features of the training split, computed once in inference mode, and stores top-1 /
top-5 on the held-out split as an evaluation of the run. Runs in a worker process.
${COMMON}`,
  run: (args, context) => evaluate('linear', args, context),
};

export const evalKnnCommand: CliCommand = {
  name: 'eval knn',
  summary: 'kNN evaluation of a run over k in {1..200} and temperature in {0.02..0.5}',
  usage: `Usage: npm run cli -- eval knn RUN_ID [--checkpoint STEP]

Classifies the held-out split by weighted kNN (cosine) on frozen backbone features for every k in
{1, 5, 10, 20, 50, 100, 200} and T in {0.02, 0.07, 0.1, 0.2, 0.5}, and stores the grid.
${COMMON}`,
  run: (args, context) => evaluate('knn', args, context),
};
