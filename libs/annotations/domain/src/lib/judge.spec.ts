import { judgeMessages, parseJudgeReply } from './judge';

describe('judge agent prompt and reply', () => {
  const pairwise = {
    kind: 'pairwise' as const,
    systemPrompt: 'You are a careful reviewer.',
    ratingScale: { min: 1, max: 5 },
    labels: [],
    history: [{ role: 'user' as const, content: 'Write fetch_prices.' }],
    answer: 'def fetch_prices(): ...',
    alternative: { entryId: 'r:alt', content: 'def fetch_prices(symbols): ...' },
  };

  it('shows the shared history, both answers, and asks for one JSON object', () => {
    const [system, user] = judgeMessages(pairwise);
    expect(system.content).toContain('You are a careful reviewer.');
    expect(system.content).toContain('"both_bad"');
    expect(user.content).toBe('Conversation:\n[user] Write fetch_prices.\n\nAnswer A:\ndef fetch_prices(): ...\n\nAnswer B:\ndef fetch_prices(symbols): ...');
  });

  it('reads the first JSON object of the reply into a raw value (validated later like a human answer)', () => {
    expect(parseJudgeReply('Sure: {"choice": "B", "rationale": "handles symbols"}', pairwise)).toEqual({
      preference: { alternativeEntryId: 'r:alt', choice: 'B' },
      rationale: 'handles symbols',
    });
    expect(parseJudgeReply('{"rating": 4, "tags": ["helpful"]}', { kind: 'single', alternative: null })).toEqual({ rating: 4, tags: ['helpful'] });
  });

  it('no JSON object, or not an object: null', () => {
    expect(parseJudgeReply('I think B is better', pairwise)).toBeNull();
    expect(parseJudgeReply('{not json}', pairwise)).toBeNull();
    expect(parseJudgeReply('[1, 2]', pairwise)).toBeNull();
  });
});
