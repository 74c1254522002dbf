/** `cost list|show|export|import`: cost studies in the database, and as files to compare machines. */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AppFailure } from '@shared/errors';
import { resolveDatabasePath } from '../../paths';
import { costStudyArchive, importCostStudy } from '../../services/cost/cost-archive';
import { costStudyDetail } from '../../services/cost/cost-detail';
import { RunStore } from '../../storage/store';
import { UsageError, type CliCommand } from '../command';
import { formatCostStudy, summaryRows } from './cost-table';

function studyId(text: string | undefined): number {
  const id = Number(text);
  if (!text || !Number.isInteger(id) || id < 1)
    throw new UsageError(`Give a cost study id (a positive integer), not "${text ?? ''}"`);
  return id;
}

function withStore<T>(db: string | undefined, access: 'read' | undefined, use: (store: RunStore) => T): T {
  const store = RunStore.open(resolveDatabasePath(db), access ? { access } : {});
  try {
    return use(store);
  } finally {
    store.close();
  }
}

export const costListCommand: CliCommand = {
  name: 'cost list',
  summary: 'List the cost studies (loss time and memory against d), newest first',
  usage: 'Usage: npm run cli -- cost list [--db PATH] [--json]',
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: { db: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const studies = withStore(values.db, 'read', (store) => store.cost.list());
    if (values.json) context.stdout.write(`${JSON.stringify(studies)}\n`);
    else
      context.stdout.write(
        `${studies.length ? summaryRows(studies) : 'No cost studies yet (cost run, or bench loss --save)'}\n`,
      );
    return 0;
  },
};

export const costShowCommand: CliCommand = {
  name: 'cost show',
  summary: 'A cost study: its points, fitted log-log slopes and crossovers',
  usage: `Usage: npm run cli -- cost show ID [--db PATH] [--json]

Prints where the study ran, every point (median, min and max time of the timed repeats, peak
memory, or why it has none: oom, error), the least-squares slope of each curve in log-log (time
or memory ~ d^slope) and the d where each relaxed loss becomes cheaper than its exact loss.
--json: the study as the API returns it (points, fits, crossovers).`,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const id = studyId(positionals[0]);
    const detail = withStore(values.db, 'read', (store) => {
      const summary = store.cost.summary(id);
      if (!summary) throw new AppFailure('not-found', `Cost study ${id} does not exist`);
      return costStudyDetail(store, summary);
    });
    context.stdout.write(`${values.json ? JSON.stringify(detail) : formatCostStudy(detail)}\n`);
    return 0;
  },
};

export const costExportCommand: CliCommand = {
  name: 'cost export',
  summary: 'Write a cost study to a JSON file (to compare machines: cost import)',
  usage: `Usage: npm run cli -- cost export ID --out FILE [--db PATH]

Writes the study (settings, the machine, backend and device it ran on, and its points) as one
JSON file that "cost import" on another machine adds to that machine's studies.`,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string' }, out: { type: 'string' } },
    });
    const id = studyId(positionals[0]);
    if (!values.out) throw new UsageError('Give the file to write: --out FILE');
    const archive = withStore(values.db, 'read', (store) => costStudyArchive(store, id));
    writeFileSync(values.out, `${JSON.stringify(archive, null, 2)}\n`);
    context.stderr.write(`Wrote cost study ${id} (${archive.points.length} points) to ${values.out}\n`);
    return 0;
  },
};

export const costImportCommand: CliCommand = {
  name: 'cost import',
  summary: 'Add a cost study exported on another machine (source "import"); prints its id',
  usage: `Usage: npm run cli -- cost import FILE [--db PATH]

Adds the study in FILE (written by "cost export") as a new cost study of source "import", with
the machine it was measured on, so its curves can be laid over this machine's. The file is
checked first: a foreign or damaged one changes nothing.`,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string' } },
    });
    const path = positionals[0];
    if (!path || positionals.length > 1) throw new UsageError('Give one exported cost study file');
    let input: unknown;
    try {
      input = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new AppFailure('invalid-input', `Cannot read ${path}: ${(error as Error).message}`);
    }
    const summary = withStore(values.db, undefined, (store) => importCostStudy(store, input));
    context.stderr.write(`Imported cost study "${summary.name}" as ${summary.id}\n`);
    context.stdout.write(`${summary.id}\n`);
    return 0;
  },
};
