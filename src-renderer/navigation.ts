import type { RouteLocationRaw } from 'vue-router';

export interface NavigationItem {
  label: string;
  to: RouteLocationRaw;
  /** `data-testid` of the link. */
  testId: string;
  /** Route names that highlight this item besides its own. */
  activeFor: string[];
}

/**
 * The header's sections. Later views (run comparison, decorrelation heatmaps) add an entry
 * here and a route in router.ts.
 */
export const NAVIGATION: NavigationItem[] = [
  { label: 'Runs', to: { name: 'runs' }, testId: 'nav-runs', activeFor: ['runs', 'run'] },
  { label: 'New run', to: { name: 'new-run' }, testId: 'nav-new-run', activeFor: ['new-run'] },
  { label: 'Compare', to: { name: 'compare' }, testId: 'nav-compare', activeFor: ['compare'] },
  { label: 'Studies', to: { name: 'studies' }, testId: 'nav-studies', activeFor: ['studies', 'study'] },
  { label: 'Cost', to: { name: 'cost' }, testId: 'nav-cost', activeFor: ['cost', 'cost-study'] },
  { label: 'Cluster', to: { name: 'cluster' }, testId: 'nav-cluster', activeFor: ['cluster'] },
  { label: 'Settings', to: { name: 'settings' }, testId: 'nav-settings', activeFor: ['settings'] },
];
