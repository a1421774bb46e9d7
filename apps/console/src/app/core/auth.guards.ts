import { inject } from '@angular/core';
import { Router, type ActivatedRouteSnapshot, type CanActivateFn, type RouterStateSnapshot } from '@angular/router';
import type { Permission } from '@camel/contracts';
import { AuthService } from './auth.service';
import { ToastService } from './toast.service';

/** Pages behind sign-in: without a session, to /sign-in and back here afterwards. */
export const signedInGuard: CanActivateFn = async (_route: ActivatedRouteSnapshot, state: RouterStateSnapshot) => {
  const auth = inject(AuthService);
  const router = inject(Router);
  await auth.whenReady();
  return auth.signedIn() ? true : router.createUrlTree(['/sign-in'], { queryParams: { returnUrl: state.url } });
};

/** The sign-in page: a signed-in user goes on to the console. */
export const signedOutGuard: CanActivateFn = async () => {
  const auth = inject(AuthService);
  const router = inject(Router);
  await auth.whenReady();
  return auth.signedIn() ? router.createUrlTree(['/home']) : true;
};

/**
 * Where a permission must be held for a page: installation-wide (`global`), in some project
 * (`anywhere`), or in the project of the route's `:projectId` (`project`).
 */
export type PermissionScope = 'global' | 'anywhere' | 'project';

/** Sends a user who lacks `permission` to the projects page (the api would refuse anyway). */
export function permissionGuard(permission: Permission, scope: PermissionScope): CanActivateFn {
  return async (route: ActivatedRouteSnapshot) => {
    const auth = inject(AuthService);
    const router = inject(Router);
    const toast = inject(ToastService);
    await auth.whenReady();
    const projectId = route.paramMap.get('projectId') ?? '';
    const allowed =
      scope === 'global' ? auth.canGlobally(permission) : scope === 'anywhere' ? auth.canAnywhere(permission) : auth.canIn(permission, projectId);
    if (allowed) return true;
    toast.info('You do not have access to that page.');
    return router.createUrlTree(['/projects']);
  };
}
