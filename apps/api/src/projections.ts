import type { AnyProjection } from '@camel/server';
import { annotationsProjection } from '@camel/annotations/server';
import { configsProjection } from '@camel/configs/server';
import { datasetsProjection } from '@camel/datasets/server';
import { webhooksProjection } from '@camel/webhooks/server';
import { auditProjection, identityProjection } from '@camel/identity/server';
import { modelsProjection } from '@camel/models/server';
import { projectsProjection } from '@camel/projects/server';
import { trainingRunsProjection } from '@camel/training/server';
import { logsProjection, runsProjection } from '@camel/workflows/server';

/** Every read model the api maintains; the rebuild CLI works on the same list. */
export const API_PROJECTIONS: readonly AnyProjection[] = [
  projectsProjection,
  identityProjection,
  auditProjection,
  configsProjection,
  runsProjection,
  logsProjection,
  annotationsProjection,
  datasetsProjection,
  webhooksProjection,
  trainingRunsProjection,
  modelsProjection,
];
