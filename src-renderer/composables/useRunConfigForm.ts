import { computed, ref, shallowRef, toValue, type MaybeRefOrGetter } from 'vue';
import type { AppError } from '@shared/errors';
import type { RunSummary } from '@shared/runs';
import { useApi, type ApiClient } from '../api/client';
import type { BackendFacts } from '../domain/gpu-status';
import { buildSections, type ConfigSection } from '../domain/run-config-fields';
import { lossResetNote } from '../domain/run-config-hints';
import {
  changedPaths,
  configFormValues,
  defaultFormValues,
  effectiveLearningRate,
  presetFormValues,
  validateFormValues,
  withDataset,
  withLoss,
  type FormValue,
  type FormValues,
} from '../domain/run-config-form';
import { isDatasetSource, isLossName } from '../domain/run-config-variants';

export interface UseRunConfigFormOptions {
  /** Starting values; default: the quickstart recipe (`DEFAULT_PRESET`) with the schema's defaults. */
  initial?: FormValues;
  api?: ApiClient;
  /** What the host found (system:info), so the backend choice names the GPU; default none. */
  backends?: MaybeRefOrGetter<BackendFacts | null>;
  /** Where the run trains: null (default) on this machine, else a Slurm profile's id. */
  profileId?: MaybeRefOrGetter<number | null>;
}

/**
 * State of the New-run form. Every change is checked with the shared schema, so messages
 * sit next to their field at once; messages the backend returns in `error.fields` are shown
 * too, until that field is edited.
 */
export function useRunConfigForm(options: UseRunConfigFormOptions = {}) {
  const api = options.api ?? useApi();
  const values = ref<FormValues>(options.initial ?? defaultFormValues());
  /** What the form was last loaded with (preset, duplicated run, defaults): edits are measured from it. */
  const startValues = shallowRef<FormValues>(values.value);
  /** Says which loss parameters the last loss switch reset; null until the loss is switched. */
  const lossNote = shallowRef<string | null>(null);
  const serverMessages = shallowRef<Record<string, string>>({});
  const isSubmitting = ref(false);
  const submitError = shallowRef<AppError | null>(null);

  /** The sections in page order; variant pickers and optimizer-specific fields follow the values. */
  const sections = computed<ConfigSection[]>(() =>
    buildSections(values.value, { backends: toValue(options.backends) ?? null }),
  );
  const fields = computed(() => sections.value.flatMap((section) => section.fields));

  const validation = computed(() => validateFormValues(values.value, fields.value));

  const messages = computed<Record<string, string>>(() => ({
    ...serverMessages.value,
    ...validation.value.fields,
  }));

  /** Messages for paths that have no field on the page (shown above the submit button). */
  const otherMessages = computed(() => {
    const shown = new Set(fields.value.map((field) => field.path));
    return Object.entries(messages.value).filter(([path]) => !shown.has(path));
  });

  function setValue(path: string, value: FormValue): void {
    if (path === 'loss.name' && isLossName(value)) {
      const before = values.value;
      values.value = withLoss(before, value);
      lossNote.value = lossResetNote(before, values.value) ?? lossNote.value;
    } else if (path === 'dataset.source' && isDatasetSource(value))
      values.value = withDataset(values.value, value);
    else values.value = { ...values.value, [path]: value };
    if (path in serverMessages.value) {
      const { [path]: _dropped, ...rest } = serverMessages.value;
      serverMessages.value = rest;
    }
  }

  function replace(next: FormValues): void {
    values.value = next;
    startValues.value = next;
    lossNote.value = null;
    serverMessages.value = {};
    submitError.value = null;
  }

  /** Replaces every value, e.g. with the config of a run being duplicated. */
  function load(config: unknown): void {
    replace(configFormValues(config));
  }

  /** Replaces every value with a preset of `PRESETS` under a fresh name; false for an unknown name. */
  function loadPreset(presetName: string): boolean {
    const next = presetFormValues(presetName);
    if (next) replace(next);
    return next !== null;
  }

  /** Back to the starting recipe (`DEFAULT_PRESET`). */
  function reset(): void {
    replace(defaultFormValues());
  }

  /** Creates and queues the run; resolves to its summary, or null when something is wrong. */
  async function submit(): Promise<RunSummary | null> {
    submitError.value = null;
    const config = validation.value.config;
    if (!config || isSubmitting.value) return null;
    isSubmitting.value = true;
    const profileId = toValue(options.profileId) ?? null;
    const result = await api.call('runs:create', {
      config,
      start: true,
      ...(profileId === null ? {} : { profileId }),
    });
    isSubmitting.value = false;
    if (result.ok) return result.value;
    serverMessages.value = result.error.fields ?? {};
    submitError.value = result.error;
    return null;
  }

  return {
    values,
    sections,
    messages,
    otherMessages,
    effectiveLearningRate: computed(() => effectiveLearningRate(values.value)),
    lossNote,
    /** Paths edited since the form was loaded (the name aside). */
    changedPaths: computed(() => changedPaths(startValues.value, values.value)),
    isValid: computed(() => validation.value.config !== null),
    /** The validated configuration, or null while something is wrong. */
    config: computed(() => validation.value.config),
    isSubmitting,
    submitError,
    setValue,
    load,
    loadPreset,
    reset,
    submit,
  };
}
