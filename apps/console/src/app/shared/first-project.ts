import type { Router } from '@angular/router';
import type { Permission } from '@camel/contracts';
import type { ApiService } from '../core/api.service';
import type { AuthService } from '../core/auth.service';

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
