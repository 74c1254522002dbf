import { defineStore } from 'pinia';
import { shallowRef } from 'vue';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  message: string;
}

/** Short-lived messages for failed actions (start, stop, delete) that have no field to sit next to. */
export const useNoticesStore = defineStore('notices', () => {
  const notices = shallowRef<Notice[]>([]);
  let nextId = 1;

  function dismiss(id: number): void {
    notices.value = notices.value.filter((notice) => notice.id !== id);
  }

  /** Shows a message for `timeoutMs` (default 8 s; 0 keeps it until dismissed). */
  function push(kind: Notice['kind'], message: string, timeoutMs = 8000): number {
    const id = nextId++;
    notices.value = [...notices.value.slice(-4), { id, kind, message }];
    if (timeoutMs > 0) setTimeout(() => dismiss(id), timeoutMs);
    return id;
  }

  return { notices, push, dismiss };
});
