import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '@shared/runs';
import { useNoticesStore } from '../../src-renderer/stores/notices.store';
import { useRunsStore } from '../../src-renderer/stores/runs.store';
import { piniaApp } from './pinia-app';
import { FakeTransport, settle } from './fake-transport';
import { summary } from './fixtures';

let unmount: (() => void) | undefined;

function setup(transport: FakeTransport) {
  const app = piniaApp(transport);
  unmount = app.stop;
  return useRunsStore();
}

afterEach(() => unmount?.());

describe('the runs store', () => {
  it('lists runs newest first and follows status and progress events', async () => {
    const transport = new FakeTransport().reply('runs:list', [summary({ id: 1 }), summary({ id: 2 })]);
    const store = setup(transport);
    await store.refresh();
    expect(store.runs.map((run) => run.id)).toEqual([2, 1]);

    transport.emit('run:status', summary({ id: 1, status: 'running' }));
    transport.emit('run:progress', {
      runId: 1,
      progress: { step: 5, totalSteps: 10, epoch: 1, totalEpochs: 1 },
    });
    transport.emit('run:progress', {
      runId: 99,
      progress: { step: 5, totalSteps: 10, epoch: 1, totalEpochs: 1 },
    });
    expect(store.find(1)).toMatchObject({ status: 'running', progress: { step: 5 } });
    expect(store.find(99)).toBeUndefined();

    transport.emit('run:status', summary({ id: 3, status: 'queued' }));
    expect(store.runs.map((run) => run.id)).toEqual([3, 2, 1]);
  });

  it('keeps a pushed status that is newer than a list answer still in flight', async () => {
    let answer: (value: RunSummary[]) => void = () => undefined;
    const transport = new FakeTransport().handle(
      'runs:list',
      () => new Promise((resolve) => (answer = (value) => resolve({ ok: true, value }))),
    );
    const store = setup(transport);
    const refreshing = store.refresh();
    transport.emit('run:status', summary({ id: 1, status: 'completed' }));
    answer([summary({ id: 1, status: 'running' }), summary({ id: 2 })]);
    await refreshing;
    expect(store.find(1)?.status).toBe('completed');
    expect(store.find(2)).toBeDefined();
  });

  it('drops runs the list no longer has and refetches after a reconnect', async () => {
    let listed = [summary({ id: 1 }), summary({ id: 2 })];
    const transport = new FakeTransport().handle('runs:list', () => ({ ok: true, value: listed }));
    const store = setup(transport);
    await store.refresh();
    listed = [summary({ id: 2, status: 'completed' })];
    transport.reconnect();
    await settle();
    expect(store.runs.map((run) => [run.id, run.status])).toEqual([[2, 'completed']]);
    expect(transport.callsTo('runs:list')).toHaveLength(2);
  });

  it('keeps runs older than a full list (a page loaded them) and drops the newer ones it lacks', async () => {
    const newest = Array.from({ length: 500 }, (_, index) => summary({ id: 1000 - index }));
    const transport = new FakeTransport()
      .reply('runs:list', newest)
      .reply('runs:query', { total: 2, runs: [summary({ id: 7 }), summary({ id: 800 })] });
    const store = setup(transport);
    await store.refresh();
    await store.query({ sort: 'id', direction: 'desc', offset: 0, limit: 50 });
    // Run 900 was deleted meanwhile: the newest 500 now reach down to run 500.
    transport.reply('runs:list', [...newest.filter((run) => run.id !== 900), summary({ id: 500 })]);
    await store.refresh();
    expect(store.find(7)).toBeDefined();
    expect(store.find(800)).toBeDefined();
    expect(store.find(900)).toBeUndefined();
    // A list shorter than the limit is every run: the others are gone.
    transport.reply('runs:list', [summary({ id: 1 })]);
    await store.refresh();
    expect(store.runs.map((run) => run.id)).toEqual([1]);
    expect(transport.callsTo('runs:list')).toEqual([{ limit: 500 }, { limit: 500 }, { limit: 500 }]);
  });

  it('applies start, stop and delete, and reports a refused action as a notice', async () => {
    const transport = new FakeTransport()
      .reply('runs:list', [summary({ id: 1 }), summary({ id: 2 })])
      .handle('runs:start', ({ runId }) => ({ ok: true, value: summary({ id: runId, status: 'queued' }) }))
      .handle('runs:stop', () => ({
        ok: false,
        error: { code: 'conflict', message: 'Run 1 is not running' },
      }))
      .handle('runs:delete', ({ runId }) => ({ ok: true, value: { runId } }));
    const store = setup(transport);
    await store.refresh();
    expect(await store.start(1)).toBe(true);
    expect(store.find(1)?.status).toBe('queued');
    expect(await store.stop(1)).toBe(false);
    expect(useNoticesStore().notices.map((notice) => notice.message)).toEqual([
      'Could not stop run 1: Run 1 is not running',
    ]);
    expect(await store.remove(2)).toBe(true);
    expect(store.find(2)).toBeUndefined();
  });

  it('keeps the error of a failed list for the page to show', async () => {
    const store = setup(
      new FakeTransport().handle('runs:list', () => ({
        ok: false,
        error: { code: 'unavailable', message: 'down' },
      })),
    );
    await store.refresh();
    expect(store.error).toEqual({ code: 'unavailable', message: 'down' });
    expect(store.hasLoaded).toBe(false);
  });
});
