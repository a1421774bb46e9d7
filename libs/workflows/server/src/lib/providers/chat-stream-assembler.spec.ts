import { ProviderError, type ChatDelta } from '@camel/workflows';
import { ChatStreamAssembler } from './chat-stream-assembler';

const chunk = (choices: object[], extra: object = {}) => ({ id: 'c', object: 'chat.completion.chunk', model: 'm-1', choices, ...extra });
const malformed = (run: () => void) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('malformed_response');
    return (error as ProviderError).message;
  }
  throw new Error('expected malformed_response');
};

describe('ChatStreamAssembler', () => {
  it('folds chunks into choices, reports the text appended and maps finish reasons', () => {
    const deltas: ChatDelta[] = [];
    const assembler = new ChatStreamAssembler('p', 2, (delta) => deltas.push(delta));
    assembler.add(chunk([{ index: 0, delta: { role: 'assistant', content: '' } }, { index: 1, delta: { role: 'assistant' } }]));
    assembler.add(chunk([{ index: 1, delta: { content: 'B' } }]));
    assembler.add(chunk([{ index: 0, delta: { content: 'A1' } }]));
    assembler.add(chunk([{ index: 0, delta: { content: ' A2' }, finish_reason: 'length' }]));
    assembler.add(chunk([{ index: 1, delta: {}, finish_reason: 'something_new' }]));
    assembler.add(chunk([], { usage: { prompt_tokens: 3, completion_tokens: 4 } }));
    expect(assembler.result()).toEqual({
      choices: [
        { content: 'A1 A2', finishReason: 'length' },
        { content: 'B', finishReason: 'other' },
      ],
      usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
      model: 'm-1',
    });
    expect(deltas).toEqual([
      { choice: 1, text: 'B' },
      { choice: 0, text: 'A1' },
      { choice: 0, text: ' A2' },
    ]);
  });

  it('has null usage when the endpoint reports none', () => {
    const assembler = new ChatStreamAssembler('p', 1);
    assembler.add(chunk([{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }], { usage: null }));
    expect(assembler.result().usage).toBeNull();
  });

  it('refuses chunks that do not have the API’s shape', () => {
    const add = (value: unknown) => () => new ChatStreamAssembler('p', 1).add(value);
    expect(malformed(add('text'))).toBe('provider p: malformed answer: a chunk without a choices list');
    expect(malformed(add(chunk([{ index: -1 }])))).toContain('choice index -1');
    expect(malformed(add(chunk([{ index: 0, delta: { content: 7 } }])))).toContain('delta content that is not text');
    expect(malformed(add(chunk([{ index: 0, finish_reason: 1 }])))).toContain('finish_reason');
    expect(malformed(add(chunk([], { usage: { prompt_tokens: 'many' } })))).toContain('usage.prompt_tokens');
  });

  it('refuses text after a choice finished, and a stream that ends before every choice finished', () => {
    const assembler = new ChatStreamAssembler('p', 2);
    assembler.add(chunk([{ index: 0, delta: { content: 'a' }, finish_reason: 'stop' }]));
    expect(malformed(() => assembler.add(chunk([{ index: 0, delta: { content: 'more' } }])))).toContain('after it finished');
    assembler.add(chunk([{ index: 1, delta: { content: 'b' } }]));
    expect(malformed(() => assembler.result())).toBe('provider p: malformed answer: the stream ended before choice 1 finished');
  });
});
