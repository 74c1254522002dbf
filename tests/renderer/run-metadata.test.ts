import { afterEach, describe, expect, it } from 'vitest';
import type { CallInput } from '@shared/api/contract';
import type { RunSummary } from '@shared/runs';
import { useRunMetadataEditor } from '../../src-renderer/composables/useRunMetadataEditor';
import { buildRunUpdate, parseTags } from '../../src-renderer/domain/run-metadata';
import { useRunsStore } from '../../src-renderer/stores/runs.store';
import { piniaApp } from './pinia-app';
import { FakeTransport } from './fake-transport';
import { summary } from './fixtures';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function setup(transport: FakeTransport) {
  const app = piniaApp(transport);
  unmount = app.stop;
  return app.inApp;
}

const run = summary({ id: 4, name: 'bt baseline', tags: ['seed-1'], notes: '' });

describe('run metadata drafts', () => {
  it('splits tags on spaces and commas and drops repeats', () => {
    expect(parseTags(' seed-1, fft  seed-1,,bt ')).toEqual(['seed-1', 'fft', 'bt']);
    expect(parseTags('   ')).toEqual([]);
  });

  it('sends only what changed, trimmed by the shared schema', () => {
    expect(buildRunUpdate(run, { name: ' bt baseline ', tags: 'seed-1', notes: '' })).toEqual({
      input: null,
      fields: {},
    });
    expect(buildRunUpdate(run, { name: 'bt  lr 0.3 ', tags: 'seed-1 lr', notes: 'too high' })).toEqual({
      input: { runId: 4, name: 'bt  lr 0.3', tags: ['seed-1', 'lr'], notes: 'too high' },
      fields: {},
    });
  });

  it('marks a bad field before any call, naming the bad tag', () => {
    const long = 'x'.repeat(41);
    const { input, fields } = buildRunUpdate(run, { name: '  ', tags: `ok ${long}`, notes: '' });
    expect(input).toBeNull();
    expect(fields.name).toBe('Give the run a name');
    expect(fields.tags).toMatch(new RegExp(`^“${long}”: `));
  });
});

describe('editing a run’s name, tags and notes', () => {
  function backend() {
    const stored = new Map<number, RunSummary>([[run.id, run]]);
    const transport = new FakeTransport()
      .reply('runs:list', [run])
      .handle('runs:update', (input: CallInput<'runs:update'>) => {
        if (input.notes?.includes('refuse'))
          return {
            ok: false,
            error: {
              code: 'invalid-input',
              message: 'Invalid',
              fields: { 'tags.0': 'No.', notes: 'Nor this.' },
            },
          };
        if (input.runId !== run.id)
          return { ok: false, error: { code: 'not-found', message: 'Run 9 not found' } };
        const next = { ...stored.get(input.runId)!, ...input };
        stored.set(next.id, next);
        return { ok: true, value: next };
      });
    return { transport, stored };
  }

  it('saves a changed draft into the store and closes', async () => {
    const { transport, stored } = backend();
    const inApp = setup(transport);
    const store = useRunsStore();
    await store.refresh();
    const editor = inApp(() => useRunMetadataEditor());
    editor.open(run);
    expect(editor.draft.value).toEqual({ name: 'bt baseline', tags: 'seed-1', notes: '' });
    editor.draft.value.tags = 'seed-1, fft';
    editor.draft.value.notes = 'lambda from the paper';
    expect(await editor.save()).toBe(true);
    expect(transport.callsTo('runs:update')).toEqual([
      { runId: 4, tags: ['seed-1', 'fft'], notes: 'lambda from the paper' },
    ]);
    expect(store.find(4)).toMatchObject({ tags: ['seed-1', 'fft'], notes: 'lambda from the paper' });
    expect(stored.get(4)?.tags).toEqual(['seed-1', 'fft']);
    expect(editor.runId.value).toBeNull();
  });

  it('closes without a call when nothing changed, and stays open on a local or server refusal', async () => {
    const { transport } = backend();
    const inApp = setup(transport);
    await useRunsStore().refresh();
    const editor = inApp(() => useRunMetadataEditor());
    editor.open(run);
    expect(await editor.save()).toBe(true);
    expect(transport.callsTo('runs:update')).toEqual([]);

    editor.open(run);
    editor.draft.value.name = '';
    expect(await editor.save()).toBe(false);
    expect(editor.fields.value.name).toBe('Give the run a name');
    expect(transport.callsTo('runs:update')).toEqual([]);

    editor.draft.value = { name: 'ok', tags: 'seed-1', notes: 'please refuse' };
    expect(await editor.save()).toBe(false);
    expect(editor.fields.value).toEqual({ tags: 'No.', notes: 'Nor this.' });
    expect(editor.runId.value).toBe(4);
  });
});
