import type { CallChannel, EventChannel } from '@shared/api/channels';
import type { CallInput, CallOutputs, EventPayloads } from '@shared/api/contract';
import type { Result } from '@shared/errors';
import { ListenerSet, type ConnectionState, type RendererTransport } from '../../src-renderer/api/transport';

type Handler<C extends CallChannel> = (
  input: CallInput<C>,
) => Result<CallOutputs[C]> | Promise<Result<CallOutputs[C]>>;

/**
 * An in-memory transport for renderer tests. A call without a handler rejects, so a test
 * states every backend interaction it relies on.
 */
export class FakeTransport implements RendererTransport {
  readonly kind = 'http' as const;
  connectionState: ConnectionState = 'open';
  readonly calls: { channel: CallChannel; input: unknown }[] = [];
  private readonly handlers = new Map<CallChannel, Handler<CallChannel>>();
  private readonly listeners = new Map<EventChannel, ListenerSet<[unknown]>>();
  private readonly reconnectListeners = new ListenerSet<[]>();
  private readonly stateListeners = new ListenerSet<[ConnectionState]>();

  handle<C extends CallChannel>(channel: C, handler: Handler<C>): this {
    this.handlers.set(channel, handler as unknown as Handler<CallChannel>);
    return this;
  }

  /** Answers `channel` with `value` every time. */
  reply<C extends CallChannel>(channel: C, value: CallOutputs[C]): this {
    return this.handle(channel, () => ({ ok: true, value }));
  }

  async call<C extends CallChannel>(channel: C, input: CallInput<C>): Promise<Result<CallOutputs[C]>> {
    this.calls.push({ channel, input });
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Unexpected call ${channel} ${JSON.stringify(input)}`);
    return (await handler(input as CallInput<CallChannel>)) as Result<CallOutputs[C]>;
  }

  callsTo(channel: CallChannel): unknown[] {
    return this.calls.filter((call) => call.channel === channel).map((call) => call.input);
  }

  subscribe<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new ListenerSet<[unknown]>();
      this.listeners.set(channel, set);
    }
    return set.add(listener as (payload: unknown) => void);
  }

  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void {
    this.listeners.get(channel)?.emit(payload);
  }

  listenerCount(channel: EventChannel): number {
    return this.listeners.get(channel)?.size ?? 0;
  }

  onConnectionState(listener: (state: ConnectionState) => void): () => void {
    return this.stateListeners.add(listener);
  }

  onReconnect(listener: () => void): () => void {
    return this.reconnectListeners.add(listener);
  }

  /** Simulates the event stream coming back after a drop. */
  reconnect(): void {
    this.reconnectListeners.emit();
  }

  close(): void {
    this.listeners.clear();
  }
}

/** Resolves after pending promise callbacks (and Vue's pre-flush jobs) have run. */
export async function settle(): Promise<void> {
  for (let index = 0; index < 5; index += 1) await new Promise((resolve) => setTimeout(resolve, 0));
}
