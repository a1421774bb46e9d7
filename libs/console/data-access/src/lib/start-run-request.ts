import type { AgentOverride, ModelParameters, RunOverrides, StartRunRequest } from '@camel/contracts';

/** One agent's line of the start-run dialog; empty values keep the config's. */
export interface AgentOverrideForm {
  readonly model?: string;
  readonly temperature?: number | null;
  /** A person takes this seat for the run. */
  readonly human?: boolean;
  readonly inputTimeoutSeconds?: number | null;
}

/** What the start-run dialog holds; null or empty means "as configured". */
export interface StartRunForm {
  readonly workflow: string;
  readonly configVersion?: number;
  readonly task: string;
  /** The workflow's own task_prompt: a task equal to it is not an override. */
  readonly configuredTask: string;
  readonly maxTurns?: number | null;
  readonly maxIterations?: number | null;
  readonly maxTotalTokens?: number | null;
  readonly agents?: Readonly<Record<string, AgentOverrideForm>>;
  readonly critic?: { readonly human?: boolean; readonly candidates?: number | null; readonly inputTimeoutSeconds?: number | null };
}

const given = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

function agentOverride(form: AgentOverrideForm): AgentOverride | null {
  const model = form.model?.trim();
  const parameters: ModelParameters | undefined = given(form.temperature) ? { temperature: form.temperature } : undefined;
  const override: AgentOverride = {
    ...(form.human ? { kind: 'human' as const } : {}),
    ...(model && !form.human ? { model } : {}),
    ...(parameters && !form.human ? { parameters } : {}),
    ...(form.human && given(form.inputTimeoutSeconds) ? { inputTimeoutSeconds: form.inputTimeoutSeconds } : {}),
  };
  return Object.keys(override).length > 0 ? override : null;
}

/**
 * The request the dialog sends (to the preflight as the choice changes, then to start): only what
 * differs from the config, so a run started with nothing changed records no overrides. The api
 * validates every value (400s name the key path); this only leaves out what was not set.
 */
export function buildStartRunRequest(form: StartRunForm): StartRunRequest {
  const task = form.task.trim();
  const agents: Record<string, AgentOverride> = {};
  for (const [name, line] of Object.entries(form.agents ?? {})) {
    const override = agentOverride(line);
    if (override) agents[name] = override;
  }
  const critic = form.critic
    ? {
        ...(form.critic.human ? { kind: 'human' as const } : {}),
        ...(given(form.critic.candidates) ? { candidates: form.critic.candidates } : {}),
        ...(form.critic.human && given(form.critic.inputTimeoutSeconds) ? { inputTimeoutSeconds: form.critic.inputTimeoutSeconds } : {}),
      }
    : {};
  const overrides: RunOverrides = {
    ...(task && task !== form.configuredTask.trim() ? { task } : {}),
    ...(given(form.maxTurns) ? { maxTurns: form.maxTurns } : {}),
    ...(given(form.maxIterations) ? { maxIterations: form.maxIterations } : {}),
    ...(given(form.maxTotalTokens) ? { maxTotalTokens: form.maxTotalTokens } : {}),
    ...(Object.keys(agents).length > 0 ? { agents } : {}),
    ...(Object.keys(critic).length > 0 ? { critic } : {}),
  };
  return {
    workflow: form.workflow,
    ...(form.configVersion !== undefined ? { configVersion: form.configVersion } : {}),
    ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
  };
}
