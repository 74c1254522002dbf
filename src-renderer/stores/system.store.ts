import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { SystemInfo } from '@shared/api/contract';
import type { AppError } from '@shared/errors';
import { useApi } from '../api/client';
import { useReconnect } from '../composables/useApiEvent';

/** Host and backend information for the status bar (fetched once, again after a reconnect). */
export const useSystemStore = defineStore('system', () => {
  const api = useApi();
  const info = shallowRef<SystemInfo | null>(null);
  const error = shallowRef<AppError | null>(null);

  async function load(): Promise<void> {
    const result = await api.call('system:info', {});
    if (result.ok) {
      info.value = result.value;
      error.value = null;
    } else {
      error.value = result.error;
    }
  }

  useReconnect(() => void load(), api);

  return { info, error, load, transport: api.kind, connection: api.connection };
});
