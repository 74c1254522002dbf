/** `runs tag`, `runs rename`, `runs note`: a run's metadata, through the API's `runs:update` call. */
import { parseArgs } from 'node:util';
import type { CallInput } from '@shared/api/contract';
import type { RunSummary } from '@shared/runs';
import { parseRunId, UsageError, type CliCommand, type CliContext } from '../command';
import { updateRun } from './runs-data';

async function update(
  db: string | undefined,
  runId: number,
  change: (current: RunSummary) => Omit<CallInput<'runs:update'>, 'runId'>,
  context: CliContext,
  options: { json: boolean; showNotes?: boolean },
): Promise<number> {
  const run = await updateRun(db, runId, change);
  if (options.json) context.stdout.write(`${JSON.stringify(run)}\n`);
  else {
    const tags = run.tags.length ? run.tags.join(' ') : '(none)';
    context.stdout.write(`Run ${run.id}: ${run.name}\n  tags   ${tags}\n`);
    if (options.showNotes) context.stdout.write(`  notes  ${run.notes || '(none)'}\n`);
  }
  return 0;
}

const COMMON_OPTIONS = { db: { type: 'string' }, json: { type: 'boolean', default: false } } as const;

export const runsTagCommand: CliCommand = {
  name: 'runs tag',
  summary: 'Add tags to a run (--remove TAG to take one off)',
  usage: `Usage: npm run cli -- runs tag ID TAG... [--remove TAG ...] [--db PATH] [--json]

Tags are single words (no spaces or commas); the runs list filters by them. Adding a tag the run
already has, or removing one it lacks, changes nothing.`,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...COMMON_OPTIONS, remove: { type: 'string', multiple: true, default: [] } },
    });
    const runId = parseRunId(positionals[0]);
    const added = positionals.slice(1);
    if (added.length === 0 && values.remove.length === 0) {
      throw new UsageError('Give the tags to add (or --remove TAG)');
    }
    const removed = new Set(values.remove.map((tag) => tag.trim()));
    const tags = (current: RunSummary) =>
      [...new Set([...current.tags, ...added])].filter((tag) => !removed.has(tag));
    return update(values.db, runId, (current) => ({ tags: tags(current) }), context, { json: values.json });
  },
};

export const runsRenameCommand: CliCommand = {
  name: 'runs rename',
  summary: 'Rename a run',
  usage: 'Usage: npm run cli -- runs rename ID NAME [--db PATH] [--json]',
  async run(args, context) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: COMMON_OPTIONS });
    const runId = parseRunId(positionals[0]);
    // A name of several words may come unquoted: the rest of the line is the name.
    const name = positionals.slice(1).join(' ');
    if (name.trim() === '') throw new UsageError('Give the new name');
    return update(values.db, runId, () => ({ name }), context, { json: values.json });
  },
};

export const runsNoteCommand: CliCommand = {
  name: 'runs note',
  summary: "Set a run's notes (an empty text clears them)",
  usage: `Usage: npm run cli -- runs note ID TEXT [--db PATH] [--json]

Replaces the run's notes with TEXT (the rest of the line, or one quoted argument with line
breaks); "" clears them. The runs list's filter searches notes.`,
  async run(args, context) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: COMMON_OPTIONS });
    const runId = parseRunId(positionals[0]);
    if (positionals.length < 2) throw new UsageError('Give the text of the notes ("" to clear them)');
    const notes = positionals.slice(1).join(' ');
    return update(values.db, runId, () => ({ notes }), context, { json: values.json, showNotes: true });
  },
};
