/**
 * `study stop|resume|retry|delete ID`: actions on a whole study. Resume and retry follow the
 * study here until its runs and evaluations end (a CLI host starts only what it queued itself,
 * so the runs it queues need this process), then print the report.
 */
import { parseArgs } from 'node:util';
import type { CliCommand, CliContext } from '../command';
import {
  call,
  openStudyWorkbench,
  parseConcurrency,
  parseStudyId,
  STUDY_DEFAULT_CONCURRENCY,
  studyCountsText,
} from './study-common';
import { followStudy } from './study-follow';
import { printReport } from './study-output';

function parseIdAndDb(args: string[], extra: { 'max-concurrent-runs'?: boolean } = {}) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...(extra['max-concurrent-runs'] ? { 'max-concurrent-runs': { type: 'string' as const } } : {}),
    },
  });
  return {
    studyId: parseStudyId(positionals[0]),
    db: values.db,
    json: values.json,
    concurrency: parseConcurrency(values['max-concurrent-runs'] as string | undefined),
  };
}

/** Resume or retry: the call queues runs, then this process follows the study to its end. */
function followingCommand(action: 'resume' | 'retry', summary: string, what: string): CliCommand {
  return {
    name: `study ${action}`,
    summary,
    usage: `Usage: npm run cli -- study ${action} ID [--max-concurrent-runs N] [--db PATH] [--json]

${what}
Then follows the study here until its runs and planned evaluations end and prints its report
(--json: the report as JSON). Ctrl-C stops the study again, with checkpoints.
  --max-concurrent-runs N   runs at a time (default ${STUDY_DEFAULT_CONCURRENCY})`,
    async run(args, context: CliContext) {
      const options = parseIdAndDb(args, { 'max-concurrent-runs': true });
      const workbench = openStudyWorkbench(context, {
        db: options.db,
        maxConcurrentRuns: options.concurrency,
      });
      try {
        const code = await followStudy(workbench, context, async () => {
          const study = await call(workbench, `studies:${action}`, { studyId: options.studyId });
          context.stderr.write(`Study ${study.id} "${study.name}": ${studyCountsText(study)}\n`);
          return study.id;
        });
        await printReport(workbench, context, options.studyId, options.json ? 'json' : 'md');
        return code;
      } finally {
        await workbench.close();
      }
    },
  };
}

export const studyResumeCommand = followingCommand(
  'resume',
  'Continue a study: resume its stopped and interrupted runs, start the ones not started, follow it',
  'Resumes the stopped and interrupted runs from their last good checkpoint and queues the runs that\nnever started.',
);

export const studyRetryCommand = followingCommand(
  'retry',
  'Start the failed runs of a study again (from their checkpoint when they have one), follow it',
  'Starts every failed run of the study again, from its last good checkpoint when it has one.',
);

export const studyStopCommand: CliCommand = {
  name: 'study stop',
  summary: 'Stop every queued or running run of a study (running ones save a checkpoint)',
  usage: `Usage: npm run cli -- study stop ID [--db PATH] [--json]

Queued runs leave the queue; running ones (in this or another process: the app, serve mode, a
following "study create --start") stop after their step with a checkpoint. "study resume ID"
continues.`,
  async run(args, context) {
    const options = parseIdAndDb(args);
    const workbench = openStudyWorkbench(context, { db: options.db });
    try {
      const study = await call(workbench, 'studies:stop', { studyId: options.studyId });
      context.stdout.write(
        options.json
          ? `${JSON.stringify(study)}\n`
          : `Study ${study.id} "${study.name}" (${study.state}): ${studyCountsText(study)}\n`,
      );
      return 0;
    } finally {
      await workbench.close();
    }
  },
};

export const studyDeleteCommand: CliCommand = {
  name: 'study delete',
  summary: 'Delete a study with its runs (active ones are stopped first)',
  usage: `Usage: npm run cli -- study delete ID [--db PATH] [--json]

Deletes the study and every run of it (their metrics, checkpoints and evaluations), without asking;
prints what it deleted.`,
  async run(args, context) {
    const options = parseIdAndDb(args);
    const workbench = openStudyWorkbench(context, { db: options.db });
    try {
      const study = await call(workbench, 'studies:get', { studyId: options.studyId });
      const deleted = await call(workbench, 'studies:delete', { studyId: options.studyId });
      if (options.json) context.stdout.write(`${JSON.stringify(deleted)}\n`);
      else {
        const ids = deleted.runIds.length > 0 ? ` (${deleted.runIds.join(', ')})` : '';
        context.stdout.write(
          `Deleted study ${deleted.studyId} "${study.name}" and its ${deleted.runIds.length} runs${ids}\n`,
        );
      }
      return 0;
    } finally {
      await workbench.close();
    }
  },
};
