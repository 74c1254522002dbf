import { ref, shallowRef } from 'vue';
import type { RunSummary } from '@shared/runs';
import { buildRunUpdate, draftFrom, type RunMetadataDraft } from '../domain/run-metadata';
import { useRunsStore } from '../stores/runs.store';

/**
 * Editing one run's name, tags and notes at a time. `save` checks the draft with the shared
 * schema first, sends only what changed (`runs:update`), and keeps the editor open with the
 * messages when the backend refuses; the saved summary goes into the runs store, so the list
 * and the run page show it at once.
 */
export function useRunMetadataEditor() {
  const store = useRunsStore();
  const runId = ref<number | null>(null);
  const draft = ref<RunMetadataDraft>({ name: '', tags: '', notes: '' });
  /** Messages keyed by `name`, `tags`, `notes`, or `form` for the editor as a whole. */
  const fields = shallowRef<Record<string, string>>({});
  const isSaving = ref(false);

  function open(run: Pick<RunSummary, 'id' | 'name' | 'tags' | 'notes'>): void {
    runId.value = run.id;
    draft.value = draftFrom(run);
    fields.value = {};
  }

  function close(): void {
    runId.value = null;
    fields.value = {};
  }

  /** Resolves true when saved (or nothing changed) and the editor closed. */
  async function save(): Promise<boolean> {
    const run = runId.value === null ? undefined : store.find(runId.value);
    if (!run) {
      close();
      return false;
    }
    const built = buildRunUpdate(run, draft.value);
    fields.value = built.fields;
    if (Object.keys(built.fields).length > 0) return false;
    if (!built.input) {
      close();
      return true;
    }
    isSaving.value = true;
    const result = await store.update(built.input);
    isSaving.value = false;
    if (result.ok) {
      close();
      return true;
    }
    const messages: Record<string, string> = {};
    // `tags.2` -> `tags`: the editor has one box for all tags.
    for (const [path, message] of Object.entries(result.error.fields ?? {}))
      messages[path.split('.')[0] ?? 'form'] ??= message;
    if (Object.keys(messages).length === 0) messages.form = result.error.message;
    fields.value = messages;
    return false;
  }

  return { runId, draft, fields, isSaving, open, close, save };
}
