import { nextTick } from 'vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunQuery } from '@shared/compare';
import type { RunSummary } from '@shared/runs';
import { useRunList } from '../../src-renderer/composables/useRunList';
import { useRunSelection } from '../../src-renderer/composables/useRunSelection';
import { piniaApp } from './pinia-app';
import { FakeTransport, settle } from './fake-transport';
import { summary } from './fixtures';

let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  vi.useRealTimers();
});

function setup(transport: FakeTransport) {
  const app = piniaApp(transport);
  unmount = app.stop;
  return app.inApp;
}

/** The list the backend holds, answered the way `runs:query` is specified (substring filter, id/name sort). */
function backend(runs: RunSummary[]) {
  const transport = new FakeTransport().handle('runs:query', (input) => {
    const query = input as RunQuery;
    const text = query.filter?.toLowerCase();
    const matching = runs
      .filter((run) => !text || [run.name, run.status, ...run.tags].some((value) => value.includes(text)))
      .filter((run) => !query.status || query.status.includes(run.status))
      .filter((run) => !query.tags || query.tags.every((tag) => run.tags.includes(tag)))
      .sort((a, b) => (query.sort === 'name' ? a.name.localeCompare(b.name) : a.id - b.id))
      .map((run) => run);
    if (query.direction === 'desc') matching.reverse();
    return {
      ok: true,
      value: { total: matching.length, runs: matching.slice(query.offset, query.offset + query.limit) },
    };
  });
  return {
    runs,
    transport,
    pageQueries: () => transport.callsTo('runs:query').filter((q) => (q as RunQuery).limit !== 1),
  };
}

const many = (count: number) =>
  Array.from({ length: count }, (_, index) => summary({ id: index + 1, name: `run-${index + 1}` }));

describe('the runs list', () => {
  it('asks for one page, counts all and active runs, and pages on request', async () => {
    const { transport, pageQueries } = backend(many(120));
    const inApp = setup(transport);
    const list = inApp(() => useRunList());
    await settle();
    expect(list.rows.value.map((run) => run.id).slice(0, 3)).toEqual([120, 119, 118]);
    expect(list.rows.value).toHaveLength(50);
    expect(list.total.value).toBe(120);
    expect(list.counts.value).toEqual({ all: 120, active: 0 });
    list.state.value = { ...list.state.value, page: 2 };
    await settle();
    expect(list.rows.value.map((run) => run.id)).toEqual(
      Array.from({ length: 20 }, (_, index) => 20 - index),
    );
    expect(pageQueries()).toEqual([
      { sort: 'id', direction: 'desc', offset: 0, limit: 50 },
      { sort: 'id', direction: 'desc', offset: 100, limit: 50 },
    ]);
  });

  it('sends the filter once typing pauses, from the first page', async () => {
    vi.useFakeTimers();
    const { transport, pageQueries } = backend(many(120));
    const inApp = setup(transport);
    const list = inApp(() =>
      useRunList({ initial: { text: '', sort: 'id', direction: 'desc', page: 1, pageSize: 50 } }),
    );
    await vi.runAllTimersAsync();
    for (const text of ['r', 'ru', 'run-11']) {
      list.state.value.text = text;
      await nextTick();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(pageQueries()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(pageQueries()).toEqual([
      { sort: 'id', direction: 'desc', offset: 50, limit: 50 },
      { filter: 'run-11', sort: 'id', direction: 'desc', offset: 0, limit: 50 },
    ]);
    expect(list.rows.value.map((run) => run.name)).toEqual([
      'run-119',
      'run-118',
      'run-117',
      'run-116',
      'run-115',
      'run-114',
      'run-113',
      'run-112',
      'run-111',
      'run-110',
      'run-11',
    ]);
  });

  it('drops an answer that arrives after a newer request', async () => {
    const answers: ((value: RunSummary[]) => void)[] = [];
    const transport = new FakeTransport().handle('runs:query', (query) =>
      query?.limit === 1
        ? { ok: true, value: { total: 2, runs: [] } }
        : new Promise((resolve) =>
            answers.push((runs) => resolve({ ok: true, value: { total: runs.length, runs } })),
          ),
    );
    const inApp = setup(transport);
    const list = inApp(() => useRunList());
    list.state.value = { ...list.state.value, sort: 'name', direction: 'asc' };
    await settle();
    expect(answers).toHaveLength(2);
    answers[1]!([summary({ id: 1, name: 'a' }), summary({ id: 2, name: 'b' })]);
    await settle();
    answers[0]!([summary({ id: 2 })]);
    await settle();
    expect(list.rows.value.map((run) => run.name)).toEqual(['a', 'b']);
  });

  it('keeps shown rows live and asks again when a run appears or changes status', async () => {
    vi.useFakeTimers();
    const { runs, transport, pageQueries } = backend(many(3));
    const inApp = setup(transport);
    const list = inApp(() => useRunList({ requeryMs: 400 }));
    await vi.runAllTimersAsync();
    transport.emit('run:progress', {
      runId: 2,
      progress: { step: 7, totalSteps: 10, epoch: 1, totalEpochs: 1 },
    });
    expect(list.rows.value.find((run) => run.id === 2)?.progress?.step).toBe(7);
    transport.emit('run:status', { ...runs[2]!, name: 'renamed' });
    await vi.advanceTimersByTimeAsync(400);
    expect(list.rows.value.find((run) => run.id === 3)?.name).toBe('renamed');
    expect(pageQueries()).toHaveLength(1);

    runs[1] = { ...runs[1]!, status: 'running' };
    transport.emit('run:status', runs[1]);
    expect(list.rows.value.find((run) => run.id === 2)?.status).toBe('running');
    runs.push(summary({ id: 4, name: 'run-4', status: 'queued' }));
    transport.emit('run:status', runs[3]!);
    await vi.advanceTimersByTimeAsync(400);
    expect(pageQueries()).toHaveLength(2);
    expect(list.rows.value.map((run) => run.id)).toEqual([4, 3, 2, 1]);

    runs.splice(0, 1);
    transport.emit('run:deleted', { runId: 1 });
    await vi.advanceTimersByTimeAsync(400);
    expect(list.rows.value.map((run) => run.id)).toEqual([4, 3, 2]);
    expect(pageQueries()).toHaveLength(3);
  });
});

describe('selecting every run the filter matches', () => {
  it('collects the ids of every page of the current query', async () => {
    const { transport } = backend([
      ...many(2500),
      summary({ id: 9001, name: 'x', tags: ['seed'] }),
      summary({ id: 9002, name: 'y', tags: ['seed'] }),
    ]);
    const inApp = setup(transport);
    const list = inApp(() => useRunList());
    const selection = inApp(() => useRunSelection(list.matchingIds));
    await settle();
    await selection.selectMatching();
    expect(selection.ids.value).toHaveLength(2502);

    selection.clear();
    list.state.value = { ...list.state.value, text: 'tag:seed' };
    await new Promise((resolve) => setTimeout(resolve, 300));
    await settle();
    selection.click(1, [1, 2, 3]);
    await selection.selectMatching();
    expect(selection.ids.value).toEqual([1, 9001, 9002]);
  });

  it('keeps a failure to show and leaves the selection as it was', async () => {
    const transport = new FakeTransport().handle('runs:query', (query) =>
      query?.limit === 2000
        ? { ok: false, error: { code: 'unavailable', message: 'down' } }
        : { ok: true, value: { total: 1, runs: [summary({ id: 1 })] } },
    );
    const inApp = setup(transport);
    const list = inApp(() => useRunList());
    const selection = inApp(() => useRunSelection(list.matchingIds));
    await settle();
    selection.click(1, [1]);
    await selection.selectMatching();
    expect(selection.error.value).toEqual({ code: 'unavailable', message: 'down' });
    expect(selection.ids.value).toEqual([1]);
  });
});
