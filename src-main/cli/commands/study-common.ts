/**
 * What the `study` commands share: a CLI workbench, typed calls through its dispatcher (the
 * studies service is reached only through the `studies:*` calls, as the app reaches it), and the
 * study id argument.
 */
import type { CallChannel } from '@shared/api/channels';
import type { CallInput, CallOutputs } from '@shared/api/contract';
import { AppFailure } from '@shared/errors';
import type { StudySummary } from '@shared/study/types';
import { createHeadlessWorkbench } from '../../host/headless';
import type { Workbench } from '../../services/workbench';
import { UsageError, type CliContext } from '../command';

/** Runs at a time when this process follows a study: two keep a 2-core machine busy without thrashing. */
export const STUDY_DEFAULT_CONCURRENCY = 2;

export function openStudyWorkbench(
  context: CliContext,
  options: { db?: string; maxConcurrentRuns?: number },
): Workbench {
  return createHeadlessWorkbench({
    buildDir: context.buildDir,
    host: 'cli',
    databasePath: options.db,
    maxConcurrentRuns: options.maxConcurrentRuns ?? STUDY_DEFAULT_CONCURRENCY,
  });
}

/** One call through the workbench's dispatcher (input validated by the contract's schema); throws its failure. */
export async function call<C extends CallChannel>(
  workbench: Workbench,
  channel: C,
  input: CallInput<C>,
): Promise<CallOutputs[C]> {
  const result = await workbench.dispatch(channel, input);
  if (!result.ok) throw new AppFailure(result.error.code, result.error.message, result.error.fields);
  return result.value as CallOutputs[C];
}

export function parseStudyId(text: string | undefined): number {
  const id = Number(text);
  if (!text || !Number.isInteger(id) || id < 1) {
    throw new UsageError(`Give a study id (a positive integer, see "study list"), not "${text ?? ''}"`);
  }
  return id;
}

/** `--max-concurrent-runs N` as a number (at least 1). */
export function parseConcurrency(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 64) {
    throw new UsageError(`--max-concurrent-runs takes a whole number from 1 to 64, not "${text}"`);
  }
  return value;
}

/** `4/15 completed, 2 running, 9 queued, 0 failed; evaluations 3/15`. */
export function studyCountsText(study: StudySummary): string {
  const { counts, evaluations } = study;
  const parts = [`${counts.completed}/${counts.total} completed`];
  if (counts.running + counts.stopping > 0) parts.push(`${counts.running + counts.stopping} running`);
  if (counts.queued > 0) parts.push(`${counts.queued} queued`);
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  const paused = counts.stopped + counts.interrupted;
  if (paused > 0) parts.push(`${paused} stopped`);
  if (counts.created > 0) parts.push(`${counts.created} not started`);
  const text = parts.join(', ');
  if (evaluations.planned === 0) return text;
  const detail = [
    evaluations.running > 0 ? `${evaluations.running} running` : '',
    evaluations.queued > 0 ? `${evaluations.queued} queued` : '',
    evaluations.failed > 0 ? `${evaluations.failed} failed` : '',
  ].filter(Boolean);
  const more = detail.length > 0 ? ` (${detail.join(', ')})` : '';
  return `${text}; evaluations ${evaluations.completed}/${evaluations.planned} done${more}`;
}
