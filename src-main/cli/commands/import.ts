import { parseArgs } from 'node:util';
import { importRunArchive } from '../../export/archive-import';
import { resolveDatabasePath } from '../../paths';
import { RunStore } from '../../storage/store';
import { UsageError, type CliCommand } from '../command';

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import a run archive (from export --what run) as a new run; prints its id',
  usage: `Usage: npm run cli -- import PATH [--db PATH] [--json]

Adds the run in PATH (written by "export RUN_ID --what run") to the database under a new id:
the same row, metric points, log lines, checkpoints (byte for byte) and evaluations. The archive
is verified first (sha256 of its content and of every checkpoint); a damaged or foreign file
changes nothing. Prints the new run id (--json: {"runId", "sourceRunId", "rows"}).`,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const path = positionals[0];
    if (!path || positionals.length > 1) throw new UsageError('Give one archive file to import');
    const store = RunStore.open(resolveDatabasePath(values.db));
    try {
      const result = await importRunArchive(store, path);
      if (values.json) {
        context.stdout.write(`${JSON.stringify(result)}\n`);
      } else {
        const name = store.runs.summary(result.runId)?.name ?? '';
        const counts = Object.entries(result.rows)
          .filter(([table]) => table !== 'runs')
          .map(([table, count]) => `${count} ${table.replace('_', ' ')}`)
          .join(', ');
        context.stderr.write(
          `Imported run ${result.sourceRunId} "${name}" as run ${result.runId} (${counts})\n`,
        );
        context.stdout.write(`${result.runId}\n`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
