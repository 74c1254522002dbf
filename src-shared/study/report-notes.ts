/**
 * The report's notes: what its figures leave out, so a reader knows what the table rests on (runs
 * not completed, evaluations missing, cells too small for a spread, rows without a reference).
 */
import { EXACT_COUNTERPART, rowGroupKey } from './report-keys';
import { rowTitle, runList } from './report-text';
import type { StudyReportRow } from './types';

/** What the notes need of each run. */
interface NoteRun {
  runId: number;
  status: string;
  knnFinal: number | null;
  linearTop1: number | null;
  linearPending?: boolean;
  lossMs: number | null;
}

/** `(failed: run 5; running: runs 7, 8)`. */
function byStatus(runs: readonly NoteRun[]): string {
  const groups = new Map<string, number[]>();
  for (const run of runs) groups.set(run.status, [...(groups.get(run.status) ?? []), run.runId]);
  return [...groups].map(([status, ids]) => `${status}: ${runList(ids)}`).join('; ');
}

export function reportNotes(rows: readonly StudyReportRow[], runs: readonly NoteRun[]): string[] {
  const notes: string[] = [];
  if (runs.length === 0) return ['The study has no runs yet.'];
  const sorted = [...runs].sort((a, b) => a.runId - b.runId);
  const pending = sorted.filter((run) => run.status !== 'completed');
  if (pending.length > 0) {
    const verb = pending.length === 1 ? 'has' : 'have';
    notes.push(
      `${pending.length} of ${runs.length} runs ${verb} not completed (${byStatus(pending)}); the figures use completed runs only.`,
    );
  }
  const completed = sorted.filter((run) => run.status === 'completed');
  const missing = (pick: (run: NoteRun) => number | null): number[] =>
    completed.filter((run) => pick(run) === null).map((run) => run.runId);
  const noKnn = missing((run) => run.knnFinal);
  if (noKnn.length > 0) notes.push(`Final kNN top-1 is missing for ${runList(noKnn)}.`);
  // A linear evaluation queued or running is on its way, not missing.
  const withoutLinear = completed.filter((run) => run.linearTop1 === null);
  const pendingLinear = withoutLinear.filter((run) => run.linearPending).map((run) => run.runId);
  const noLinear = withoutLinear.filter((run) => !run.linearPending).map((run) => run.runId);
  if (completed.length > 0 && withoutLinear.length === completed.length) {
    notes.push('No linear evaluation has completed: the verdict compares kNN top-1.');
  } else if (noLinear.length > 0) {
    notes.push(`Linear top-1 is missing for ${runList(noLinear)}.`);
  }
  if (pendingLinear.length > 0) notes.push(`Linear evaluation is under way for ${runList(pendingLinear)}.`);
  const noLoss = missing((run) => run.lossMs);
  if (noLoss.length > 0)
    notes.push(`Loss time is missing for ${runList(noLoss)} (left out of the speed-up).`);
  for (const row of rows) {
    const title = rowTitle(row, rows);
    if (row.completed === 0) notes.push(`${title}: no completed run yet.`);
    else if (row.completed === 1) notes.push(`${title}: 1 completed run, so no spread (std shown as 0).`);
    const exact = EXACT_COUNTERPART[row.lossName];
    if (
      row.blockSize !== null &&
      !rows.some((other) => other.lossName === exact && rowGroupKey(other) === rowGroupKey(row))
    ) {
      notes.push(
        `${title}: no ${exact === 'bt' ? 'BT' : 'VICReg'} row at the same d to compare with, so no speed-up.`,
      );
    }
  }
  return notes;
}
