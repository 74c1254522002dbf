import { createPinia, setActivePinia } from 'pinia';
import { createApp } from 'vue';
import { afterEach, describe, expect, it } from 'vitest';
import { API_CLIENT_KEY, createApiClient } from '../../src-renderer/api/client';
import { useInterruptedRuns, type DismissalStorage } from '../../src-renderer/composables/useInterruptedRuns';
import { useNoticesStore } from '../../src-renderer/stores/notices.store';
import { useRunsStore } from '../../src-renderer/stores/runs.store';
import { FakeTransport, settle } from './fake-transport';
import { summary } from './fixtures';

let unmount: (() => void) | undefined;

/** A Pinia app around `transport`; composables run in the Pinia's scope, as they would in a component. */
function setup(transport: FakeTransport) {
  const app = createApp({ render: () => null });
  const pinia = createPinia();
  app.provide(API_CLIENT_KEY, createApiClient(transport));
  app.use(pinia);
  setActivePinia(pinia);
  unmount = () => pinia._e.stop();
  return {
    store: useRunsStore(),
    notices: useNoticesStore(),
    inApp: <T>(create: () => T): T => app.runWithContext(() => pinia._e.run(create) as T),
  };
}

afterEach(() => unmount?.());

/** A refusal as the backend sends it for a run without a usable checkpoint. */
const noCheckpoint = (runId: number) => ({
  ok: false as const,
  error: {
    code: 'conflict' as const,
    message: `Run ${runId} has no usable checkpoint to resume from; start it again instead`,
  },
});

function memoryStorage(): DismissalStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
}

describe('resuming runs', () => {
  it('applies an accepted resume and shows a refusal as a notice', async () => {
    const transport = new FakeTransport()
      .reply('runs:list', [summary({ id: 1, status: 'stopped' }), summary({ id: 2, status: 'failed' })])
      .handle('runs:resume', ({ runId }) =>
        runId === 1 ? { ok: true, value: summary({ id: 1, status: 'queued' }) } : noCheckpoint(runId),
      );
    const { store, notices } = setup(transport);
    await store.refresh();

    expect(await store.resume(1)).toBe(true);
    expect(store.find(1)?.status).toBe('queued');
    expect(await store.resume(2)).toBe(false);
    expect(store.find(2)?.status).toBe('failed');
    expect(notices.notices.map((notice) => [notice.kind, notice.message])).toEqual([
      [
        'error',
        'Could not resume run 2: Run 2 has no usable checkpoint to resume from; start it again instead',
      ],
    ]);
    expect(transport.callsTo('runs:resume')).toEqual([{ runId: 1 }, { runId: 2 }]);
    expect(transport.callsTo('runs:start')).toEqual([]);
  });
});

describe('the interrupted-runs offer', () => {
  it('loads the runs when the app opens and lists only the interrupted ones', async () => {
    const transport = new FakeTransport().reply('runs:list', [
      summary({ id: 1, status: 'interrupted' }),
      summary({ id: 2, status: 'completed' }),
      summary({ id: 3, status: 'interrupted' }),
    ]);
    const { inApp } = setup(transport);
    const offer = inApp(() => useInterruptedRuns({ storage: null }));
    await settle();
    expect(transport.callsTo('runs:list')).toHaveLength(1);
    expect(offer.runs.value.map((run) => run.id)).toEqual([3, 1]);
  });

  it('drops a resumed run from the offer and keeps a refused one with a notice', async () => {
    const transport = new FakeTransport()
      .reply('runs:list', [
        summary({ id: 1, status: 'interrupted' }),
        summary({ id: 2, status: 'interrupted' }),
      ])
      .handle('runs:resume', ({ runId }) =>
        runId === 2 ? { ok: true, value: summary({ id: 2, status: 'queued' }) } : noCheckpoint(runId),
      );
    const { inApp, notices } = setup(transport);
    const offer = inApp(() => useInterruptedRuns({ storage: null }));
    await settle();

    const resuming = offer.resume(2);
    expect([...offer.resuming.value]).toEqual([2]);
    expect(await resuming).toBe(true);
    expect(offer.resuming.value.size).toBe(0);
    expect(offer.runs.value.map((run) => run.id)).toEqual([1]);

    expect(await offer.resume(1)).toBe(false);
    expect(offer.runs.value.map((run) => run.id)).toEqual([1]);
    expect(notices.notices).toHaveLength(1);
    expect(notices.notices[0]?.message).toContain('Could not resume run 1');
  });

  it('offers Resume only where a checkpoint exists, and Start over elsewhere', async () => {
    const transport = new FakeTransport()
      .reply('runs:list', [
        summary({ id: 1, status: 'interrupted', checkpointStep: 40 }),
        summary({ id: 2, status: 'interrupted', checkpointStep: null }),
        summary({ id: 3, status: 'interrupted', checkpointStep: 10 }),
      ])
      .handle('runs:resume', ({ runId }) => ({ ok: true, value: summary({ id: runId, status: 'queued' }) }))
      .handle('runs:start', ({ runId }) => ({ ok: true, value: summary({ id: runId, status: 'queued' }) }));
    const { inApp } = setup(transport);
    const offer = inApp(() => useInterruptedRuns({ storage: null }));
    await settle();
    expect(offer.resumable.value.map((run) => run.id)).toEqual([3, 1]);

    // Resume all leaves the run without a checkpoint alone: it is offered Start over.
    expect(await offer.resumeAll()).toBe(2);
    expect(transport.callsTo('runs:resume')).toEqual([{ runId: 3 }, { runId: 1 }]);
    expect(offer.runs.value.map((run) => run.id)).toEqual([2]);
    expect(await offer.startOver(2)).toBe(true);
    expect(transport.callsTo('runs:start')).toEqual([{ runId: 2 }]);
    expect(offer.runs.value).toEqual([]);
  });

  it('resumes all listed runs one after the other and counts the accepted ones', async () => {
    const transport = new FakeTransport()
      .reply('runs:list', [
        summary({ id: 1, status: 'interrupted', checkpointStep: 8 }),
        summary({ id: 2, status: 'interrupted', checkpointStep: 8 }),
        summary({ id: 3, status: 'interrupted', checkpointStep: 8 }),
      ])
      .handle('runs:resume', ({ runId }) =>
        runId === 2 ? noCheckpoint(runId) : { ok: true, value: summary({ id: runId, status: 'queued' }) },
      );
    const { inApp, notices } = setup(transport);
    const offer = inApp(() => useInterruptedRuns({ storage: null }));
    await settle();

    expect(await offer.resumeAll()).toBe(2);
    expect(transport.callsTo('runs:resume')).toEqual([{ runId: 3 }, { runId: 2 }, { runId: 1 }]);
    expect(offer.runs.value.map((run) => run.id)).toEqual([2]);
    expect(notices.notices).toHaveLength(1);
  });

  it('remembers a dismissal for the session, but offers runs interrupted later', async () => {
    let listed = [summary({ id: 1, status: 'interrupted' })];
    const transport = new FakeTransport().handle('runs:list', () => ({ ok: true, value: listed }));
    const storage = memoryStorage();
    const first = setup(transport);
    const offer = first.inApp(() => useInterruptedRuns({ storage }));
    await settle();
    offer.dismiss();
    expect(offer.runs.value).toEqual([]);

    // A reload in the same session: a fresh app, the same session storage.
    unmount?.();
    const second = setup(transport);
    const reloaded = second.inApp(() => useInterruptedRuns({ storage }));
    await settle();
    expect(reloaded.runs.value).toEqual([]);

    // The host died again while run 2 trained: the offer comes back for run 2 only.
    listed = [summary({ id: 1, status: 'interrupted' }), summary({ id: 2, status: 'interrupted' })];
    transport.reconnect();
    await settle();
    expect(reloaded.runs.value.map((run) => run.id)).toEqual([2]);

    // A new session (no stored dismissals) offers both again.
    unmount?.();
    const third = setup(transport);
    const fresh = third.inApp(() => useInterruptedRuns({ storage: memoryStorage() }));
    await settle();
    expect(fresh.runs.value.map((run) => run.id)).toEqual([2, 1]);
  });
});
