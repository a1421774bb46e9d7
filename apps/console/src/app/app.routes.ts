import { Routes } from '@angular/router';

export const appRoutes: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'Home · CAMEL Extensions',
    loadComponent: () => import('./pages/home.page').then((m) => m.HomePage),
  },
  { path: '**', redirectTo: '' },
];
