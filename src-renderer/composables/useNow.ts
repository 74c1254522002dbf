import { getCurrentScope, onScopeDispose, shallowRef, type Ref } from 'vue';

/** The current time in ms, refreshed every `intervalMs` (default 1000) while the owner lives. */
export function useNow(intervalMs = 1000): Readonly<Ref<number>> {
  const now = shallowRef(Date.now());
  const timer = setInterval(() => {
    now.value = Date.now();
  }, intervalMs);
  if (getCurrentScope()) onScopeDispose(() => clearInterval(timer));
  return now;
}
