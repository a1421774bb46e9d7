import { DomainError, type RunAgent, type RunOverrides, type RunPlan } from '@camel/contracts';
import type { ValidConfigSet } from '@camel/configs';

/**
 * What the run's project resolved each `type: local` model reference to at start: the name, id or
 * tag an agent names → the registry model's id (null: nothing in the project's catalog answers to
 * it). Built by the start handler from the model registry; the decider pins it into the plan.
 */
export type LocalModelResolution = Readonly<Record<string, string | null>>;

export const unknownLocalModelMessage = (agent: string, model: string): string =>
  `agent ${agent}: model "${model}" is not in this project's model catalog (no active model has that name, id or tag)`;

/** A `type: local` agent of a plan whose model the catalog does not have. */
export interface UnresolvedLocalModel {
  readonly agent: string;
  readonly provider: string;
  readonly model: string;
  /** The input naming it: the run's override when it changed the agent's model or provider, else agents.yaml. */
  readonly field: string;
}

/** The model-calling agents of a plan, each once (people take no model). */
export function planAgents(plan: RunPlan): RunAgent[] {
  const agents =
    plan.type === 'pipeline'
      ? Object.values(plan.agents)
      : [plan.assistant, plan.user, plan.taskSpecifier?.agent, plan.critic?.kind === 'ai' ? plan.critic.agent : undefined];
  return agents.filter((agent): agent is RunAgent => agent !== undefined && agent.kind === 'ai');
}

const isLocal = (config: ValidConfigSet, agent: RunAgent): boolean => config.agents.providers.find((p) => p.id === agent.provider)?.type === 'local';

/** The model references of the plan's `type: local` agents: what the handler asks the registry about. */
export function localModelReferences(config: ValidConfigSet, plan: RunPlan): string[] {
  return [...new Set(planAgents(plan).filter((agent) => isLocal(config, agent)).map((agent) => agent.model))];
}

/** The plan's `type: local` agents whose model the resolution does not name (the preflight's problems, the start's refusal). */
export function unresolvedLocalModels(config: ValidConfigSet, plan: RunPlan, overrides: RunOverrides, resolved: LocalModelResolution): UnresolvedLocalModel[] {
  return planAgents(plan)
    .filter((agent) => isLocal(config, agent) && !resolved[agent.model])
    .map((agent) => {
      const override = overrides.agents?.[agent.name];
      const field = override?.model !== undefined || override?.provider !== undefined ? `overrides.agents.${agent.name}.model` : `agents.${agent.name}.model.name`;
      return { agent: agent.name, provider: agent.provider, model: agent.model, field };
    });
}

/**
 * The plan with every `type: local` agent's model pinned to the id it resolved to (`modelId`), so
 * the run — and a replay of it — calls that model even after a tag moves or a name is reused. An
 * agent whose model does not resolve refuses the start (400 naming the agent's model field).
 */
export function pinLocalModels(config: ValidConfigSet, plan: RunPlan, overrides: RunOverrides, resolved: LocalModelResolution): RunPlan {
  const [missing] = unresolvedLocalModels(config, plan, overrides, resolved);
  if (missing) {
    throw DomainError.validation(
      'run.model.unknown',
      missing.field,
      unknownLocalModelMessage(missing.agent, missing.model),
    );
  }
  const pin = (agent: RunAgent): RunAgent => {
    const modelId = isLocal(config, agent) && agent.kind === 'ai' ? resolved[agent.model] : null;
    return modelId ? { ...agent, modelId } : agent;
  };
  if (plan.type === 'pipeline') return { ...plan, agents: Object.fromEntries(Object.entries(plan.agents).map(([name, agent]) => [name, pin(agent)])) };
  return {
    ...plan,
    assistant: pin(plan.assistant),
    user: pin(plan.user),
    taskSpecifier: plan.taskSpecifier ? { ...plan.taskSpecifier, agent: pin(plan.taskSpecifier.agent) } : null,
    critic: plan.critic?.kind === 'ai' ? { ...plan.critic, agent: pin(plan.critic.agent) } : plan.critic,
  };
}
