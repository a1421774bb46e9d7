import { PREFERENCE_CHOICES, type ChatMessage, type QueueKind, type RatingScale } from '@camel/contracts';

/** What the judge agent is shown: the conversation up to the judged answer, the answer, and (pairwise) the alternative. */
export interface JudgeInput {
  readonly kind: QueueKind;
  readonly systemPrompt: string;
  readonly ratingScale: RatingScale;
  readonly labels: readonly string[];
  /** The judged call's prompt (the shared history). */
  readonly history: readonly ChatMessage[];
  readonly answer: string;
  readonly alternative: { readonly entryId: string; readonly content: string } | null;
}

const transcript = (history: readonly ChatMessage[]) => history.map((m) => `[${m.role}] ${m.content}`).join('\n\n');

/** The judge's messages: its own system prompt plus the task, asking for one JSON object. */
export function judgeMessages(input: JudgeInput): ChatMessage[] {
  const task =
    input.kind === 'pairwise'
      ? `Compare answer A with answer B to the conversation. Reply with one JSON object only: {"choice": one of ${PREFERENCE_CHOICES.map((c) => `"${c}"`).join(', ')}, "rationale": "one or two sentences"}.`
      : `Rate the answer to the conversation from ${input.ratingScale.min} (worst) to ${input.ratingScale.max} (best). Reply with one JSON object only: {"rating": integer, "rationale": "one or two sentences"${input.labels.length > 0 ? `, "tags": a list from ${JSON.stringify(input.labels)}` : ''}}.`;
  const answers =
    input.kind === 'pairwise' && input.alternative
      ? `Answer A:\n${input.answer}\n\nAnswer B:\n${input.alternative.content}`
      : `Answer:\n${input.answer}`;
  return [
    { role: 'system', content: `${input.systemPrompt}\n\nYou are judging answers for a human annotation team. ${task}` },
    { role: 'user', content: `Conversation:\n${transcript(input.history) || '(none)'}\n\n${answers}` },
  ];
}

/**
 * The judge's reply as a raw annotation value (the decider validates it like a human answer): the
 * first JSON object in the text; null when there is none.
 */
export function parseJudgeReply(text: string, input: Pick<JudgeInput, 'kind' | 'alternative'>): Record<string, unknown> | null {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start, end + 1));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const reply = parsed as Record<string, unknown>;
  const rationale = typeof reply['rationale'] === 'string' && reply['rationale'].trim() ? { rationale: reply['rationale'] } : {};
  if (input.kind === 'pairwise') {
    return input.alternative ? { preference: { alternativeEntryId: input.alternative.entryId, choice: reply['choice'] }, ...rationale } : null;
  }
  return { rating: reply['rating'], ...rationale, ...(Array.isArray(reply['tags']) && reply['tags'].length > 0 ? { tags: reply['tags'] } : {}) };
}
