import type { CallInput } from '@shared/api/contract';
import { callInputSchemas } from '@shared/api/schemas';
import type { RunSummary } from '@shared/runs';

/** The metadata editor's fields as typed. */
export interface RunMetadataDraft {
  name: string;
  /** Tags separated by spaces or commas, as typed. */
  tags: string;
  notes: string;
}

export function draftFrom(run: Pick<RunSummary, 'name' | 'tags' | 'notes'>): RunMetadataDraft {
  return { name: run.name, tags: run.tags.join(' '), notes: run.notes };
}

/** `"seed-1, fft  seed-1"` -> `['seed-1', 'fft']`: split on spaces and commas, duplicates dropped. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/u).filter(Boolean))];
}

/**
 * The `runs:update` input for what changed in the draft (nothing changed: null), checked with
 * the same schema the backend uses, so a bad value is marked at its field before any call.
 * Messages are keyed by field (`name`, `tags`, `notes`); a bad tag names itself.
 */
export function buildRunUpdate(
  run: Pick<RunSummary, 'id' | 'name' | 'tags' | 'notes'>,
  draft: RunMetadataDraft,
): { input: CallInput<'runs:update'> | null; fields: Record<string, string> } {
  const input: CallInput<'runs:update'> = { runId: run.id };
  const tags = parseTags(draft.tags);
  if (draft.name.trim() !== run.name) input.name = draft.name;
  if (tags.join('\n') !== run.tags.join('\n')) input.tags = tags;
  if (draft.notes !== run.notes) input.notes = draft.notes;
  if (Object.keys(input).length === 1) return { input: null, fields: {} };
  const parsed = callInputSchemas['runs:update'].safeParse(input);
  if (parsed.success) return { input: parsed.data, fields: {} };
  return { input: null, fields: fieldMessages(parsed.error.issues, tags) };
}

/** Zod issues as one message per top-level field; a tag's message says which tag. */
export function fieldMessages(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  tags: readonly string[] = [],
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const [field, index] = issue.path;
    const key = String(field ?? 'form');
    if (fields[key]) continue;
    const tag = key === 'tags' && typeof index === 'number' ? tags[index] : undefined;
    fields[key] = tag === undefined ? issue.message : `“${tag}”: ${issue.message}`;
  }
  return fields;
}
