/** The agent model editor (`readAgentModels`, `setAgentModel`), with the yaml package it needs, loaded on first use. */
export type AgentModelTools = typeof import('./agent-model');

export const loadAgentModelTools = (): Promise<AgentModelTools> => import('./agent-model');
