/** `readConfigChoices`, with the yaml package it needs, loaded on first use (like the agent model editor). */
export type WorkflowChoiceTools = typeof import('./workflow-choices');

export const loadWorkflowChoiceTools = (): Promise<WorkflowChoiceTools> => import('./workflow-choices');
