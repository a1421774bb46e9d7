import type { RunOverrides, RunPlan } from '@camel/contracts';
import type { ValidConfigSet, WorkflowFile } from '@camel/configs';
import { unknownLocalModelMessage, unresolvedLocalModels, type LocalModelResolution } from '@camel/workflows';
import { PROVIDER_TYPES } from '@camel/configs';
import { missingKeyMessage } from './provider-errors';

export type PreflightCode = 'unknown_agent' | 'unknown_provider' | 'unsupported_provider' | 'not_configured' | 'unknown_model';

/** One thing that would make a run fail before its first model call. */
export interface PreflightProblem {
  readonly code: PreflightCode;
  /** The provider id, when the problem is a provider's. */
  readonly provider?: string;
  /** The agent that needs it. */
  readonly agent: string;
  /** e.g. "provider openai: OPENAI_API_KEY is not set". */
  readonly message: string;
  /** The input to change (`unknown_model`: the agent's model in agents.yaml or the run's override). */
  readonly field?: string;
}

/** The agents a workflow calls: its roles, critic and task specifier, or its pipeline's steps. */
export function agentsOf(workflow: WorkflowFile): string[] {
  switch (workflow.type) {
    case 'role_playing':
      return unique([workflow.assistant, workflow.user, workflow.critic, workflow.task_specify?.agent]);
    case 'pipeline':
      return unique(workflow.steps.map((step) => step.agent));
    default: {
      const never: never = workflow;
      throw new Error(`unknown workflow type ${JSON.stringify((never as { type: unknown }).type)}`);
    }
  }
}

/**
 * Everything missing for `workflow` to run with this config set and environment — all of it at
 * once, each provider named once — so the start-run dialog can say what to fix before starting.
 */
export function preflight(configSet: ValidConfigSet, workflow: WorkflowFile, env: Readonly<Record<string, string | undefined>>): PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  const checked = new Set<string>();
  for (const agentName of agentsOf(workflow)) {
    const agent = configSet.agents.agents.find((candidate) => candidate.name === agentName);
    if (!agent) {
      problems.push({ code: 'unknown_agent', agent: agentName, message: `workflow ${workflow.name}: agent "${agentName}" is not in agents.yaml` });
      continue;
    }
    const providerId = agent.model.provider;
    if (checked.has(providerId)) continue;
    checked.add(providerId);
    const provider = configSet.agents.providers.find((candidate) => candidate.id === providerId);
    if (!provider) {
      problems.push({ code: 'unknown_provider', provider: providerId, agent: agentName, message: `agent ${agentName}: provider "${providerId}" is not in agents.yaml` });
    } else if (!(PROVIDER_TYPES as readonly string[]).includes(provider.type)) {
      problems.push({ code: 'unsupported_provider', provider: providerId, agent: agentName, message: `provider ${providerId}: type "${provider.type}" is not supported` });
    } else if (provider.api_key_env && !env[provider.api_key_env]?.trim()) {
      problems.push({ code: 'not_configured', provider: providerId, agent: agentName, message: missingKeyMessage(providerId, provider.api_key_env) });
    }
  }
  return problems;
}

function unique(names: readonly (string | undefined)[]): string[] {
  return [...new Set(names.filter((name): name is string => name !== undefined))];
}

/** The plan's `type: local` agents whose model the project's catalog does not have (what StartRun would refuse). */
export function localModelProblems(configSet: ValidConfigSet, plan: RunPlan, overrides: RunOverrides, resolved: LocalModelResolution): PreflightProblem[] {
  return unresolvedLocalModels(configSet, plan, overrides, resolved).map(({ agent, provider, model, field }) => ({
    code: 'unknown_model' as const,
    agent,
    provider,
    field,
    message: unknownLocalModelMessage(agent, model),
  }));
}
