import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { runRemoteWorker } from '../../workers/remote-worker';
import { UsageError, type CliCommand } from '../command';

export const workerCommand: CliCommand = {
  name: 'worker',
  summary: 'Train the run of a cluster run folder on this machine (what a Slurm job runs on its node)',
  usage: `Usage: npm run cli -- worker --run-dir DIR

Trains the run described by DIR/job.json and reports through DIR/journal.ndjson, with its
checkpoints in DIR/checkpoints/. This is what the Slurm job script of a run placed on a cluster
runs on the compute node; it needs no database and no connection back to the desktop. Run it by
hand to debug a run folder: it continues from the newest checkpoint of the journal that verifies.

SIGTERM, SIGINT or SIGUSR1 stop the run after the current step, with a stop checkpoint.

Exit codes: 0 completed, or stopped at the user's request (DIR/stop-requested exists); 75 stopped
by a signal without a stop request while job.json asks for requeue (the job script then requeues
the job); 1 failed (the journal's last line says why), which includes a stop by such a signal with
requeue off (resumable from its stop checkpoint).`,
  async run(args, context) {
    const { values } = parseArgs({ args, options: { 'run-dir': { type: 'string' } } });
    const runDir = values['run-dir'];
    if (!runDir) throw new UsageError('Give the run folder: --run-dir DIR');
    const code = await runRemoteWorker(resolve(runDir), { output: context.stdout });
    context.stdout.write(`worker exit code ${code}\n`);
    // Everything is flushed. A backend that keeps a handle open (a GPU device) must not keep a
    // Slurm job alive until its time limit: exit anyway, unless the process ends by itself first.
    setTimeout(() => process.exit(code), 2000).unref();
    return code;
  },
};
