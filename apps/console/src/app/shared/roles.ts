import type { ProjectRole } from '@camel/contracts';

/** One line per project role, under role pickers. */
export const ROLE_HINTS: Record<ProjectRole, string> = {
  admin: 'everything in the project, incl. members, API keys and audit',
  engineer: 'configs, runs, datasets, training and models',
  annotator: 'runs and annotation; no training',
  viewer: 'reads everything, changes nothing',
};
