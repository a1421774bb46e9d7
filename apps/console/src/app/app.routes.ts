import type { CanActivateFn, CanDeactivateFn, Routes } from '@angular/router';
import { permissions } from '@camel/contracts';
import { permissionGuard, signedInGuard, signedOutGuard } from './core/auth.guards';
import { NAV_ITEMS, type NavItem } from './layout/nav-items';

const TITLE = 'CAMEL Extensions';

const guardOf = (item: NavItem): CanActivateFn[] =>
  item.requires ? [permissionGuard(item.requires.permission, item.requires.scope)] : [];
const nav = (path: string): NavItem => {
  const item = NAV_ITEMS.find((candidate) => candidate.path === path);
  if (!item) throw new Error(`no nav item ${path}`);
  return item;
};

/** Pages with unsaved edits ask before they are left. */
const confirmLeave: CanDeactivateFn<{ canLeave(): Promise<boolean> }> = (page) => page.canLeave();

export const appRoutes: Routes = [
  {
    path: 'sign-in',
    title: `Sign in · ${TITLE}`,
    canActivate: [signedOutGuard],
    loadComponent: () => import('./pages/auth/sign-in.page').then((m) => m.SignInPage),
  },
  {
    path: 'accept-invite',
    title: `Set your password · ${TITLE}`,
    loadComponent: () => import('./pages/auth/accept-invite.page').then((m) => m.AcceptInvitePage),
  },
  {
    path: '',
    canActivateChild: [signedInGuard],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'home' },
      {
        path: 'home',
        title: `Home · ${TITLE}`,
        loadComponent: () => import('./pages/home/home.page').then((m) => m.HomePage),
      },
      {
        path: 'projects',
        title: `Projects · ${TITLE}`,
        loadComponent: () => import('./pages/projects/projects.page').then((m) => m.ProjectsPage),
      },
      {
        path: 'projects/:projectId',
        title: `Project · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readProject, 'project')],
        loadComponent: () => import('./pages/project/project.page').then((m) => m.ProjectPage),
      },
      {
        path: 'projects/:projectId/members',
        title: `Members · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readProject, 'project')],
        loadComponent: () => import('./pages/members/members.page').then((m) => m.MembersPage),
      },
      {
        path: 'projects/:projectId/api-keys',
        title: `API keys · ${TITLE}`,
        canActivate: [permissionGuard(permissions.manageApiKeys, 'project')],
        loadComponent: () => import('./pages/api-keys/api-keys.page').then((m) => m.ApiKeysPage),
      },
      {
        path: 'configs',
        title: `Configs · ${TITLE}`,
        canActivate: guardOf(nav('configs')),
        loadComponent: () => import('./pages/configs/configs.page').then((m) => m.ConfigsPage),
      },
      {
        path: 'configs/:projectId',
        title: `Configs · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readConfig, 'project')],
        canDeactivate: [confirmLeave],
        loadComponent: () => import('./pages/configs/configs.page').then((m) => m.ConfigsPage),
      },
      {
        path: 'runs',
        title: `Runs · ${TITLE}`,
        canActivate: guardOf(nav('runs')),
        loadComponent: () => import('./pages/runs/runs.page').then((m) => m.RunsPage),
      },
      {
        path: 'runs/:projectId',
        title: `Runs · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readRun, 'project')],
        loadComponent: () => import('./pages/runs/runs.page').then((m) => m.RunsPage),
      },
      {
        path: 'runs/:projectId/:runId',
        title: `Run · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readRun, 'project')],
        loadComponent: () => import('./pages/runs/run.page').then((m) => m.RunPage),
      },
      {
        path: 'runs/:projectId/:runId/replay',
        title: `Replay · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readRun, 'project')],
        loadComponent: () => import('./pages/runs/run-replay.page').then((m) => m.RunReplayPage),
      },
      {
        path: 'logs',
        title: `Logs · ${TITLE}`,
        canActivate: guardOf(nav('logs')),
        loadComponent: () => import('./pages/logs/logs.page').then((m) => m.LogsPage),
      },
      {
        path: 'logs/:projectId',
        title: `Logs · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readRun, 'project')],
        loadComponent: () => import('./pages/logs/logs.page').then((m) => m.LogsPage),
      },
      {
        path: 'annotate',
        title: `Annotate · ${TITLE}`,
        canActivate: guardOf(nav('annotate')),
        loadComponent: () => import('./pages/annotate/annotate-queues.page').then((m) => m.AnnotateQueuesPage),
      },
      {
        path: 'annotate/:projectId',
        title: `Annotate · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readAnnotation, 'project')],
        loadComponent: () => import('./pages/annotate/annotate-queues.page').then((m) => m.AnnotateQueuesPage),
      },
      {
        path: 'annotate/:projectId/:queueId',
        title: `Annotate · ${TITLE}`,
        canActivate: [permissionGuard(permissions.writeAnnotation, 'project')],
        loadComponent: () => import('./pages/annotate/annotate.page').then((m) => m.AnnotatePage),
      },
      {
        path: 'queues',
        title: `Queues · ${TITLE}`,
        canActivate: guardOf(nav('queues')),
        loadComponent: () => import('./pages/queues/queues.page').then((m) => m.QueuesPage),
      },
      {
        path: 'queues/:projectId',
        title: `Queues · ${TITLE}`,
        canActivate: [permissionGuard(permissions.manageAnnotation, 'project')],
        loadComponent: () => import('./pages/queues/queues.page').then((m) => m.QueuesPage),
      },
      {
        path: 'agreement/:projectId/:queueId',
        title: `Agreement · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readAnnotation, 'project')],
        loadComponent: () => import('./pages/agreement/agreement.page').then((m) => m.AgreementPage),
      },
      {
        path: 'datasets',
        title: `Datasets · ${TITLE}`,
        canActivate: guardOf(nav('datasets')),
        loadComponent: () => import('./pages/datasets/datasets.page').then((m) => m.DatasetsPage),
      },
      {
        path: 'datasets/:projectId',
        title: `Datasets · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readDataset, 'project')],
        loadComponent: () => import('./pages/datasets/datasets.page').then((m) => m.DatasetsPage),
      },
      {
        path: 'training',
        title: `Training · ${TITLE}`,
        canActivate: guardOf(nav('training')),
        loadComponent: () => import('./pages/training/training.page').then((m) => m.TrainingPage),
      },
      {
        path: 'training/:projectId',
        title: `Training · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readTraining, 'project')],
        loadComponent: () => import('./pages/training/training.page').then((m) => m.TrainingPage),
      },
      {
        path: 'training/:projectId/:runId',
        title: `Training run · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readTraining, 'project')],
        loadComponent: () => import('./pages/training/training-run.page').then((m) => m.TrainingRunPage),
      },
      {
        path: 'models',
        title: `Models · ${TITLE}`,
        canActivate: guardOf(nav('models')),
        loadComponent: () => import('./pages/models/models.page').then((m) => m.ModelsPage),
      },
      {
        path: 'models/:projectId',
        title: `Models · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readModel, 'project')],
        loadComponent: () => import('./pages/models/models.page').then((m) => m.ModelsPage),
      },
      {
        path: 'models/:projectId/:modelId',
        title: `Models · ${TITLE}`,
        canActivate: [permissionGuard(permissions.readModel, 'project')],
        loadComponent: () => import('./pages/models/models.page').then((m) => m.ModelsPage),
      },
      {
        path: 'admin',
        title: `Users · ${TITLE}`,
        canActivate: guardOf(nav('admin')),
        loadComponent: () => import('./pages/admin/users.page').then((m) => m.UsersPage),
      },
      {
        path: 'audit',
        title: `Audit · ${TITLE}`,
        canActivate: guardOf(nav('audit')),
        loadComponent: () => import('./pages/audit/audit.page').then((m) => m.AuditPage),
      },
      {
        path: 'status',
        title: `Health · ${TITLE}`,
        loadComponent: () => import('./pages/status/status.page').then((m) => m.StatusPage),
      },
      { path: '**', redirectTo: 'projects' },
    ],
  },
];
