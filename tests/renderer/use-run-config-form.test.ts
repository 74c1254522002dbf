import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../src-renderer/api/client';
import { useRunConfigForm } from '../../src-renderer/composables/useRunConfigForm';
import { FakeTransport } from './fake-transport';
import { schemaDefaultValues } from './run-config-values';

describe('useRunConfigForm', () => {
  function form() {
    const transport = new FakeTransport();
    return {
      transport,
      form: useRunConfigForm({ api: createApiClient(transport), initial: schemaDefaultValues() }),
    };
  }

  it('swaps the data fields when the source changes, and shows the missing folder on its field', () => {
    const { form: state } = form();
    state.setValue('dataset.source', 'cifar10');
    const data = state.sections.value.find((item) => item.id === 'data');
    expect(data?.fields.map((field) => field.path)).toEqual([
      'dataset.source',
      'dataset.path',
      'dataset.trainLimit',
    ]);
    expect(data?.intro).toMatch(/CIFAR-10/);
    expect(state.messages.value).toEqual({ 'dataset.path': 'Give the folder that holds the dataset' });
    expect(state.otherMessages.value).toEqual([]);
    expect(state.isValid.value).toBe(false);
    state.setValue('dataset.path', 'datasets/cifar-10-batches-bin');
    expect(state.isValid.value).toBe(true);
    expect(state.config.value?.dataset).toEqual({
      source: 'cifar10',
      path: 'datasets/cifar-10-batches-bin',
      trainLimit: 2048,
    });
  });

  it('follows the optimizer, the checkboxes and the effective learning rate', () => {
    const { form: state } = form();
    expect(state.effectiveLearningRate.value).toBeCloseTo(0.15);
    state.setValue('optimizer.scaleByBatch', false);
    expect(state.effectiveLearningRate.value).toBeCloseTo(0.3);
    expect(state.config.value?.optimizer.scaleByBatch).toBe(false);
    state.setValue('optimizer.name', 'adamw');
    const optimizer = state.sections.value.find((item) => item.id === 'optimizer')!;
    expect(optimizer.fields.map((field) => field.path)).not.toContain('optimizer.clipLars');
    expect(optimizer.fields.find((field) => field.path === 'optimizer.momentum')?.label).toBe(
      'β1 (momentum)',
    );
  });

  it('loads a preset under a fresh name and resets to the quickstart recipe', () => {
    const { form: state } = form();
    expect(state.loadPreset('smoke')).toBe(true);
    expect(state.values.value['name']).toMatch(/^smoke-\d{4}-\d{4}$/);
    expect(state.config.value).toMatchObject({
      model: { backbone: 'mlp', backboneHiddenDim: 64 },
      optimizer: { name: 'adam', scaleByBatch: false },
      training: { maxSteps: 20 },
    });
    const model = state.sections.value.find((item) => item.id === 'model')!;
    expect(model.fields.map((field) => field.path)).toContain('model.backboneHiddenDim');
    expect(state.loadPreset('nope')).toBe(false);
    state.reset();
    expect(state.config.value).toMatchObject({
      model: { backbone: 'small-cnn' },
      loss: { name: 'fft-bt', blockSize: 8 },
      optimizer: { name: 'adamw' },
      training: { epochs: 5, batchSize: 64 },
    });
    expect(state.changedPaths.value).toEqual([]);
  });

  it('sends the validated config and keeps the backend messages on their fields until edited', async () => {
    const { form: state, transport } = form();
    transport.handle('runs:create', () => ({
      ok: false,
      error: { code: 'invalid-input', message: 'bad', fields: { 'dataset.trainLimit': 'Too many' } },
    }));
    expect(await state.submit()).toBeNull();
    expect(transport.callsTo('runs:create')).toEqual([
      expect.objectContaining({
        config: expect.objectContaining({ model: expect.any(Object) }),
        start: true,
      }),
    ]);
    expect(state.messages.value['dataset.trainLimit']).toBe('Too many');
    state.setValue('dataset.trainLimit', 4096);
    expect(state.messages.value['dataset.trainLimit']).toBeUndefined();
  });

  it('notes what a loss switch reset, and measures edits from the last loaded starting point', () => {
    const { form: state } = form();
    expect(state.lossNote.value).toBeNull();
    state.setValue('loss.name', 'vicreg');
    expect(state.lossNote.value).toMatch(/^Switched to VICReg: its parameters were reset to their defaults/);
    expect(state.changedPaths.value).toContain('loss.name');
    state.loadPreset('quickstart');
    expect(state.lossNote.value).toBeNull();
    expect(state.changedPaths.value).toEqual([]);
    state.setValue('training.epochs', 7);
    expect(state.changedPaths.value).toEqual(['training.epochs']);
    state.setValue('training.epochs', 5);
    expect(state.changedPaths.value).toEqual([]);
  });

  it('shows a field the strict schema does not know, and sends nothing once it is removed', () => {
    const { form: state } = form();
    const { name: _name, ...config } = state.config.value!;
    state.load({ ...config, name: 'copy', loss: { ...config.loss, blocksize: 8 } });
    expect(state.otherMessages.value).toEqual([
      ['loss.blocksize', expect.stringMatching(/^unknown field; did you mean loss\.blockSize\?/)],
    ]);
    expect(state.isValid.value).toBe(false);
    state.setValue('loss.blocksize', undefined);
    expect(state.isValid.value).toBe(true);
    expect(Object.keys(state.config.value!.loss)).not.toContain('blocksize');
  });
});
