import type { Projection } from '@camel/event-store';
import { configsProjection } from './configs/configs.projection';
import { auditProjection } from './identity/audit.projection';
import { identityProjection } from './identity/identity.projection';
import { projectsProjection } from './projects/projects.projection';

/** Every read model the api maintains; the rebuild CLI works on the same list. */
export const API_PROJECTIONS: readonly Projection[] = [projectsProjection, identityProjection, auditProjection, configsProjection];
