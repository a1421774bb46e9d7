export * from './lib/api-client';
export * from './lib/runs-client';
export * from './lib/live-events.client';
export * from './lib/live-list';
export * from './lib/project-list';
export * from './lib/user-list';
export * from './lib/api-key-list';
export * from './lib/member-list';
export * from './lib/audit-entries';
export * from './lib/next-step';
export * from './lib/me-permissions';
export * from './lib/config-set';
export * from './lib/config-merge';
// The yaml package is large and not free of side effects for bundlers: the agent model editor is
// loaded on demand (a lazy chunk of whichever page needs it); only its types are re-exported here.
export type { AgentModelEdit, AgentModelEntry, AgentModelParams, AgentsRead } from './lib/agent-model';
export * from './lib/agent-model-loader';
export * from './lib/config-diff-rows';
export * from './lib/run-view';
export * from './lib/run-list';
export * from './lib/run-deltas';
export * from './lib/text-highlight';
export * from './lib/start-run-request';
// Like the agent model editor: the yaml package loads with the start-run dialog only.
export type { AgentChoice, ConfigChoices, WorkflowChoice } from './lib/workflow-choices';
export * from './lib/workflow-choices-loader';
export * from './lib/text-diff';
export * from './lib/annotate-keys';
export * from './lib/annotation-draft';
export * from './lib/read-again-source';
export * from './lib/annotations-client';
export * from './lib/datasets-client';
export * from './lib/training-client';
export * from './lib/training-launch';
export * from './lib/models-client';
export * from './lib/chat-client';
export * from './lib/line-chart';
export * from './lib/markdown-lite';
