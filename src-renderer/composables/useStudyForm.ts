import {
  computed,
  getCurrentScope,
  onScopeDispose,
  ref,
  shallowRef,
  toValue,
  watch,
  type MaybeRefOrGetter,
} from 'vue';
import type { AppError } from '@shared/errors';
import type { StudyEvaluationPlan, StudyPreset, StudyPreview, StudySummary } from '@shared/study/types';
import type { CallInput } from '@shared/api/contract';
import { STUDY_LIMITS } from '@shared/study/spec-schema';
import { useApi, type ApiClient } from '../api/client';
import { draftsFromAxes, newAxisDraft, parseAxisDrafts, type AxisDraft } from '../domain/study-axes';
import { useApiCall } from './useApiCall';

export interface UseStudyFormOptions {
  /** The base configuration every run starts from: the New-run form's values as a config. */
  base: MaybeRefOrGetter<Record<string, unknown>>;
  /** Wait this long after the last edit before asking for a preview. Default 400 ms. */
  debounceMs?: number;
  /** Where the study's runs train: null (default) on this machine, else a Slurm profile's id (one job array). */
  profileId?: MaybeRefOrGetter<number | null>;
  api?: ApiClient;
}

/** A study as sent: the base is the form's configuration, checked run by run by the backend. */
type StudySpecInput = CallInput<'studies:create'>['spec'];

const NO_EVALUATION: StudyEvaluationPlan = { linear: false, knnSweep: false, linearSettings: {} };

/**
 * The Study section of the New-run form: axes, seeds and the evaluation plan over the form's
 * configuration. While it is open, every edit asks the backend for a preview (debounced): the
 * runs it would create, each checked, and an estimate. Launching creates and queues the study.
 */
export function useStudyForm(options: UseStudyFormOptions) {
  const api = options.api ?? useApi();
  const debounceMs = options.debounceMs ?? 400;
  const enabled = ref(false);
  const name = ref('');
  const description = ref('');
  const axes = ref<AxisDraft[]>([]);
  const seeds = ref(1);
  const seedStart = ref(0);
  const evaluation = ref<StudyEvaluationPlan>({ ...NO_EVALUATION });
  let nextKey = 1;

  const presets = useApiCall('studies:presets', () => (enabled.value ? {} : null), { api });

  const parsed = computed(() => parseAxisDrafts(axes.value, toValue(options.base)));
  const axisErrors = computed(() => parsed.value.errors);
  const seedsError = computed(() =>
    Number.isInteger(seeds.value) && seeds.value >= 1 && seeds.value <= STUDY_LIMITS.maxSeeds
      ? null
      : `Between 1 and ${STUDY_LIMITS.maxSeeds}`,
  );
  const nameError = computed(() => (name.value.trim() === '' ? 'Give the study a name' : null));

  /** The study as it would be sent; null while something cannot be sent yet. */
  const spec = computed<StudySpecInput | null>(() => {
    if (Object.keys(axisErrors.value).length > 0 || seedsError.value || nameError.value) return null;
    return {
      name: name.value.trim(),
      description: description.value,
      base: toValue(options.base),
      axes: parsed.value.axes,
      seeds: seeds.value,
      seedStart: seedStart.value,
      evaluation: evaluation.value,
    };
  });

  const preview = shallowRef<StudyPreview | null>(null);
  const previewError = shallowRef<AppError | null>(null);
  const isPreviewing = ref(false);
  let previewRequest = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function requestPreview(request: number, sent: StudySpecInput): Promise<void> {
    const result = await api.call('studies:preview', { spec: sent });
    if (request !== previewRequest) return;
    isPreviewing.value = false;
    if (result.ok) {
      preview.value = result.value;
      previewError.value = null;
    } else {
      preview.value = null;
      previewError.value = result.error;
    }
  }

  watch(
    () => (enabled.value ? JSON.stringify(spec.value) : null),
    (key) => {
      clearTimeout(timer);
      const request = ++previewRequest;
      const sent = spec.value;
      if (key === null || sent === null) {
        isPreviewing.value = false;
        if (key === null) preview.value = null;
        return;
      }
      isPreviewing.value = true;
      timer = setTimeout(() => void requestPreview(request, sent), debounceMs);
    },
    { immediate: true },
  );
  if (getCurrentScope()) onScopeDispose(() => clearTimeout(timer));

  /** Asks again for the preview of what is on screen (e.g. after a step-time measurement). */
  function refreshPreview(): void {
    const sent = spec.value;
    if (!enabled.value || sent === null) return;
    clearTimeout(timer);
    isPreviewing.value = true;
    void requestPreview(++previewRequest, sent);
  }

  /** The preview belongs to what is on screen now, and every run in it is valid. */
  const canLaunch = computed(
    () => spec.value !== null && !isPreviewing.value && preview.value !== null && preview.value.valid,
  );

  function addAxis(field = ''): void {
    axes.value = [...axes.value, newAxisDraft(nextKey++, field)];
  }

  function updateAxis(key: number, change: Partial<Omit<AxisDraft, 'key'>>): void {
    axes.value = axes.value.map((draft) => {
      if (draft.key !== key) return draft;
      const next = { ...draft, ...change };
      // Choosing `loss` offers its methods; another field brings back the text box.
      if (change.field !== undefined && change.field !== draft.field)
        return { ...newAxisDraft(key, change.field), text: next.text };
      return next;
    });
  }

  function removeAxis(key: number): void {
    axes.value = axes.value.filter((draft) => draft.key !== key);
  }

  /** Fills the study's part from a preset; the caller loads `preset.spec.base` into the run form. */
  function applyPreset(preset: StudyPreset): void {
    enabled.value = true;
    name.value = preset.spec.name;
    description.value = preset.spec.description || preset.description;
    axes.value = draftsFromAxes(preset.spec.axes, nextKey);
    nextKey += preset.spec.axes.length;
    seeds.value = preset.spec.seeds;
    seedStart.value = preset.spec.seedStart;
    evaluation.value = { ...NO_EVALUATION, ...preset.spec.evaluation };
  }

  const isLaunching = ref(false);
  const launchError = shallowRef<AppError | null>(null);

  /** Creates the study and queues its runs; resolves to its summary, or null when it was refused. */
  async function launch(): Promise<StudySummary | null> {
    const sent = spec.value;
    // Only what the preview on screen showed valid: the backend would refuse the rest anyway.
    if (!sent || !canLaunch.value || isLaunching.value) return null;
    isLaunching.value = true;
    launchError.value = null;
    const profileId = toValue(options.profileId) ?? null;
    const result = await api.call('studies:create', {
      spec: sent,
      start: true,
      ...(profileId === null ? {} : { profileId }),
    });
    isLaunching.value = false;
    if (result.ok) return result.value;
    launchError.value = result.error;
    return null;
  }

  return {
    enabled,
    name,
    description,
    axes,
    seeds,
    seedStart,
    evaluation,
    presets: computed<StudyPreset[]>(() => presets.data.value ?? []),
    presetsError: presets.error,
    axisErrors,
    seedsError,
    nameError,
    spec,
    preview,
    previewError,
    isPreviewing,
    canLaunch,
    isLaunching,
    launchError,
    addAxis,
    updateAxis,
    removeAxis,
    applyPreset,
    launch,
    refreshPreview,
  };
}

export type StudyForm = ReturnType<typeof useStudyForm>;
