import { describe, expect, it } from 'vitest';
import { CALL_CHANNELS } from '@shared/api/channels';
import type { CallHandlers } from '@shared/api/contract';
import { AppFailure } from '@shared/errors';
import { createDispatcher } from '../../../src-main/services/dispatch';

/** Handlers that echo their validated input, so tests see what the schema let through. */
function echoHandlers(): CallHandlers {
  return Object.fromEntries(
    CALL_CHANNELS.map((channel) => [channel, (input: unknown) => ({ channel, input })]),
  ) as unknown as CallHandlers;
}

describe('dispatch validates every payload against the contract', () => {
  const dispatch = createDispatcher(echoHandlers(), () => {});

  it('passes valid input with defaults filled in', async () => {
    expect(await dispatch('runs:logs', { runId: 3 })).toEqual({
      ok: true,
      value: { channel: 'runs:logs', input: { runId: 3, afterId: 0, limit: 1000 } },
    });
    expect(await dispatch('runs:list', undefined)).toMatchObject({
      ok: true,
      value: { input: { limit: 500 } },
    });
  });

  it.each([
    ['runs:get', { runId: '3' }, 'runId'],
    ['runs:get', {}, 'runId'],
    ['runs:stop', { runId: -1 }, 'runId'],
    ['runs:stop', { runId: 1.5 }, 'runId'],
    ['metrics:series', { runId: 1, names: [] }, 'names'],
    ['runs:list', { status: ['sleeping'] }, 'status.0'],
    ['runs:create', { start: 'yes', config: {} }, 'start'],
  ])('rejects %s %j with a message for %s', async (channel, input, field) => {
    const result = await dispatch(channel, input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-input');
      expect(result.error.fields).toHaveProperty(field);
      expect(result.error.message).toContain(channel);
    }
  });

  it('refuses channels outside the contract', async () => {
    expect(await dispatch('runs:drop', {})).toEqual({
      ok: false,
      error: { code: 'unknown-call', message: 'Unknown call "runs:drop"' },
    });
    expect((await dispatch('__proto__', {})).ok).toBe(false);
  });

  it('turns expected failures into data and bugs into internal errors', async () => {
    const handlers = echoHandlers();
    handlers['runs:get'] = () => {
      throw new AppFailure('not-found', 'Run 9 does not exist');
    };
    handlers['runs:stop'] = () => {
      throw new TypeError('boom');
    };
    const errors: unknown[] = [];
    const guarded = createDispatcher(handlers, (error) => errors.push(error));
    expect(await guarded('runs:get', { runId: 9 })).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'Run 9 does not exist' },
    });
    expect(await guarded('runs:stop', { runId: 1 })).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Internal error in runs:stop: boom' },
    });
    expect(errors).toHaveLength(1);
  });
});
