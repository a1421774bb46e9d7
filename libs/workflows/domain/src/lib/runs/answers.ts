import { DomainError, type CriticChoice, type ModelCall, type RunEvent, type TurnPlace } from '@camel/contracts';
import type { ChatResult } from '../llm/chat';
import type { PlannedCall } from '../engine/work';
import { placeOf, type Run } from './run-state';

/** The events a model's answer to a planned call records. */
export function answerEvents(run: Run, call: PlannedCall, answer: ChatResult): RunEvent[] {
  if (answer.choices.length === 0) throw DomainError.validation('run.answer.empty', 'answer.choices', 'the model answered no choice');
  const runId = run.runId;
  const n = call.request.n ?? 1;
  const made: ModelCall = {
    provider: call.request.provider,
    model: call.request.model,
    answeredBy: answer.model,
    parameters: call.request.parameters,
    n,
    usage: answer.usage,
    latencyMs: answer.latencyMs,
    attempts: answer.attempts,
  };
  const [first] = answer.choices;
  const place = call.place ? placeOf(call.place) : null;
  switch (call.purpose) {
    case 'task_specify': {
      // A blank specification would leave the agents without a task: they keep the original then.
      const specifiedTask = first.content.trim() || run.originalTask;
      return [
        {
          type: 'TaskSpecified',
          data: { runId, agent: call.agent, originalTask: run.originalTask, specifiedTask, call: made, finishReason: first.finishReason, promptRef: call.promptRef },
        },
      ];
    }
    case 'turn': {
      if (!place) throw new Error(`call ${call.callId} has no turn`);
      if (n > 1 && answer.choices.length > 1) {
        const candidates = answer.choices.slice(0, n).map(({ content, finishReason }) => ({ content, finishReason }));
        return [{ type: 'CandidatesProposed', data: { ...place, runId, candidates, call: made, promptRef: call.promptRef } }];
      }
      return [
        {
          type: 'TurnRecorded',
          data: { ...place, runId, kind: 'ai', content: first.content, finishReason: first.finishReason, call: made, promptRef: call.promptRef, critic: null, submittedBy: null },
        },
      ];
    }
    case 'critic': {
      if (!place) throw new Error(`call ${call.callId} has no turn`);
      const count = run.candidates[place.turnId]?.candidates.length ?? 0;
      const { chosen, parsed } = parseChoice(first.content, count);
      return chosenTurn(run, place, { agent: call.agent, chosen, rationale: first.content, parsed, call: made, promptRef: call.promptRef, chosenBy: null });
    }
    case 'regenerate': {
      if (!place || !call.alternativeId) throw new Error(`call ${call.callId} regenerates no turn`);
      const { alternativeId } = call;
      const turnId = place.turnId;
      return [
        {
          type: 'AlternativeRecorded',
          data: { runId, alternativeId, turnId, source: 'regenerated', content: first.content, finishReason: first.finishReason, call: made, candidate: null },
        },
      ];
    }
    default: {
      const unknown: never = call.purpose;
      throw new Error(`unknown call purpose ${String(unknown)}`);
    }
  }
}

/** The critic's pick: the first option number in its answer; without a valid one, the first option. */
export function parseChoice(answer: string, candidates: number): { chosen: number; parsed: boolean } {
  for (const [digits] of answer.matchAll(/\d+/g)) {
    const option = Number(digits);
    if (option >= 1 && option <= candidates) return { chosen: option - 1, parsed: true };
  }
  return { chosen: 0, parsed: false };
}

/** The chosen candidate becomes the turn; every other candidate is stored as its alternative. */
export function chosenTurn(run: Run, place: TurnPlace, choice: Omit<CriticChoice, 'candidates'>): RunEvent[] {
  const proposed = run.candidates[place.turnId];
  if (!proposed) throw new Error(`run ${run.runId} has no candidates for ${place.turnId}`);
  const chosen = proposed.candidates[choice.chosen];
  const runId = run.runId;
  return [
    {
      type: 'TurnRecorded',
      data: {
        ...place,
        runId,
        kind: 'ai',
        content: chosen.content,
        finishReason: chosen.finishReason,
        call: proposed.call,
        promptRef: proposed.promptRef,
        critic: { ...choice, candidates: proposed.candidates.length },
        submittedBy: null,
      },
    },
    ...proposed.candidates.flatMap((candidate, i): RunEvent[] =>
      i === choice.chosen
        ? []
        : [
            {
              type: 'AlternativeRecorded',
              data: {
                runId,
                alternativeId: `${place.turnId}/candidate-${i + 1}`,
                turnId: place.turnId,
                source: 'critic-candidate',
                content: candidate.content,
                finishReason: candidate.finishReason,
                call: null,
                candidate: i,
              },
            },
          ],
    ),
  ];
}
