/** What the home page knows of the user's situation, read when it opens. */
export interface HomeFacts {
  readonly canCreateProject: boolean;
  /** The active projects the user can see, oldest first. */
  readonly projects: readonly { readonly id: string; readonly name: string }[];
  /** Of the first of them: what the user may do there and how far it is. */
  readonly first?: {
    readonly configVersion: number;
    readonly runs: number;
    readonly canWriteConfig: boolean;
    readonly canStartRun: boolean;
    readonly canAnnotate: boolean;
  };
}

export type NextStep =
  | { readonly kind: 'create-project' }
  | { readonly kind: 'ask-for-project' }
  | { readonly kind: 'write-configs'; readonly projectId: string; readonly projectName: string }
  | { readonly kind: 'start-run'; readonly projectId: string; readonly projectName: string }
  | { readonly kind: 'annotate'; readonly projectId: string; readonly projectName: string }
  | { readonly kind: 'follow-runs'; readonly projectId: string; readonly projectName: string };

/**
 * The one next step the home page suggests, by role and progress: a project first (or asking for
 * one), then its configs, then a run; an annotator goes to annotation; everyone else to the runs.
 */
export function nextStep(facts: HomeFacts): NextStep {
  const [project] = facts.projects;
  if (!project || !facts.first) return { kind: facts.canCreateProject ? 'create-project' : 'ask-for-project' };
  const at = { projectId: project.id, projectName: project.name };
  const { first } = facts;
  if (first.canAnnotate && !first.canWriteConfig) return { kind: 'annotate', ...at };
  if (first.configVersion === 0 && first.canWriteConfig) return { kind: 'write-configs', ...at };
  if (first.runs === 0 && first.canStartRun && first.configVersion > 0) return { kind: 'start-run', ...at };
  return { kind: 'follow-runs', ...at };
}
