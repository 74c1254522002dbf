import type { ApiTransport } from '@shared/api/contract';
import type { AppError, Result } from '@shared/errors';

/** State of the push channel (SSE in a browser; IPC is always `open`). */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

/** The shared `ApiTransport` plus what the renderer needs to stay in sync after a dropped connection. */
export interface RendererTransport extends ApiTransport {
  readonly kind: 'ipc' | 'http';
  /** Current state of the event stream. */
  readonly connectionState: ConnectionState;
  /** Called on every state change; returns an unsubscribe function. */
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
  /**
   * Called after the event stream came back from a drop. Events sent while it was down
   * are lost, so listeners refetch what they show.
   */
  onReconnect(listener: () => void): () => void;
  /** Stops the event stream and forgets every listener. */
  close(): void;
}

/** A `Result` error built on the renderer side (network down, malformed reply). */
export function failure(code: AppError['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Checks the shape of a reply before trusting it: the other end is ours, but a proxy,
 * a crashed handler or an older host can still answer with something else.
 */
export function toResult<T>(reply: unknown): Result<T> {
  if (isRecord(reply)) {
    if (reply.ok === true && 'value' in reply) return { ok: true, value: reply.value as T };
    const error = reply.error;
    if (
      reply.ok === false &&
      isRecord(error) &&
      typeof error.code === 'string' &&
      typeof error.message === 'string'
    ) {
      return { ok: false, error: error as unknown as AppError };
    }
  }
  return failure('internal', 'The backend sent a reply the workbench does not understand');
}

/** A tiny listener set, so both transports share the same bookkeeping. */
export class ListenerSet<A extends unknown[]> {
  private readonly listeners = new Set<(...args: A) => void>();

  add(listener: (...args: A) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(...args: A): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(...args);
      } catch (error) {
        // One broken view must not stop the others from receiving events.
        console.error(error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }

  get size(): number {
    return this.listeners.size;
  }
}
