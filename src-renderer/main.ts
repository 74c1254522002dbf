import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import BackendMissing from './pages/BackendMissing.vue';
import { API_CLIENT_KEY, createApiClient } from './api/client';
import { selectTransport } from './api/select-transport';
import { createAppRouter } from './router';
import './styles/base.css';

const transport = selectTransport(window);

if (transport) {
  const app = createApp(App);
  app.provide(API_CLIENT_KEY, createApiClient(transport));
  app.use(createPinia());
  app.use(createAppRouter());
  app.mount('#app');
} else {
  createApp(BackendMissing).mount('#app');
}
