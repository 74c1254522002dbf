import type { EventChannel } from '@shared/api/channels';
import type { EventPayloads } from '@shared/api/contract';
import type { Result } from '@shared/errors';
import type { StudySpec, StudySummary } from '@shared/study/types';
import type { Workbench } from '../../../../src-main/services/workbench';
import { tinyConfig } from '../../../helpers/workbench';

export function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** A study over the tiny test run: `loss.name` x seeds. */
export function tinyStudy(overrides: Partial<StudySpec> = {}, base = tinyConfig()): Partial<StudySpec> {
  return {
    name: 'tiny study',
    base: base as StudySpec['base'],
    axes: [{ field: 'loss.name', values: ['bt', 'fft-bt'] }],
    seeds: 1,
    ...overrides,
  };
}

/** Every payload of `channel` from now on. */
export function collect<E extends EventChannel>(workbench: Workbench, channel: E): EventPayloads[E][] {
  const seen: EventPayloads[E][] = [];
  workbench.events.subscribe((name, payload) => {
    if ((name as EventChannel) === channel) seen.push(payload as unknown as EventPayloads[E]);
  });
  return seen;
}

/** Resolves with the study's summary once `study:status` (or its current summary) satisfies `until`. */
export async function waitForStudy(
  workbench: Workbench,
  studyId: number,
  until: (summary: StudySummary) => boolean,
  timeoutMs = 180_000,
): Promise<StudySummary> {
  const now = value<StudySummary>(await workbench.dispatch('studies:get', { studyId }));
  if (until(now)) return now;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      void workbench.dispatch('studies:get', { studyId }).then((result) => {
        const summary = result.ok ? (result.value as StudySummary) : undefined;
        reject(
          new Error(
            `Study ${studyId} did not reach the expected state within ${timeoutMs} ms (now ${JSON.stringify(
              summary && { state: summary.state, counts: summary.counts, evaluations: summary.evaluations },
            )})`,
          ),
        );
      });
    }, timeoutMs);
    const unsubscribe = workbench.events.subscribe((channel, payload) => {
      if (channel !== 'study:status') return;
      const summary = payload as unknown as StudySummary;
      if (summary.id === studyId && until(summary)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(summary);
      }
    });
  });
}

/** Rows of a table, read directly (what is really in the file). */
export function countRows(workbench: Workbench, table: string): number {
  return (workbench.store.database.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}
