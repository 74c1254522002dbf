import type { EventChannel } from '@shared/api/channels';
import type { EventPayloads } from '@shared/api/contract';

export type EventListener = <E extends EventChannel>(channel: E, payload: EventPayloads[E]) => void;

/** Fan-out of pushed events to every connected renderer, terminal or test. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(channel, payload);
      } catch (error) {
        // One broken subscriber (a closed socket) must not starve the others.
        console.error(`Event listener failed on ${channel}:`, error);
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
