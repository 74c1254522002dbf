import { ZodError } from 'zod';
import { isCallChannel } from '@shared/api/channels';
import type { CallHandlers } from '@shared/api/contract';
import { callInputSchemas } from '@shared/api/schemas';
import { AppFailure, type Result } from '@shared/errors';
import { describeIssues, fieldMessages } from '@shared/validation';

/**
 * The single entry for calls from any transport: checks the channel against the contract,
 * validates the payload with its schema, runs the handler, and turns every outcome into a
 * `Result`, so no exception (and no stack trace) crosses the boundary.
 */
export function createDispatcher(
  handlers: CallHandlers,
  onInternalError: (error: unknown) => void = console.error,
) {
  return async function dispatch(channel: string, input: unknown): Promise<Result<unknown>> {
    if (!isCallChannel(channel)) {
      return { ok: false, error: { code: 'unknown-call', message: `Unknown call "${channel}"` } };
    }
    try {
      const parsed = callInputSchemas[channel].parse(input ?? {});
      const handler = handlers[channel] as (value: unknown) => unknown;
      return { ok: true, value: await handler(parsed) };
    } catch (error) {
      if (error instanceof AppFailure) return { ok: false, error: error.toData() };
      if (error instanceof ZodError) {
        const message = `Invalid input for ${channel} (${describeIssues(error)})`;
        return { ok: false, error: { code: 'invalid-input', message, fields: fieldMessages(error) } };
      }
      onInternalError(error);
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'internal', message: `Internal error in ${channel}: ${message}` } };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
