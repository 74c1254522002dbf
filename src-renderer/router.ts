import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import RunsPage from './pages/RunsPage.vue';

/**
 * Hash history: in Electron the page is loaded from file://, where path-based URLs have no
 * server to fall back on. Pages with charts load on demand so the run list opens fast.
 */
export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: { name: 'runs' } },
  { path: '/runs', name: 'runs', component: RunsPage, meta: { title: 'Runs' } },
  {
    path: '/runs/new',
    name: 'new-run',
    component: () => import('./pages/NewRunPage.vue'),
    meta: { title: 'New run' },
  },
  {
    path: '/runs/:runId(\\d+)',
    name: 'run',
    component: () => import('./pages/RunPage.vue'),
    props: (route) => ({ runId: Number(route.params.runId) }),
    meta: { title: 'Run' },
  },
  {
    // The decorrelation inspector; its view (step, matrix, order, zoom, side by side) is in the query.
    path: '/runs/:runId(\\d+)/inspect',
    name: 'run-inspect',
    component: () => import('./pages/RunInspectPage.vue'),
    props: (route) => ({ runId: Number(route.params.runId) }),
    meta: { title: 'Inspect' },
  },
  {
    // Selection and settings live in the query (runs=1,2,3&metrics=...&x=...): see compare-state.ts.
    path: '/compare',
    name: 'compare',
    component: () => import('./pages/ComparePage.vue'),
    meta: { title: 'Compare' },
  },
  {
    path: '/studies',
    name: 'studies',
    component: () => import('./pages/StudiesPage.vue'),
    meta: { title: 'Studies' },
  },
  {
    // A study: its runs, actions on all of them, the comparison grouped by its axes, and its report.
    path: '/studies/:studyId(\\d+)',
    name: 'study',
    component: () => import('./pages/StudyPage.vue'),
    props: (route) => ({ studyId: Number(route.params.studyId) }),
    meta: { title: 'Study' },
  },
  {
    // Cost studies: the list and the form that starts one.
    path: '/cost',
    name: 'cost',
    component: () => import('./pages/CostStudiesPage.vue'),
    meta: { title: 'Cost studies' },
  },
  {
    // One cost study's time and memory against d; overlaid studies in the query (overlay=3,5).
    path: '/cost/:costStudyId(\\d+)',
    name: 'cost-study',
    component: () => import('./pages/CostStudyPage.vue'),
    props: (route) => ({ costStudyId: Number(route.params.costStudyId) }),
    meta: { title: 'Cost study' },
  },
  {
    // The Slurm profiles runs and studies can be placed on (issue 15).
    path: '/settings',
    name: 'settings',
    component: () => import('./pages/SettingsPage.vue'),
    meta: { title: 'Settings' },
  },
  {
    // The profiles at a glance and the jobs Decorbench submitted, with Slurm's states, live.
    path: '/cluster',
    name: 'cluster',
    component: () => import('./pages/ClusterPage.vue'),
    meta: { title: 'Cluster' },
  },
  {
    path: '/:unknown(.*)*',
    name: 'not-found',
    component: () => import('./pages/NotFoundPage.vue'),
    meta: { title: 'Not found' },
  },
];

export function createAppRouter() {
  const router = createRouter({ history: createWebHashHistory(), routes });
  router.afterEach((to) => {
    const title = typeof to.meta.title === 'string' ? to.meta.title : '';
    document.title = title ? `${title} · Decorbench` : 'Decorbench';
  });
  return router;
}
