/** `cluster jobs [--run ID]`: the jobs Decorbench submitted, with Slurm's states as last polled. */
import { parseArgs } from 'node:util';
import type { ClusterJob } from '@shared/cluster/types';
import { parseRunId, UsageError, type CliCommand } from '../command';
import { formatTable, formatTime } from '../format';
import { call, withClusterWorkbench } from './cluster-common';

export function jobsTable(jobs: ClusterJob[]): string {
  const rows = jobs.map((job) => [
    job.jobId,
    job.runId,
    job.runName,
    job.runStatus,
    job.profileName,
    job.state,
    job.node ?? '-',
    job.exitCode ?? '-',
    job.restarts,
    formatTime(job.submittedAt),
    job.reason ?? '',
  ]);
  const headers = [
    'job',
    'run',
    'name',
    'status',
    'profile',
    'slurm state',
    'node',
    'exit',
    'restarts',
    'submitted (UTC)',
    'reason',
  ];
  return formatTable(headers, rows);
}

export const clusterJobsCommand: CliCommand = {
  name: 'cluster jobs',
  summary: "List the Slurm jobs Decorbench submitted: Slurm's state, node, exit code",
  usage: `Usage: npm run cli -- cluster jobs [--run ID] [--limit N] [--db PATH] [--json]

  --run ID     only the jobs of run ID (a resumed run has one job per start)
  --limit N    the newest N jobs (default 500)`,
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        run: { type: 'string' },
        limit: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 5000))
      throw new UsageError(`--limit takes a whole number from 1 to 5000, not "${values.limit}"`);
    const runId = values.run === undefined ? undefined : parseRunId(values.run);
    return withClusterWorkbench(context, values.db, async (workbench) => {
      const jobs = await call(workbench, 'cluster:jobs', {
        ...(runId === undefined ? {} : { runId }),
        ...(limit === undefined ? {} : { limit }),
      });
      if (values.json) context.stdout.write(`${JSON.stringify(jobs)}\n`);
      else if (jobs.length === 0)
        context.stdout.write(
          runId === undefined ? 'No jobs submitted yet.\n' : `Run ${runId} has no Slurm jobs.\n`,
        );
      else context.stdout.write(`${jobsTable(jobs)}\n`);
      return 0;
    });
  },
};
