import { CAMEL_TASK_DONE, OPENING_REF, type RolePlayPlan, type TurnPlace } from '@camel/contracts';
import { turnIdOf, type Run } from '../runs/run-state';
import { criticMessages, promptHash, rolePlayMessages, taskSpecifyMessages } from './prompts';
import { agentTurn, modelRequest, overBudget, type EngineFinish, type Work } from './work';

export const SPECIFY_CALL_ID = 'specify';
export const criticCallId = (turnId: string): string => `${turnId}/critic`;

/**
 * CAMEL role-playing: the user agent instructs, the assistant answers, turn about, starting with
 * the user (who receives CAMEL's opening message). Each agent sees `[system, …its history]`.
 */
export function rolePlayWork(run: Run, plan: RolePlayPlan): Work {
  if (plan.taskSpecifier && run.specification === null) {
    const messages = taskSpecifyMessages(run);
    const agent = plan.taskSpecifier.agent;
    return {
      type: 'call',
      call: {
        callId: SPECIFY_CALL_ID,
        purpose: 'task_specify',
        place: null,
        agent: agent.name,
        request: modelRequest(agent, messages),
        promptRef: { kind: 'task_specify', sha256: promptHash(messages) },
      },
    };
  }
  const finish = rolePlayFinish(run, plan);
  if (finish) return { type: 'finish', reason: finish };

  const index = run.turns.length + 1;
  const turnId = turnIdOf(index);
  const role = index % 2 === 1 ? 'user' : 'assistant';
  const agent = plan[role];
  const place: TurnPlace = { turnId, index, agent: agent.name, role };

  const proposed = run.candidates[turnId];
  if (proposed && plan.critic) {
    if (plan.critic.kind === 'human') {
      return { type: 'choice', place, candidates: proposed.candidates.map((c) => c.content), timeoutSeconds: plan.critic.inputTimeoutSeconds };
    }
    const messages = criticMessages(run, turnId);
    return {
      type: 'call',
      call: {
        callId: criticCallId(turnId),
        purpose: 'critic',
        place,
        agent: plan.critic.agent.name,
        request: modelRequest(plan.critic.agent, messages),
        promptRef: { kind: 'critic', turnId, sha256: promptHash(messages) },
      },
    };
  }

  const all = [...(role === 'user' ? [OPENING_REF] : []), ...run.turns.map((t) => t.turnId)];
  const history = agent.memoryWindow === null ? all : all.slice(-agent.memoryWindow);
  const candidates = plan.critic ? plan.critic.candidates : 1;
  return agentTurn(place, agent, rolePlayMessages(run, role, history), (sha256) => ({ kind: 'role_play', history, sha256 }), candidates);
}

/** A user turn with CAMEL's done token ends the run at once: the assistant is not called again. */
function rolePlayFinish(run: Run, plan: RolePlayPlan): EngineFinish | null {
  const last = run.turns.at(-1);
  if (last?.role === 'user' && last.content.includes(CAMEL_TASK_DONE)) return 'task_done';
  if (last && plan.terminationTokens.some((token) => last.content.includes(token))) return 'task_done';
  if (overBudget(run, plan.maxTotalTokens)) return 'max_tokens_exceeded';
  const rounds = run.turns.filter((t) => t.role === 'assistant').length;
  return rounds >= plan.maxTurns ? 'max_turns' : null;
}
