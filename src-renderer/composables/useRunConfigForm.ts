import { computed, ref, shallowRef } from 'vue';
import type { AppError } from '@shared/errors';
import type { RunSummary } from '@shared/runs';
import { useApi, type ApiClient } from '../api/client';
import {
  LOSS_NAME_FIELD,
  RUN_SECTION,
  TRAINING_SECTIONS,
  lossParameterFields,
  type ConfigSection,
} from '../domain/run-config-fields';
import {
  defaultFormValues,
  flattenConfig,
  isLossName,
  validateFormValues,
  withLoss,
  type FormValue,
  type FormValues,
} from '../domain/run-config-form';

export interface UseRunConfigFormOptions {
  /** Starting values; default: a quick run with the schema's defaults. */
  initial?: FormValues;
  api?: ApiClient;
}

/**
 * State of the New-run form. Every change is checked with the shared schema, so messages
 * sit next to their field at once; messages the backend returns in `error.fields` are shown
 * too, until that field is edited.
 */
export function useRunConfigForm(options: UseRunConfigFormOptions = {}) {
  const api = options.api ?? useApi();
  const values = ref<FormValues>(options.initial ?? defaultFormValues());
  const serverMessages = shallowRef<Record<string, string>>({});
  const isSubmitting = ref(false);
  const submitError = shallowRef<AppError | null>(null);

  const lossName = computed(() => {
    const name = values.value['loss.name'];
    return isLossName(name) ? name : 'bt';
  });

  /** The sections in page order; the loss section follows the chosen variant. */
  const sections = computed<ConfigSection[]>(() => [
    RUN_SECTION,
    { id: 'loss', title: 'Loss', fields: [LOSS_NAME_FIELD, ...lossParameterFields(lossName.value)] },
    ...TRAINING_SECTIONS,
  ]);

  const validation = computed(() =>
    validateFormValues(
      values.value,
      sections.value.flatMap((section) => section.fields),
    ),
  );

  const messages = computed<Record<string, string>>(() => ({
    ...serverMessages.value,
    ...validation.value.fields,
  }));

  /** Messages for paths that have no field on the page (shown above the submit button). */
  const otherMessages = computed(() => {
    const shown = new Set(sections.value.flatMap((section) => section.fields.map((field) => field.path)));
    return Object.entries(messages.value).filter(([path]) => !shown.has(path));
  });

  function setValue(path: string, value: FormValue): void {
    if (path === 'loss.name' && isLossName(value)) values.value = withLoss(values.value, value);
    else values.value = { ...values.value, [path]: value };
    if (path in serverMessages.value) {
      const { [path]: _dropped, ...rest } = serverMessages.value;
      serverMessages.value = rest;
    }
  }

  /** Replaces every value, e.g. with the config of a run being duplicated. */
  function load(config: unknown): void {
    values.value = flattenConfig(config);
    serverMessages.value = {};
    submitError.value = null;
  }

  /** Creates and queues the run; resolves to its summary, or null when something is wrong. */
  async function submit(): Promise<RunSummary | null> {
    submitError.value = null;
    const config = validation.value.config;
    if (!config || isSubmitting.value) return null;
    isSubmitting.value = true;
    const result = await api.call('runs:create', { config, start: true });
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
    isValid: computed(() => validation.value.config !== null),
    isSubmitting,
    submitError,
    setValue,
    load,
    submit,
  };
}
