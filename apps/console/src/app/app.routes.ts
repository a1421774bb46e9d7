import type { Route, Routes } from '@angular/router';
import { NAV_ITEMS } from './layout/nav-items';

const TITLE = 'CAMEL Extensions';

/** Sections a later issue builds: one shared placeholder page, named by the route data. */
const placeholderRoutes: Route[] = NAV_ITEMS.filter((item) => item.placeholder).map((item) => ({
  path: item.path,
  title: `${item.label} · ${TITLE}`,
  data: { section: item.label },
  loadComponent: () => import('./pages/placeholder.page').then((m) => m.PlaceholderPage),
}));

export const appRoutes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'projects' },
  {
    path: 'sign-in',
    title: `Sign in · ${TITLE}`,
    loadComponent: () => import('./pages/sign-in.page').then((m) => m.SignInPage),
  },
  {
    path: 'projects',
    title: `Projects · ${TITLE}`,
    loadComponent: () => import('./pages/projects/projects.page').then((m) => m.ProjectsPage),
  },
  {
    path: 'status',
    title: `Health · ${TITLE}`,
    loadComponent: () => import('./pages/status/status.page').then((m) => m.StatusPage),
  },
  ...placeholderRoutes,
  { path: '**', redirectTo: 'projects' },
];
