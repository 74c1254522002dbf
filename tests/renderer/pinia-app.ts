import { createPinia, setActivePinia } from 'pinia';
import { createApp } from 'vue';
import { API_CLIENT_KEY, createApiClient } from '../../src-renderer/api/client';
import type { FakeTransport } from './fake-transport';

/**
 * A Pinia app around `transport`, as main.ts builds it. `inApp` runs a composable in the app's
 * scope, as a component would; `stop` ends that scope (listeners and timers with it).
 */
export function piniaApp(transport: FakeTransport) {
  const app = createApp({ render: () => null });
  const pinia = createPinia();
  app.provide(API_CLIENT_KEY, createApiClient(transport));
  app.use(pinia);
  setActivePinia(pinia);
  return {
    inApp: <T>(create: () => T): T => app.runWithContext(() => pinia._e.run(create) as T),
    stop: () => pinia._e.stop(),
  };
}
