import { inject, signal, type Signal } from '@angular/core';
import { Router } from '@angular/router';
import type { Permission } from '@camel/contracts';
import { ApiService } from '../core/api.service';
import { AuthService } from '../core/auth.service';

/**
 * A per-project page opened without a project (`/runs`, `/logs`): goes on to the first active
 * project where the user holds `permission`. Resolves false when there is none (or the list failed).
 */
export async function openFirstProject(api: ApiService, auth: AuthService, router: Router, permission: Permission, section: string): Promise<boolean> {
  try {
    const { projects } = await api.listProjects('active');
    const first = projects.find((project) => auth.canIn(permission, project.id));
    if (!first) return false;
    await router.navigate([`/${section}`, first.id], { replaceUrl: true });
    return true;
  } catch {
    return false;
  }
}

/** A per-project page's way between projects: the picker's choice, and the first project allowed when none is named. */
export interface ProjectNavigation {
  /** True once no project allows the page (shown instead of the list). */
  readonly noProject: Signal<boolean>;
  open(projectId: string): void;
  openFirst(): Promise<void>;
}

/** `section` is the page's route (`/queues/:projectId`); call in an injection context (a page's field). */
export function injectProjectNavigation(section: string, permission: Permission): ProjectNavigation {
  const api = inject(ApiService);
  const auth = inject(AuthService);
  const router = inject(Router);
  const noProject = signal(false);
  return {
    noProject: noProject.asReadonly(),
    open: (projectId) => void router.navigate([`/${section}`, projectId]),
    async openFirst() {
      noProject.set(false);
      if (!(await openFirstProject(api, auth, router, permission, section))) noProject.set(true);
    },
  };
}

