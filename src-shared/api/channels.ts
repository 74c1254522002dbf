/**
 * The channel names of the contract, as plain data with no imports, so the sandboxed
 * preload can bundle its allow-list without pulling in schemas.
 * Names are `domain:verb`.
 */
export const CALL_CHANNELS = [
  'runs:list',
  'runs:get',
  'runs:create',
  'runs:start',
  'runs:stop',
  'runs:resume',
  'runs:delete',
  'runs:logs',
  'runs:query',
  'runs:update',
  'compare:rows',
  'comparisons:list',
  'comparisons:save',
  'comparisons:delete',
  'evaluations:list',
  'evaluations:start',
  'metrics:names',
  'metrics:series',
  'metrics:range',
  'inspect:snapshots',
  'inspect:matrix',
  'inspect:summary',
  'inspect:pair',
  'inspect:spectrum',
  'inspect:capture',
  'inspect:jobs',
  'studies:list',
  'studies:get',
  'studies:presets',
  'studies:preview',
  'studies:create',
  'studies:start',
  'studies:stop',
  'studies:resume',
  'studies:retry',
  'studies:delete',
  'studies:report',
  'cost:list',
  'cost:get',
  'cost:start',
  'cost:stop',
  'cost:delete',
  'cluster:profiles',
  'cluster:profile-save',
  'cluster:profile-remove',
  'cluster:check',
  'cluster:jobs',
  'system:info',
] as const;

export const EVENT_CHANNELS = [
  'run:status',
  'run:progress',
  'run:metrics',
  'run:log',
  'run:deleted',
  'run:evaluation',
  'run:snapshot',
  'inspect:progress',
  'inspect:job',
  'study:status',
  'study:deleted',
  'cost:status',
  'cost:point',
  'cluster:job',
  'cluster:profiles',
] as const;

export type CallChannel = (typeof CALL_CHANNELS)[number];
export type EventChannel = (typeof EVENT_CHANNELS)[number];

/** The object the preload exposes on `window` under this name (Electron only). */
export const BRIDGE_GLOBAL = 'decorbench';

export function isCallChannel(name: string): name is CallChannel {
  return (CALL_CHANNELS as readonly string[]).includes(name);
}

export function isEventChannel(name: string): name is EventChannel {
  return (EVENT_CHANNELS as readonly string[]).includes(name);
}
