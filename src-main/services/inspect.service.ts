import type { CallHandlers } from '@shared/api/contract';
import { AppFailure } from '@shared/errors';

/** The decorrelation inspector's calls (issue 12). */
export type InspectCalls = Pick<
  CallHandlers,
  | 'inspect:snapshots'
  | 'inspect:matrix'
  | 'inspect:summary'
  | 'inspect:pair'
  | 'inspect:spectrum'
  | 'inspect:capture'
  | 'inspect:jobs'
>;

// WORK IN PROGRESS (issue 12): replaced by the real service before this is committed.
const pending = () => {
  throw new AppFailure('unavailable', 'The inspector is being built');
};

export function createInspectHandlers(): InspectCalls {
  return {
    'inspect:snapshots': pending,
    'inspect:matrix': pending,
    'inspect:summary': pending,
    'inspect:pair': pending,
    'inspect:spectrum': pending,
    'inspect:capture': pending,
    'inspect:jobs': pending,
  };
}
