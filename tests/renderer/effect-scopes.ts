import { effectScope } from 'vue';
import { afterEach, vi } from 'vitest';

/**
 * Composables run inside an effect scope, as in a component's setup; `inScope` creates one per
 * call and every scope stops after each test, so no watcher or timer outlives it. Real timers come
 * back too: a test that faked them must not hand fake ones to the next. `scopes` is open so a
 * test can end its composable's owner early (stop the last one, or all).
 */
export function useEffectScopes() {
  const scopes: ReturnType<typeof effectScope>[] = [];
  afterEach(() => {
    for (const scope of scopes.splice(0)) scope.stop();
    vi.useRealTimers();
  });
  function inScope<T>(create: () => T): T {
    const scope = effectScope();
    scopes.push(scope);
    return scope.run(create) as T;
  }
  return { inScope, scopes };
}
