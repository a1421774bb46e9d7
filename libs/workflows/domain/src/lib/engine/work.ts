import type { CallPurpose, ChatMessage, PromptRef, RunAgent, TurnPlace } from '@camel/contracts';
import type { ChatRequest } from '../llm/chat';
import type { Run } from '../runs/run-state';
import { promptHash } from './prompts';

/** A model call the engine wants made, with everything needed to record its answer. */
export interface PlannedCall {
  /** Stable across re-runs: `specify`, `turn-<n>`, `turn-<n>/critic`, `regenerate/<alternativeId>`. */
  readonly callId: string;
  readonly purpose: CallPurpose;
  /** The turn the call is for (none for the task specifier). */
  readonly place: TurnPlace | null;
  readonly agent: string;
  readonly request: ChatRequest;
  readonly promptRef: PromptRef;
  /** Regenerations: the alternative the answer becomes. */
  readonly alternativeId?: string;
}

export type EngineFinish = 'task_done' | 'max_turns' | 'max_tokens_exceeded';

/** What the conversation needs next, whatever the run's status. */
export type Work =
  | { readonly type: 'call'; readonly call: PlannedCall }
  | {
      readonly type: 'human_turn';
      readonly place: TurnPlace;
      /** What a model in this seat would have been sent: shown to the person, recorded as the turn's prompt. */
      readonly prompt: readonly ChatMessage[];
      readonly promptRef: PromptRef;
      readonly timeoutSeconds: number | null;
    }
  | { readonly type: 'choice'; readonly place: TurnPlace; readonly candidates: readonly string[]; readonly timeoutSeconds: number | null }
  | { readonly type: 'finish'; readonly reason: EngineFinish };

/** An agent's turn: a model call, or a person's input for a human agent. */
export function agentTurn(
  place: TurnPlace,
  agent: RunAgent,
  messages: ChatMessage[],
  toRef: (sha256: string) => PromptRef,
  n = 1,
): Work {
  const promptRef = toRef(promptHash(messages));
  if (agent.kind === 'human') return { type: 'human_turn', place, prompt: messages, promptRef, timeoutSeconds: agent.inputTimeoutSeconds };
  return { type: 'call', call: { callId: place.turnId, purpose: 'turn', place, agent: agent.name, request: modelRequest(agent, messages, n), promptRef } };
}

export function modelRequest(agent: RunAgent, messages: readonly ChatMessage[], n = 1): ChatRequest {
  return { provider: agent.provider, model: agent.modelId ?? agent.model, messages, parameters: agent.parameters, n };
}

export function overBudget(run: Run, maxTotalTokens: number | null): boolean {
  return maxTotalTokens !== null && run.tokensUsed >= maxTotalTokens;
}
