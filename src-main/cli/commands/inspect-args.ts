import { AppFailure } from '@shared/errors';
import type { SnapshotSummary } from '@shared/inspect';
import type { RunStore } from '../../storage/store';
import { UsageError } from '../command';

/** The `inspect` command's argument parsing and snapshot choice. */

function parseRange(text: string, what: string): [number, number] {
  const match = /^(\d+):(\d+)$/.exec(text.trim());
  if (!match)
    throw new UsageError(`--region takes R0:R1,C0:C1 (e.g. 0:512,0:512); the ${what} part was "${text}"`);
  const range: [number, number] = [Number(match[1]), Number(match[2])];
  if (range[0] >= range[1])
    throw new UsageError(`--region: the ${what} ${text} are empty (give start:end with start < end)`);
  return range;
}

export function parseRegion(
  text: string | undefined,
): { rows: [number, number]; cols: [number, number] } | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',');
  if (parts.length !== 2)
    throw new UsageError(`--region takes R0:R1,C0:C1 (e.g. 0:512,0:512), not "${text}"`);
  return { rows: parseRange(parts[0]!, 'rows'), cols: parseRange(parts[1]!, 'columns') };
}

export function parsePair(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+),(\d+)$/.exec(text.trim());
  if (!match) throw new UsageError(`--pair takes two block indices G,H (e.g. 0,1), not "${text}"`);
  return [Number(match[1]), Number(match[2])];
}

export function choice<T extends string>(
  text: string | undefined,
  allowed: readonly T[],
  flag: string,
  fallback: T,
): T {
  if (text === undefined) return fallback;
  if (!allowed.includes(text as T)) throw new UsageError(`${flag} takes ${allowed.join('|')}, not "${text}"`);
  return text as T;
}

/** The snapshot of --step, or the newest; a step without one names the steps that have one. */
export function pickSnapshot(store: RunStore, runId: number, stepText: string | undefined): SnapshotSummary {
  if (!store.runs.summary(runId))
    throw new AppFailure('not-found', `Run ${runId} does not exist in ${store.path}`);
  const snapshots = store.snapshots.list(runId);
  if (snapshots.length === 0)
    throw new AppFailure(
      'not-found',
      `Run ${runId} has no inspector snapshots (runs take them when their config's inspect.enabled is on; the app's Inspect tab can take one from a checkpoint)`,
    );
  if (stepText === undefined) return snapshots.at(-1)!;
  const step = Number(stepText);
  if (!Number.isInteger(step) || step < 0)
    throw new UsageError(`--step takes a step number, not "${stepText}"`);
  const found = snapshots.find((snapshot) => snapshot.step === step);
  if (found) return found;
  const nearest = snapshots.reduce((best, snapshot) =>
    Math.abs(snapshot.step - step) < Math.abs(best.step - step) ? snapshot : best,
  );
  const steps = snapshots.map((snapshot) => snapshot.step);
  const shown = steps.length > 12 ? [...steps.slice(0, 6), '...', ...steps.slice(-5)] : steps;
  throw new AppFailure(
    'not-found',
    `Run ${runId} has no snapshot at step ${step}; the nearest is step ${nearest.step} (snapshots at steps ${shown.join(', ')})`,
  );
}

/** `--minus STEP` (this run) or `--minus RUN:STEP`: the snapshot subtracted. */
export function pickMinus(store: RunStore, runId: number, text: string): SnapshotSummary {
  const match = /^(?:(\d+):)?(\d+)$/.exec(text.trim());
  if (!match) throw new UsageError(`--minus takes STEP or RUN:STEP (e.g. 0, or 7:1200), not "${text}"`);
  return pickSnapshot(store, match[1] === undefined ? runId : Number(match[1]), match[2]);
}
