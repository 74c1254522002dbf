import { computed, ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { ClusterCheck, SlurmProfileSettings } from '@shared/cluster/types';
import type { AppError } from '@shared/errors';
import { useApi, type ApiClient } from '../api/client';
import {
  defaultProfileForm,
  profileFieldOf,
  profileFormValues,
  validateProfileForm,
  type ProfileField,
  type ProfileFormValues,
} from '../domain/cluster-profile-form';

export interface UseClusterProfileFormOptions {
  /** The profile being edited; null for a new one. The form reloads when it changes. */
  settings?: MaybeRefOrGetter<SlurmProfileSettings | null>;
  /** A refused save: its per-field messages (`settings.runFolder`) sit on their fields until edited. */
  serverError?: MaybeRefOrGetter<AppError | null | undefined>;
  api?: ApiClient;
}

/**
 * The Settings page's profile form: values checked with the shared schema as they are typed (a
 * field's message shows once it was left, or all of them after a refused save), and the Check
 * button's `cluster:check`, whose answer belongs to the values it was asked with.
 */
export function useClusterProfileForm(options: UseClusterProfileFormOptions = {}) {
  const api = options.api ?? useApi();
  const values = ref<ProfileFormValues>(defaultProfileForm());
  const touched = ref(new Set<ProfileField>());
  const submitted = ref(false);
  /** Fields edited since the server's answer: its message for them is stale. */
  const editedSinceServer = ref(new Set<ProfileField>());

  const check = shallowRef<ClusterCheck | null>(null);
  const checkError = shallowRef<AppError | null>(null);
  const isChecking = ref(false);
  let checkRequest = 0;

  function load(settings: SlurmProfileSettings | null): void {
    values.value = settings ? profileFormValues(settings) : defaultProfileForm();
    touched.value = new Set();
    submitted.value = false;
    editedSinceServer.value = new Set();
    check.value = null;
    checkError.value = null;
    checkRequest += 1;
    isChecking.value = false;
  }
  // By content: the profiles event brings fresh objects (e.g. a job count changed) that must not
  // throw away what is being typed.
  watch(
    () => JSON.stringify(toValue(options.settings) ?? null),
    () => load(toValue(options.settings) ?? null),
    { immediate: true },
  );
  watch(
    () => toValue(options.serverError),
    () => (editedSinceServer.value = new Set()),
  );

  const result = computed(() => validateProfileForm(values.value));
  const serverMessages = computed(() => {
    const messages: Partial<Record<ProfileField, string>> = {};
    for (const [path, message] of Object.entries(toValue(options.serverError)?.fields ?? {})) {
      const field = profileFieldOf(path);
      if (field && !editedSinceServer.value.has(field)) messages[field] ??= message;
    }
    return messages;
  });

  function message(field: ProfileField): string | undefined {
    const own = submitted.value || touched.value.has(field) ? result.value.messages[field] : undefined;
    return own ?? serverMessages.value[field];
  }

  function setValue<F extends keyof ProfileFormValues>(field: F, value: ProfileFormValues[F]): void {
    values.value = { ...values.value, [field]: value };
    editedSinceServer.value = new Set(editedSinceServer.value).add(field);
    // A check answered for other settings would mislead.
    if (check.value || checkError.value) {
      check.value = null;
      checkError.value = null;
    }
  }

  function touch(field: ProfileField): void {
    touched.value = new Set(touched.value).add(field);
  }

  /** The settings to save; null (and every message shown) while something is wrong. */
  function submit(): SlurmProfileSettings | null {
    submitted.value = true;
    return result.value.settings;
  }

  /** Asks the host to try the settings (Slurm answers, the partition exists, the folder is writable). */
  async function runCheck(): Promise<ClusterCheck | null> {
    const settings = submit();
    if (!settings) return null;
    const request = ++checkRequest;
    isChecking.value = true;
    check.value = null;
    checkError.value = null;
    const answer = await api.call('cluster:check', { settings });
    if (request !== checkRequest) return null;
    isChecking.value = false;
    if (!answer.ok) {
      checkError.value = answer.error;
      return null;
    }
    check.value = answer.value;
    return answer.value;
  }

  return {
    values,
    messages: computed(
      () =>
        Object.fromEntries(
          Object.keys(values.value).flatMap((field) => {
            const text = message(field as ProfileField);
            return text ? [[field, text]] : [];
          }),
        ) as Partial<Record<ProfileField, string>>,
    ),
    isValid: computed(() => result.value.settings !== null),
    check,
    checkError,
    isChecking,
    load,
    setValue,
    touch,
    submit,
    runCheck,
  };
}
