import { parseArgs } from 'node:util';
import { createHeadlessWorkbench } from '../../host/headless';
import { resumeRun } from '../../services/runs.service';
import { parseRunId, type CliCommand } from '../command';
import { followRun } from './follow-run';

export const resumeCommand: CliCommand = {
  name: 'resume',
  summary: 'Continue a stopped, failed or interrupted run from its last good checkpoint',
  usage: `Usage: npm run cli -- resume RUN_ID [--db PATH] [--json]

Continues in the same run: the metric series goes on from the checkpoint's step (later points are
replaced), with the generator states, data order and optimizer state of that moment. A corrupt
checkpoint is reported and the previous good one is used.`,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const runId = parseRunId(positionals[0]);
    const workbench = createHeadlessWorkbench({
      buildDir: context.buildDir,
      host: 'cli',
      databasePath: values.db,
    });
    const run = workbench.store.runs.summary(runId);
    if (!run) {
      await workbench.close();
      context.stderr.write(`Run ${runId} does not exist in ${workbench.store.path}\n`);
      return 1;
    }
    return followRun(workbench, context, { json: values.json, label: run.name }, () => {
      const checkpoint = resumeRun(workbench.store, workbench.supervisor, run);
      context.stderr.write(`Resuming run ${runId} "${run.name}" at step ${checkpoint.step}\n`);
      return runId;
    });
  },
};
